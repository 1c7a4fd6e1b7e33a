"""What the demo's people see, in plain data: run by the previous release's code before the
upgrade and by the current code after it (``manage.py shell`` in each tree), so it uses only what
both have: the documented commands and URL names, and the models' fields.

``python snapshot.py OUT [YYYY-MM-DD]`` writes JSON to OUT: the coordinator's login with her
password and two of her role's permissions, the clearance board (``manage.py clearance``) and
its admin page's status on the date (default today), the first calendar feed's answer (its
events), and each person's qualifications and attendance marks by kind.
"""

from __future__ import annotations

import datetime
import io
import json
import sys
from collections import Counter
from pathlib import Path

from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

PASSWORD = "jourdemo-2026"
COORDINATOR = "samordnare@example.org"
PERMISSIONS = ("jour_people.view_person", "jour_courses.change_attendance")


def coordinator_login() -> dict:
    user = authenticate(RequestFactory().post("/"), username=COORDINATOR, password=PASSWORD)
    return {
        "logged_in": user is not None,
        "permissions": [p for p in PERMISSIONS if user is not None and user.has_perm(p)],
    }


def board(on: datetime.date) -> dict:
    from django.contrib.auth import get_user_model

    coordinator = get_user_model().objects.get(email=COORDINATOR)
    out = io.StringIO()
    call_command("clearance", organisation=coordinator.organisation.slug, on=on.isoformat(), stdout=out)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(coordinator)
    page = client.get(reverse("certifications_board"), {"on": on.isoformat()})
    return {"rows": json.loads(out.getvalue())["results"], "page": page.status_code}


def feed_answer() -> dict:
    from icalendar import Calendar

    from courses.ical import token_of
    from courses.models import FeedToken

    feed = FeedToken.objects.order_by("pk").first()
    answer = Client(HTTP_HOST="127.0.0.1").get(reverse("courses_calendar_feed", args=[token_of(feed)]))
    events = [
        [str(e["UID"]), e.decoded("DTSTART").isoformat(), str(e["SUMMARY"]), int(e.get("SEQUENCE", 0))]
        for e in Calendar.from_ical(answer.content).walk("VEVENT")
    ]
    return {"status": answer.status_code, "person": feed.person.email, "events": sorted(events)}


def records() -> dict:
    from certifications.models import Qualification
    from courses.models import Attendance

    qualifications = Qualification.objects.values_list(
        "person__email", "type__name", "issued_on", "expires_on", "revoked_on", "source"
    )
    marks = Counter(
        f"{email} {mark}" for email, mark in Attendance.objects.values_list("person__email", "mark")
    )
    return {
        "qualifications": sorted([str(value) for value in row] for row in qualifications),
        "attendance": dict(sorted(marks.items())),
    }


if __name__ == "__main__":
    on = datetime.date.fromisoformat(sys.argv[2]) if len(sys.argv) > 2 else timezone.localdate()
    snapshot = {"on": on.isoformat(), "login": coordinator_login(), "board": board(on), "feed": feed_answer()}
    Path(sys.argv[1]).write_text(json.dumps(snapshot | records(), indent=1))
