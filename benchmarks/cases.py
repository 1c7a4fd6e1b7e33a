"""What is measured: the engine, the report, the feed and the pages, each with its baseline."""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable

from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Count, F, QuerySet
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from certifications.clearance import clearance, clearance_for_organisations
from certifications.report import competence_report, competence_reports
from courses.attendance import set_marks
from courses.ical import (
    MY_SESSIONS_DAYS_BACK,
    feed_token,
    feed_version,
    sessions_for_person,
    token_of,
)
from courses.models import Attendance, CourseKind, Enrolment, FeedKind, Session
from people.importing import OneOf, keep_pending_import
from people.models import Organisation, User

from . import views
from .runner import Benchmark
from .sql_clearance import clearance_sql, engine_answer
from .sql_report import report_sql

BIG = "jour-000"


def _without_narrative(report: dict) -> dict:
    return {key: value for key, value in report.items() if key != "narrative"}


def _signed_in(email: str) -> Client:
    """A client signed in as a person who passed the password and the authenticator steps."""
    client = Client()
    user = User.objects.get(email=email)
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _page_benchmark(
    name: str, client: Client, url: str, rows: Callable[[bytes], int], change: Callable[[], None]
) -> Benchmark:
    """A page through the test client, against the trivial admin view answering its bytes."""

    def prepare() -> None:
        client.get(url)  # the first visit sets the CSRF cookie
        first = client.get(url)  # made afresh, and kept in the cache
        assert first.status_code == 200, f"{name}: {url} answered {first.status_code}"
        views.PREBUILT[name] = (200, first["Content-Type"], first.content)

    def fresh():
        for each in caches.all():
            each.clear()
        return client.get(url)

    baseline_url = reverse("bench_baseline_page", args=[name])
    return Benchmark(
        name,
        ours=lambda: client.get(url),
        baseline=lambda: client.get(baseline_url),
        # The same answer: the page from the cache is the page as rendered afresh (the baseline's
        # prebuilt bytes), but for the nonce of its own response; a cold answer is the page
        # rendered again with every cache emptied, but for its nonce and CSRF tokens.
        same=lambda a, b: (
            a.status_code == b.status_code == 200 and _without_nonce(a.content) == _without_nonce(b.content)
        ),
        rows=lambda response: rows(response.content),
        change=change,
        prepare=prepare,
        fresh=fresh,
    )


def benchmarks(meta: dict) -> list[Benchmark]:
    day: datetime.date = meta["anchor"]
    start, end = datetime.date(day.year - 1, 1, 1), datetime.date(day.year - 1, 12, 31)
    big = Organisation.objects.get(slug=BIG)
    organisations = list(Organisation.objects.order_by("pk"))
    ids = [o.pk for o in organisations]
    coordinator = _signed_in("samordnare@bench.example.org")
    session = _register_session(big)
    mark = _marking(session, User.objects.get(email="samordnare@bench.example.org"))

    def same_clearance(ours, baseline) -> bool:
        return sorted(engine_answer(ours)) == sorted(baseline)

    def same_reports(ours: dict, baseline: dict) -> bool:
        return {k: _without_narrative(v) for k, v in ours.items()} == baseline

    cases = [
        Benchmark(
            "clearance_org",
            ours=lambda: clearance(big, day),
            baseline=lambda: clearance_sql([big.pk], day),
            same=same_clearance,
            rows=len,
            change=mark,
        ),
        Benchmark(
            "clearance_umbrella",
            ours=lambda: clearance_for_organisations(organisations, day),
            baseline=lambda: clearance_sql(ids, day),
            same=same_clearance,
            rows=len,
            change=mark,
        ),
        Benchmark(
            "report_org",
            ours=lambda: {big.pk: competence_report(big, start, end)},
            baseline=lambda: report_sql([big.pk], start, end),
            same=same_reports,
            rows=_report_rows,
            change=mark,
        ),
        Benchmark(
            "report_umbrella",
            ours=lambda: competence_reports(organisations, start, end),
            baseline=lambda: report_sql(ids, start, end),
            same=same_reports,
            rows=_report_rows,
            change=mark,
        ),
    ]
    cases += _feed_benchmarks(big, mark)
    cases.append(
        _page_benchmark(
            "board_page",
            coordinator,
            reverse("certifications_board") + f"?on={day.isoformat()}",
            rows=_board_rows,
            change=mark,
        )
    )
    cases.append(
        _page_benchmark(
            "register_page",
            coordinator,
            reverse("courses_session_register", args=[session.pk]),
            rows=lambda html: html.count(b'class="register-row'),
            change=mark,
        )
    )
    cases += _import_benchmarks(coordinator, big, IMPORT_ROWS[meta["scale"]], mark)
    return cases


#: Rows of the people file the import benchmarks read: the umbrella's is the file of issue 14,
#: 78,000 rows in 2 MB (a row as short as the format allows).
IMPORT_ROWS = {"small": 5_000, "umbrella": 78_000, "national": 78_000}


def _people_file(rows: int) -> bytes:
    """New people only (none of them is in the register)."""
    lines = [f"{n:05d}@x.se,A,,,2025-01-15\n" for n in range(rows)]
    return ("email,first_name,last_name,groups,joined_on\n" + "".join(lines)).encode()


def _rolled_back(fn: Callable[[], object]) -> object:
    """``fn``'s answer, with everything it wrote undone (each run starts from the same data)."""
    with transaction.atomic():
        answer = fn()
        transaction.set_rollback(True)
    return answer


def _import_benchmarks(
    client: Client, organisation: Organisation, rows: int, change: Callable[[], None]
) -> list[Benchmark]:
    """The admin's people import of a file of ``rows`` new people, as its coordinator: the
    check (the upload and its preview page) and the write (the confirmation), each rolled back.

    Baselines: for the check, the same checks written plainly (each row read, its email and
    date validated by Django's validator and ``date.fromisoformat``, every email looked up in
    one query; no page); for the write, a bare ``bulk_create`` of the same people and of their
    history rows, in the same batches (no check again, no pending file, no data version, no
    request)."""
    data = _people_file(rows)
    url = reverse("people_import")
    coordinator = User.objects.get(email="samordnare@bench.example.org")

    def check():
        upload = SimpleUploadedFile("people.csv", data, content_type="text/csv")
        response = client.post(url, {"file": upload})
        assert response.status_code == 200, f"import check answered {response.status_code}"
        return response

    def counted(response, name: str) -> int:
        found = re.search(rb'data-count="' + name.encode() + rb'">(\d+)<', response.content)
        return int(found.group(1)) if found else -1

    def read_and_check() -> tuple[int, int]:
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        for row in rows:
            validate_email(row["email"])
            datetime.date.fromisoformat(row["joined_on"])
        emails = [row["email"].strip().lower() for row in rows]
        found = set(User.objects.filter(OneOf(F("email"), emails)).values_list("email", flat=True))
        return len(emails), len(emails) - len(found)

    def write() -> int:
        pending = keep_pending_import(data, "people.csv", organisation, by=coordinator)
        response = client.post(url, {"pending": pending.token})
        assert response.status_code == 302, f"import confirmation answered {response.status_code}"
        return User.objects.filter(organisation=organisation, email__endswith="@x.se").count()

    def bulk_create() -> int:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1:]
        people = [
            User(
                email=email,
                first_name=first_name,
                last_name=last_name,
                joined_on=datetime.date.fromisoformat(joined_on),
                organisation=organisation,
                password="!",  # noqa: S106 - unusable
            )
            for email, first_name, last_name, _groups, joined_on in rows
        ]
        QuerySet(User).bulk_create(people, batch_size=1000)  # Django's own, no version bump
        history, now = User.history.model, timezone.now()
        names = [f.attname for f in User._meta.concrete_fields if f.attname not in ("password", "last_login")]
        User.history.model.objects.bulk_create(
            [
                history(
                    history_date=now,
                    history_type="+",
                    history_user=coordinator,
                    history_change_reason="people import",
                    **{name: getattr(person, name) for name in names},
                )
                for person in people
            ],
            batch_size=1000,
        )
        return User.objects.filter(organisation=organisation, email__endswith="@x.se").count()

    return [
        Benchmark(
            "import_check",
            ours=lambda: _rolled_back(check),
            baseline=read_and_check,
            same=lambda page, looked_up: (counted(page, "rows"), counted(page, "new")) == looked_up,
            rows=lambda page: counted(page, "rows"),
            change=change,
        ),
        Benchmark(
            "import_write",
            ours=lambda: _rolled_back(write),
            baseline=lambda: _rolled_back(bulk_create),
            same=lambda ours, baseline: ours == baseline == rows,
            rows=lambda written: written,
            change=change,
        ),
    ]


def _board_rows(html: bytes) -> int:
    table = html.partition(b"clearance-board")[2].partition(b"</table>")[0]
    return table.partition(b"<tbody")[2].count(b"<tr")


#: What differs between two renderings of the same page: the CSP nonce, and the CSRF token,
#: masked afresh at every rendering (a page from the cache has its first rendering's).
PER_RENDERING = re.compile(rb'(nonce="|"CSRF_TOKEN": "|name="csrfmiddlewaretoken" value=")[^"]*"')


def _without_nonce(html: bytes) -> bytes:
    return PER_RENDERING.sub(rb'\1"', html)


def _report_rows(reports: dict) -> int:
    return sum(
        len(r["continuing_education"]) + len(r["qualifications"]) + len(r["clearance"]) + len(r["people"])
        for r in reports.values()
    )


def _feed_person(organisation: Organisation) -> User:
    """The person of the organisation with the most sessions in her "My sessions" feed."""
    since = timezone.now() - datetime.timedelta(days=MY_SESSIONS_DAYS_BACK)
    row = (
        Enrolment.objects.filter(
            run__organisation=organisation,
            status="enrolled",
            run__sessions__starts_at__gte=since,
        )
        .values("person_id")
        .annotate(n=Count("run__sessions"))
        .order_by("-n", "person_id")
        .first()
    )
    return User.objects.get(pk=row["person_id"])


def _feed_benchmarks(organisation: Organisation, mark: Callable[[], None]) -> list[Benchmark]:
    person = _feed_person(organisation)
    token = token_of(feed_token(person, FeedKind.MY_SESSIONS))
    client = Client()
    url = reverse("courses_calendar_feed", args=[token])
    first = client.get(url)
    assert first.status_code == 200, f"feed answered {first.status_code}"
    etag = {"now": first["ETag"]}  # the room moves in the cold runs: a new version each time

    def prepare() -> None:
        etag["now"] = client.get(url)["ETag"]  # the version and the calendar in the cache
        assert client.get(url)["ETag"] == etag["now"]

    run = sessions_for_person(person).order_by("-starts_at").first().run

    def move_room() -> None:
        """A change to the feed itself: the coordinator moves her course to another room (the
        calendar's events change, so the feed is built again)."""
        run.location = "Lokalen" if run.location != "Lokalen" else "Föreningslokalen"
        run.save()

    views.PREBUILT["feed_build"] = (200, first["Content-Type"], first.content)
    views.PREBUILT["feed_304"] = (304, first["Content-Type"], b"")

    def fresh_build() -> bytes:
        from courses.ical import build_calendar, feed_name, feed_sessions, find_feed

        feed = find_feed(token)
        return build_calendar(feed_sessions(feed), feed_name(feed), "http://testserver/")

    return [
        Benchmark(
            "feed_build",
            ours=lambda: client.get(url),
            baseline=lambda: client.get(reverse("bench_baseline_feed", args=["feed_build", token])),
            # The answer served equals a calendar built afresh from the database.
            same=lambda a, b: a.status_code == b.status_code == 200 and a.content == fresh_build(),
            rows=lambda response: response.content.count(b"BEGIN:VEVENT"),
            change=move_room,
            prepare=prepare,
        ),
        Benchmark(
            "feed_304",
            ours=lambda: client.get(url, HTTP_IF_NONE_MATCH=etag["now"]),
            baseline=lambda: client.get(
                reverse("bench_baseline_feed", args=["feed_304", token]), HTTP_IF_NONE_MATCH=etag["now"]
            ),
            same=lambda a, b: a.status_code == b.status_code == 304,
            # Marking an attendance does not change her calendar: the poll stays a 304, after
            # the feed's version is worked out again for the organisation's new data version.
            change=mark,
            prepare=prepare,
            rows=lambda response: 0,
        ),
    ]


def _marking(session: Session, coordinator: User) -> Callable[[], None]:
    """The change made before each cold answer: the coordinator marks one participant of the
    register's session late, then present, in turn (through ``set_marks``, as the register
    saves; both count as attended, so every answer stays comparable)."""
    person_id = (
        Attendance.objects.filter(session=session, mark__in=["present", "late"])
        .order_by("person_id")
        .values_list("person_id", flat=True)
        .first()
    )

    def mark() -> None:
        now = Attendance.objects.get(session=session, person_id=person_id).mark
        set_marks(session, {person_id: "late" if now == "present" else "present"}, by=coordinator)

    return mark


def _register_session(organisation: Organisation) -> Session:
    """The latest study-circle session already held, with the most marks."""
    return (
        Session.objects.filter(
            run__organisation=organisation, run__course__kind=CourseKind.BASIC, starts_at__lte=timezone.now()
        )
        .annotate(marks=Count("attendance"))
        .order_by("-starts_at")
        .first()
    )


def explain_plans(meta: dict) -> None:
    """The query plans of the engine's, the report's and the feed's queries for the big
    organisation (``python -m benchmarks --explain``)."""
    from django.test.utils import CaptureQueriesContext

    day = meta["anchor"]
    big = Organisation.objects.get(slug=BIG)
    start, end = datetime.date(day.year - 1, 1, 1), datetime.date(day.year - 1, 12, 31)
    person = _feed_person(big)
    feed = feed_token(person, FeedKind.MY_SESSIONS)
    for label, fn in (
        ("clearance", lambda: clearance(big, day)),
        ("report", lambda: competence_report(big, start, end)),
        ("feed version", lambda: feed_version(feed, sessions_for_person(person))),
    ):
        with CaptureQueriesContext(connection) as queries:
            fn()
        for query in queries.captured_queries:
            sql = query["sql"]
            if not sql.startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                if connection.vendor == "sqlite":
                    cursor.execute("EXPLAIN QUERY PLAN " + sql)
                    plan = [row[-1] for row in cursor.fetchall()]
                else:
                    cursor.execute("EXPLAIN " + sql)
                    plan = [row[0] for row in cursor.fetchall()]
            print(f"-- {label}: {sql[:160]}…")
            print("\n".join("   " + line for line in plan) + "\n")
