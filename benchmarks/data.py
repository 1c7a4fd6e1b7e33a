"""Synthetic data at scale, built with the project's own models.

Everything is drawn from a seeded random generator, so one scale always gives the same data
relative to its anchor date (the day the data was built, kept in ``benchmark_meta``). Each
organisation gets the same catalogue (four shift roles, three qualification types), a study
circle twice a year and continuing education every month for ``years`` years, with people who
join and leave over that time. Organisation 0 is the big one the per-organisation benchmarks
look at.

The rows are written with ``bulk_create`` in batches (no signals, no history rows: the data is
built once; only the cold runs write to it, a mark or a room at a time), and the attendance
marks, most of the rows (3 million at the national scale), with ``COPY`` on PostgreSQL.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import connection, transaction

from certifications.dates import add_months
from certifications.models import (
    Qualification,
    QualificationType,
    ShiftRole,
    ShiftRoleRequirement,
    TrainingRecord,
)
from courses.models import (
    Attendance,
    Completion,
    CourseKind,
    CoursePage,
    CourseRun,
    CourseUnit,
    Enrolment,
    LessonPage,
    Session,
)
from courses.page_access import ensure_course_index
from courses.scheduling import local_datetime
from people.models import Organisation, User
from people.permissions import BOARD_GROUP, COORDINATORS_GROUP

#: Bump when the data changes shape: a cached database of another version is built again.
VERSION = 5  # 5: the apps' labels became jour_people and so on
BATCH = 5000
META_TABLE = "benchmark_meta"


@dataclass(frozen=True)
class Scale:
    name: str
    organisations: int
    people: int  # in all
    big_organisation: int  # people in organisation 0
    years: int
    ce_runs_per_year: int  # continuing-education runs per organisation and year
    ce_share: float  # share of the active people attending one continuing-education run
    records_per_year: int  # external training records per organisation and year


SCALES = {
    "small": Scale("small", 4, 500, 200, 3, 10, 0.3, 6),
    "umbrella": Scale("umbrella", 100, 10_000, 500, 10, 24, 0.37, 10),
    # A national federation: three umbrellas' worth (PostgreSQL only, see __main__.py).
    "national": Scale("national", 300, 30_000, 500, 10, 24, 0.37, 10),
}

FIRST_NAMES = [
    "Anna", "Eva", "Maria", "Karin", "Sara", "Lena", "Kerstin", "Emma", "Ingrid", "Malin",
    "Sofia", "Linda", "Elin", "Hanna", "Johanna", "Ida", "Amira", "Fatima", "Leila", "Noor",
    "Aino", "Kaisa", "Zeynep", "Julia", "Vera", "Ulla", "Gun", "Birgitta", "Agneta", "Moa",
]  # fmt: skip
LAST_NAMES = [
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
    "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Lindberg", "Lindqvist", "Berg", "Holm",
    "Ali", "Hassan", "Mohammed", "Virtanen", "Korhonen", "Yilmaz", "Nowak", "Lundgren",
]  # fmt: skip
EXTERNAL_COURSES = [
    ("Ett starkare barnrättsperspektiv", "Länsstyrelsen"),
    ("Hur tas brottsoffer om hand?", "Brottsoffermyndigheten"),
    ("Myndigheters arbete med brottsoffer", "Brottsoffermyndigheten"),
    ("Barnkonferens", "Roks"),
    ("Intersektionalitet och våld", "Länsstyrelsen"),
    ("Om barns utsatthet", "Säkra varje unge"),
    ("Hedersrelaterat våld", "Origo"),
    ("Maskulinitetsnormer", "Machofabriken"),
    ("Mänskliga rättigheter", "Roks"),
    ("Kvalitet i skyddat boende", "Länsstyrelsen"),
]
CE_COURSES = [("Temadag: Barn som upplever våld", 2), ("Bokcirkel", 3), ("Stödsamtal fördjupning", 2)]
BASIC_UNITS = 8


def people_per_organisation(scale: Scale) -> list[int]:
    rest = scale.organisations - 1
    others = scale.people - scale.big_organisation
    return [scale.big_organisation] + [others // rest + (1 if i < others % rest else 0) for i in range(rest)]


# Build ---------------------------------------------------------------------------------------------


def build(scale: Scale, anchor: datetime.date, log=print) -> dict[str, int]:
    """Fill an empty, migrated database. Returns the row counts."""
    rng = random.Random(f"jour-bench-{scale.name}-{VERSION}")
    first_year = anchor.year - scale.years + 1
    with transaction.atomic():
        organisations = Organisation.objects.bulk_create(
            [
                Organisation(name=f"Kvinnojouren {i:03d}", slug=f"jour-{i:03d}")
                for i in range(scale.organisations)
            ]
        )
        for index, (organisation, size) in enumerate(
            zip(organisations, people_per_organisation(scale), strict=True)
        ):
            _organisation(scale, rng, organisation, size, first_year, anchor)
            if index % 10 == 0:
                log(f"  organisation {index + 1}/{scale.organisations}")
        _staff_logins(organisations[0])
    return counts()


def counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "people": User.objects.count(),
        "sessions": Session.objects.count(),
        "attendance": Attendance.objects.count(),
        "qualifications": Qualification.objects.count(),
        "training_records": TrainingRecord.all_objects.count(),
        "training_attendees": TrainingRecord.attendees.through.objects.count(),
    }


def _organisation(scale, rng, organisation, size, first_year, anchor) -> None:
    index = ensure_course_index(organisation)  # made with the organisation
    basic = _course(index, organisation, "Studiecirkel", CourseKind.BASIC, [Decimal("2.5")] * BASIC_UNITS)
    for number in range(1, BASIC_UNITS + 1):
        basic.add_child(
            instance=LessonPage(title=f"{number}. Träff {number}", slug=f"traff-{number}", unit_number=number)
        )
    continuing = [
        _course(
            index, organisation, title, CourseKind.CONTINUING, [Decimal(rng.choice(["2", "3", "2.5"]))] * n
        )
        for title, n in CE_COURSES
    ]
    types = {
        "basic": QualificationType.objects.create(
            organisation=organisation, name="Grundutbildning", granted_by_course=basic
        ),
        "pledge": QualificationType.objects.create(
            organisation=organisation, name="Tystnadslöfte", valid_months=24
        ),
        "child": QualificationType.objects.create(
            organisation=organisation, name="Barnrättsutbildning", valid_months=36
        ),
    }
    for order, (name, hours, needs) in enumerate(
        [
            ("Telefonjour", None, ["basic", "pledge"]),
            ("Chattjour", Decimal(6), ["basic", "pledge"]),
            ("Boendejour", Decimal(10), ["basic", "pledge"]),
            ("Barnansvarig", Decimal(12), ["basic", "pledge", "child"]),
        ]
    ):
        role = ShiftRole.objects.create(
            organisation=organisation, name=name, min_training_hours=hours, sort_order=order
        )
        ShiftRoleRequirement.objects.bulk_create(
            [
                ShiftRoleRequirement(role=role, qualification_type=types[key], sort_order=n)
                for n, key in enumerate(needs)
            ]
        )

    people = _people(rng, organisation, size, first_year, anchor)
    qualifications = _pledges_and_child_rights(rng, people, types, anchor)
    marks: list[Mark] = []
    completions: list[Completion] = []
    basic_runs = _basic_runs(rng, organisation, basic, people, first_year, anchor, marks, completions, types)
    qualifications += basic_runs
    _continuing_runs(scale, rng, organisation, continuing, people, first_year, anchor, marks)
    _records(scale, rng, organisation, people, first_year, anchor)
    _write_marks(marks)
    Completion.objects.bulk_create(completions, batch_size=BATCH)
    Qualification.objects.bulk_create(qualifications, batch_size=BATCH)


def _course(index, organisation, title, kind, hours: list[Decimal]) -> CoursePage:
    course = CoursePage(
        title=title,
        slug=f"{organisation.slug}-{title.lower().split(':')[0].replace(' ', '-')}",
        organisation=organisation,
        kind=kind,
        introduction="<p>Om kursen.</p>",
    )
    for number, value in enumerate(hours, start=1):
        course.units.add(CourseUnit(number=number, sort_order=number, title=f"Avsnitt {number}", hours=value))
    index.add_child(instance=course)
    return course


def _people(rng, organisation, size, first_year, anchor, first: int = 0) -> list[User]:
    span = (anchor - datetime.date(first_year - 1, 1, 1)).days
    people = []
    for i in range(first, first + size):
        joined = datetime.date(first_year - 1, 1, 1) + datetime.timedelta(days=rng.randrange(span))
        left = None
        if rng.random() < 0.25:
            left = joined + datetime.timedelta(days=rng.randrange(60, 2500))
            left = left if left < anchor + datetime.timedelta(days=60) else None
        staff = rng.random() < 0.12
        board = rng.random() < 0.12
        volunteer = rng.random() < 0.85 or not (staff or board)
        people.append(
            User(
                email=f"p{organisation.slug[-3:]}-{i:04d}@bench.example.org",
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                organisation=organisation,
                group_volunteer=volunteer,
                group_staff=staff,
                group_board=board,
                joined_on=joined,
                left_on=left,
                protected_identity=rng.random() < 0.02,
                password="!unusable",  # noqa: S106 - an unusable password, as set_unusable_password writes
            )
        )
    return User.objects.bulk_create(people, batch_size=BATCH)


def _active(person: User, day: datetime.date) -> bool:
    return person.joined_on <= day and (person.left_on is None or day <= person.left_on)


def _pledges_and_child_rights(rng, people, types, anchor) -> list[Qualification]:
    rows = []
    for person in people:
        end = min(person.left_on or anchor, anchor)
        issued = person.joined_on
        while issued <= end:  # the pledge, renewed every two years (sometimes a little late)
            expires = add_months(issued, 24)
            revoked = issued + datetime.timedelta(days=200) if rng.random() < 0.02 else None
            rows.append(_qualification(person, types["pledge"], issued, expires, revoked))
            if revoked:
                break
            issued = expires + datetime.timedelta(days=rng.choice([-20, -5, 1, 15, 40]))
        if rng.random() < 0.3:
            issued = person.joined_on + datetime.timedelta(days=rng.randrange(30, 900))
            if issued <= anchor:
                rows.append(_qualification(person, types["child"], issued, add_months(issued, 36), None))
    return rows


def _qualification(person, qtype, issued, expires, revoked, completion=None) -> Qualification:
    return Qualification(
        person=person,
        type=qtype,
        issued_on=issued,
        expires_on=expires,
        revoked_on=revoked,
        revoke_reason="Avslutat uppdrag" if revoked else "",
        source="course_completion" if completion is not None else "attestation",
    )


#: An attendance mark as the generator makes it: (session id, person id, mark, marked at).
Mark = tuple[int, int, str, datetime.datetime]


def _write_marks(marks: list[Mark]) -> None:
    """Write the marks: ``COPY`` on PostgreSQL, ``bulk_create`` on SQLite."""
    if connection.vendor != "postgresql":
        Attendance.objects.bulk_create(
            [Attendance(session_id=s, person_id=p, mark=m, marked_at=at) for s, p, m, at in marks],
            batch_size=BATCH,
        )
        return
    columns = "session_id, person_id, mark, marked_at, marked_by_id, note"
    table = connection.ops.quote_name(Attendance._meta.db_table)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in marks:
            copy.write_row((*row, None, ""))


def _mark(rng) -> str:
    draw = rng.random()
    return "present" if draw < 0.86 else "late" if draw < 0.9 else "excused" if draw < 0.95 else "absent"


def _sessions(run, units: list[int], first: datetime.date, start: str, end: str, every: int = 7):
    start_time, end_time = datetime.time.fromisoformat(start), datetime.time.fromisoformat(end)
    return [
        Session(
            run=run,
            unit_number=number,
            starts_at=local_datetime(first + datetime.timedelta(days=every * i), start_time),
            ends_at=local_datetime(first + datetime.timedelta(days=every * i), end_time),
        )
        for i, number in enumerate(units)
    ]


def _create_sessions(sessions) -> dict[int, list[Session]]:
    """Write the sessions; returns them by run, in order."""
    by_run: dict[int, list[Session]] = {}
    for session in Session.objects.bulk_create(list(sessions), batch_size=BATCH):
        by_run.setdefault(session.run_id, []).append(session)
    return by_run


def _thursday(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=(3 - day.weekday()) % 7)


def _basic_runs(rng, organisation, course, people, first_year, anchor, marks, completions, types):
    """Two study circles a year (February and September); everyone joins the first one that
    starts after she joined. Returns the basic qualifications they earned."""
    starts = [
        _thursday(datetime.date(year, month, 1))
        for year in range(first_year, anchor.year + 2)
        for month in (2, 9)
    ]
    starts = [s for s in starts if s <= anchor + datetime.timedelta(days=150)]
    participants: dict[datetime.date, list[User]] = {s: [] for s in starts}
    for person in people:
        first = next((s for s in starts if s >= person.joined_on), None)
        if first is not None and (person.left_on is None or first < person.left_on):
            participants[first].append(person)
    runs = CourseRun.objects.bulk_create(
        [
            CourseRun(
                organisation=organisation,
                course=course,
                title=f"Studiecirkel {'VT' if s.month < 7 else 'HT'} {s.year}",
                location="Föreningslokalen",
            )
            for s in starts
        ]
    )
    by_run = _create_sessions(
        session
        for run, start in zip(runs, starts, strict=True)
        for session in _sessions(run, list(range(1, BASIC_UNITS + 1)), start, "18:00", "20:30")
    )
    enrolments = Enrolment.objects.bulk_create(
        [
            Enrolment(run=run, person=person, enrolled_on=start - datetime.timedelta(days=14))
            for run, start in zip(runs, starts, strict=True)
            for person in participants[start]
        ],
        batch_size=BATCH,
    )
    leaders = [p for p in people if p.group_staff] or people[:1]
    CourseRun.leaders.through.objects.bulk_create(
        [CourseRun.leaders.through(courserun_id=run.pk, user_id=rng.choice(leaders).pk) for run in runs]
    )
    now = local_datetime(anchor, datetime.time(12))
    earned = []
    for enrolment in enrolments:
        attended = []
        for session in by_run[enrolment.run_id]:
            if session.starts_at > now:
                break
            mark = _mark(rng)
            marks.append((session.pk, enrolment.person_id, mark, session.ends_at))
            if mark in ("present", "late"):
                attended.append(session)
        if len(attended) == BASIC_UNITS:
            day = attended[-1].starts_at.astimezone(now.tzinfo).date()
            completion = Completion(
                person_id=enrolment.person_id, course=course, enrolment=enrolment, completed_on=day
            )
            completions.append(completion)
            earned.append(_qualification(enrolment.person, types["basic"], day, None, None, completion))
    return earned


def _continuing_runs(scale, rng, organisation, courses, people, first_year, anchor, marks) -> None:
    """Continuing education every month or so, for a share of the people active then."""
    units = {course.pk: [u.number for u in course.units.all()] for course in courses}
    plans = []
    for year in range(first_year, anchor.year + 1):
        for n in range(scale.ce_runs_per_year):
            day = datetime.date(year, 1, 1) + datetime.timedelta(
                days=int(n * 365 / scale.ce_runs_per_year) + 10
            )
            if day > anchor + datetime.timedelta(days=60):
                continue
            plans.append((rng.choice(courses), _thursday(day)))
    runs = CourseRun.objects.bulk_create(
        [
            CourseRun(
                organisation=organisation,
                course=course,
                title=f"{course.title} {day:%Y-%m}",
                location="Lokalen",
            )
            for course, day in plans
        ]
    )
    by_run = _create_sessions(
        session
        for run, (course, day) in zip(runs, plans, strict=True)
        for session in _sessions(run, units[course.pk], day, "13:00", "16:00", every=1)
    )
    sessions = [session for run_sessions in by_run.values() for session in run_sessions]
    now = local_datetime(anchor, datetime.time(12))
    enrolments = []
    for run, (_course, day) in zip(runs, plans, strict=True):
        active = [p for p in people if _active(p, day)]
        chosen = rng.sample(active, min(len(active), round(len(active) * scale.ce_share)))
        cancelled = rng.random() < 0.03
        for person in chosen:
            enrolments.append(Enrolment(run=run, person=person, enrolled_on=day - datetime.timedelta(days=7)))
            for session in by_run[run.pk]:
                if session.starts_at <= now and not cancelled:
                    marks.append((session.pk, person.pk, _mark(rng), session.ends_at))
        if cancelled:
            for session in by_run[run.pk]:
                session.status, session.cancel_reason = "cancelled", "Ledaren sjuk"
    Session.objects.bulk_update(
        [s for s in sessions if s.status == "cancelled"], ["status", "cancel_reason"], batch_size=BATCH
    )
    Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)


def _records(scale, rng, organisation, people, first_year, anchor) -> None:
    plans = []
    for year in range(first_year, anchor.year + 1):
        for _n in range(scale.records_per_year):
            day = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
            if day <= anchor:
                title, provider = rng.choice(EXTERNAL_COURSES)
                plans.append((title, provider, day, Decimal(rng.choice(["2", "3", "4", "6", "8", "16"]))))
    records = TrainingRecord.objects.bulk_create(
        [
            TrainingRecord(organisation=organisation, title=title, provider=provider, date=day, hours=hours)
            for title, provider, day, hours in plans
        ]
    )
    through = TrainingRecord.attendees.through
    rows = []
    for record in records:
        active = [p for p in people if _active(p, record.date)]
        for person in rng.sample(active, min(len(active), rng.randrange(2, 14))):
            rows.append(through(trainingrecord_id=record.pk, user_id=person.pk))
    through.objects.bulk_create(rows, batch_size=BATCH)


def _staff_logins(organisation: Organisation) -> None:
    """A coordinator and a board member of the big organisation, for the page benchmarks."""
    for email, first, last, group, role in (
        ("samordnare@bench.example.org", "Sam", "Ordnare", "group_staff", COORDINATORS_GROUP),
        ("styrelse@bench.example.org", "Sty", "Relse", "group_board", BOARD_GROUP),
    ):
        person = User.objects.create(
            email=email,
            first_name=first,
            last_name=last,
            organisation=organisation,
            joined_on=datetime.date(2015, 1, 1),
            password="!unusable",  # noqa: S106 - an unusable password
            **{group: True},
        )
        person.groups.add(Group.objects.get(name=role))


# The cache's label ----------------------------------------------------------------------------------


def read_meta() -> dict | None:
    """What the database holds: {"version", "scale", "anchor"}; None when not (fully) built."""
    with connection.cursor() as cursor:
        if META_TABLE not in connection.introspection.table_names(cursor):
            return None
        cursor.execute(f"SELECT version, scale, anchor FROM {META_TABLE}")
        row = cursor.fetchone()
    if row is None:
        return None
    return {"version": int(row[0]), "scale": row[1], "anchor": datetime.date.fromisoformat(str(row[2]))}


def write_meta(scale: Scale, anchor: datetime.date) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {META_TABLE} (version integer, scale varchar(20), anchor varchar(10))")
        cursor.execute(
            f"INSERT INTO {META_TABLE} (version, scale, anchor) VALUES (%s, %s, %s)",
            [VERSION, scale.name, anchor.isoformat()],
        )
