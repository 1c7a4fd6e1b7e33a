"""Reminders the day before a session, for those who asked for them (``User.session_reminders``,
off unless she turns it on in My training).

``manage.py send_session_reminders``, run daily from cron, queues one email per person for her
sessions starting tomorrow (the Stockholm date after today): those of the runs she is enrolled
in or leads, and those where she makes up a unit; not cancelled ones. Each is sent once
(``SessionReminder``: the session, the person and the start it told of; a session moved to
another day is reminded of again). Never to someone switched off or who has left.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jour_core.mail import queue_email
from people.models import User

from . import wording
from .conf import base_url
from .ical import with_titles_and_lessons
from .models import CourseRun, Enrolment, EnrolmentStatus, MakeUp, Session, SessionReminder
from .notifications import current_members, my_sessions_url
from .scheduling import held_within


@dataclass(frozen=True)
class Due:
    person: User
    sessions: list[Session]
    #: The sessions she is on the register of (her run's, or a make-up), where she may give
    #: apologies; not those she only leads.
    on_register: frozenset[int] = frozenset()


def apology_url(session: Session) -> str:
    """The page where she gives apologies for ``session`` (``courses_apologise``), or "" when
    the site does not serve it."""
    try:
        return base_url().rstrip("/") + reverse("courses_apologise", args=[session.pk])
    except NoReverseMatch:
        return ""


def set_session_reminders(person: User, on: bool) -> None:
    """She turns her reminders on or off (only her own: the view passes the signed-in person)."""
    person.session_reminders = on
    person.save(update_fields=["session_reminders"])


def due_session_reminders(today: datetime.date) -> list[Due]:
    """Who is to be reminded today of which sessions (tomorrow's), not yet reminded. A fixed
    number of queries, whatever the number of people and sessions."""
    tomorrow = today + datetime.timedelta(days=1)
    sessions = {
        s.pk: s for s in with_titles_and_lessons(Session.objects.filter(held_within(tomorrow, tomorrow)))
    }
    if not sessions:
        return []
    wanting = current_members(User.objects.filter(session_reminders=True), today)
    by_run = defaultdict(list)
    for session in sessions.values():
        by_run[session.run_id].append(session.pk)
    enrolled = Enrolment.objects.filter(
        run_id__in=by_run, status=EnrolmentStatus.ENROLLED, person__in=wanting
    )
    leading = CourseRun.leaders.through.objects.filter(courserun_id__in=by_run, user__in=wanting)
    registered: set[tuple[int, int]] = {  # (session id, person id): on the session's register
        (session_id, person_id)
        for run_id, person_id in enrolled.values_list("run_id", "person_id")
        for session_id in by_run[run_id]
    }
    making_up = MakeUp.objects.filter(
        session_id__in=sessions, enrolment__status=EnrolmentStatus.ENROLLED, enrolment__person__in=wanting
    )
    registered.update(making_up.values_list("session_id", "enrolment__person_id"))
    pairs = registered | {
        (session_id, person_id)
        for run_id, person_id in leading.values_list("courserun_id", "user_id")
        for session_id in by_run[run_id]
    }
    sent = set(
        SessionReminder.objects.filter(session_id__in=sessions).values_list(
            "session_id", "person_id", "starts_at"
        )
    )
    pairs = {(s, p) for s, p in pairs if (s, p, sessions[s].starts_at) not in sent}
    people = User.objects.in_bulk({p for _s, p in pairs})
    grouped: dict[int, list[Session]] = defaultdict(list)
    for session_id, person_id in sorted(pairs, key=lambda pair: (sessions[pair[0]].starts_at, pair[0])):
        grouped[person_id].append(sessions[session_id])
    return [
        Due(
            people[person_id],
            grouped[person_id],
            frozenset(s.pk for s in grouped[person_id] if (s.pk, person_id) in registered),
        )
        for person_id in sorted(grouped)
    ]


def _message(due: Due) -> tuple[str, str]:
    first = due.sessions[0]
    subject = ngettext(
        "Reminder: your session tomorrow, %(when)s",
        "Reminder: your %(count)d sessions tomorrow, from %(when)s",
        len(due.sessions),
    ) % {"when": wording.at(first.starts_at, year=False), "count": len(due.sessions)}
    lines = [wording.greeting(due.person), ""]
    lines.append(ngettext("Your session tomorrow:", "Your sessions tomorrow:", len(due.sessions)))
    for session in due.sessions:
        course = session.run.course.title
        if session.unit_number and session.unit_title:
            title = f"{course} – {session.unit_number}. {session.unit_title}"
        else:
            title = course
        lines += ["", f"{title} ({session.run.title})", wording.span(session.starts_at, session.ends_at)]
        if session.run.location:
            lines.append(_("Place: %(place)s") % {"place": session.run.location})
        if session.pk in due.on_register and (url := apology_url(session)):
            lines.append(_("Cannot come? Give apologies: %(url)s") % {"url": url})
    url = my_sessions_url()
    if url:
        lines += ["", _("Your sessions: %(url)s") % {"url": url}]
    lines += ["", _("You get this reminder because you asked for it; turn it off in My training."), ""]
    return subject, "\n".join(lines)


@transaction.atomic
def send_session_reminders(today: datetime.date | None = None) -> int:
    """Queue today's reminders (one email per person) and keep that they were sent; answer
    how many people were reminded. Running it again the same day queues nothing."""
    today = today or timezone.localdate()
    due = due_session_reminders(today)
    with translation.override(settings.LANGUAGE_CODE):
        for item in due:
            queue_email(item.person.email, *_message(item))
    SessionReminder.objects.bulk_create(
        SessionReminder(session=session, person=item.person, starts_at=session.starts_at)
        for item in due
        for session in item.sessions
    )
    return len(due)
