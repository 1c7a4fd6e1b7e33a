"""The hand-written SQL baseline (benchmarks/sql_clearance.py) gives the engine's answer."""

import datetime
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks.sql_clearance import clearance_sql, engine_answer
from certifications.clearance import clearance
from certifications.models import QualificationType, ShiftRole, ShiftRoleRequirement
from courses.attendance import enrol, set_marks
from courses.completion import record_completions
from courses.models import Attendance, Completion, CourseUnit, Session
from courses.scheduling import local_datetime
from tests.certifications import conftest as certification_fixtures
from tests.certifications.conftest import qualify, train
from tests.factories import PersonFactory, make_course, make_run

D = datetime.date
catalogue = certification_fixtures.catalogue  # organisation A's catalogue, as a fixture here too


def same_answer(organisations, day):
    if isinstance(day, str):
        day = D.fromisoformat(day)
    expected = [row for org in organisations for row in engine_answer(clearance(org, day))]
    found = clearance_sql([org.pk for org in organisations], day)
    assert sorted(found) == sorted(expected), day
    return {(person_id, role_id): rest for person_id, role_id, *rest in found}


def mark(session, person, value):
    return Attendance.objects.create(session=session, person=person, mark=value)


def session_at(run, unit_number, day, time, status="scheduled"):
    starts = local_datetime(D.fromisoformat(day), datetime.time.fromisoformat(time))
    return Session.objects.create(
        run=run,
        unit_number=unit_number,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=20),
        status=status,
        cancel_reason="Sjukdom" if status == "cancelled" else "",
    )


@pytest.fixture
def catalogue_b(org_b):
    """Organisation B: a 3-month window, a role with minimum hours 0, a role with no requirement,
    and a role needing exactly 1 hour in 24 months (ten records of 0.1 hours make 1 exactly)."""
    basic = QualificationType.objects.create(organisation=org_b, name="Grundkurs")
    first_aid = QualificationType.objects.create(organisation=org_b, name="Första hjälpen", valid_months=24)
    short = ShiftRole.objects.create(
        organisation=org_b, name="Kvällsjour", min_training_hours=Decimal("2.5"), training_window_months=3
    )
    ShiftRoleRequirement.objects.create(role=short, qualification_type=first_aid, sort_order=0)
    ShiftRoleRequirement.objects.create(role=short, qualification_type=basic, sort_order=1)
    zero = ShiftRole.objects.create(
        organisation=org_b, name="Nollroll", min_training_hours=Decimal(0), training_window_months=1
    )
    ShiftRoleRequirement.objects.create(role=zero, qualification_type=basic, sort_order=0)
    ShiftRole.objects.create(organisation=org_b, name="Fri", sort_order=5)
    exact = ShiftRole.objects.create(
        organisation=org_b, name="Exakt", min_training_hours=Decimal(1), training_window_months=24
    )
    return {"basic": basic, "first_aid": first_aid, "short": short, "zero": zero, "exact": exact}


def test_no_organisations_or_no_roles(org_a, org_b):
    PersonFactory(organisation=org_a)
    assert clearance_sql([], D(2026, 1, 1)) == []
    assert clearance_sql([org_a.pk, org_b.pk], D(2026, 1, 1)) == []


#: The days the scenarios are answered on (each window's edges, each expiry's).
DAYS = (
    "2025-01-01",
    "2026-06-01",
    "2026-10-22",
    "2026-11-21",
    "2026-11-22",
    "2026-11-23",
    "2026-11-25",
    "2026-12-01",
    "2026-12-10",
    "2026-12-11",
    "2026-12-15",
    "2026-12-20",
    "2027-01-01",
    "2027-01-05",
    "2027-01-06",
    "2027-02-01",
)


def qualification_scenarios(org_a, catalogue):
    """Organisation A's people for membership, missing, revoked and expired qualifications;
    returns the one who is cleared."""
    basic, pledge = catalogue["basic"], catalogue["pledge"]
    cleared = PersonFactory(email="cleared@example.org", organisation=org_a)
    qualify(cleared, basic, "2024-03-01")
    qualify(cleared, pledge, "2026-01-31")  # expires 2027-01-31: expiring from 2027-01-01
    train(org_a, [cleared], "2026-06-01", "6")

    inactive = PersonFactory(organisation=org_a, joined_on=D(2026, 12, 1), left_on=D(2027, 1, 5))
    qualify(inactive, basic, "2024-01-01")
    never_joined = PersonFactory(organisation=org_a, joined_on=None)
    qualify(never_joined, basic, "2024-01-01")

    missing = PersonFactory(organisation=org_a)
    qualify(missing, basic, "2026-11-22")  # issued on a test day

    revoked = PersonFactory(organisation=org_a)
    qualify(revoked, basic, "2024-01-01", revoked="2026-11-22")
    qualify(revoked, pledge, "2023-01-01", expires="2024-01-01")
    qualify(revoked, pledge, "2025-01-01", revoked="2025-06-01")

    expired = PersonFactory(organisation=org_a)
    qualify(expired, basic, "2020-01-01", revoked="2021-01-01")
    qualify(expired, basic, "2022-01-01")  # any valid one is enough
    qualify(expired, pledge, "2025-01-01", revoked="2025-06-01")
    qualify(expired, pledge, "2025-07-01", expires="2025-12-31")  # newer, expired: expired
    # Revoked after the day, but expired before it: expired.
    late_revocation = PersonFactory(organisation=org_a)
    qualify(late_revocation, pledge, "2024-01-01", expires="2024-12-31", revoked="2026-03-01")
    return cleared


def hours_scenario(org_a, catalogue, cleared, coordinator_a):
    """Organisation A's person for hours: the window boundary, a soft-deleted record, attended
    sessions (marks of each kind, a cancelled one, one without a unit, around local midnight)."""
    basic, pledge = catalogue["basic"], catalogue["pledge"]
    hours = PersonFactory(email="hours@example.org", organisation=org_a)
    qualify(hours, basic, "2024-01-01")
    qualify(hours, pledge, "2026-01-01", expires="2026-12-15")  # expiring from 2026-11-15
    train(org_a, [hours, cleared], "2025-11-22", "1.25")  # first day of the window for 2026-11-22
    train(org_a, [hours], "2026-11-22", "0.5")  # D itself
    train(org_a, [hours], "2026-11-24", "10")  # after D for the first days
    train(org_a, [hours], "2026-05-05", "4").soft_delete(coordinator_a)
    theme = make_course(org_a, title="Temadag", units=3, kind="continuing")
    CourseUnit.objects.filter(course=theme, number=2).update(hours=Decimal("1.75"))
    run = make_run(theme, D(2026, 10, 1), units=[1, 2, 3, 9])  # unit 9 has no CourseUnit: 0 hours
    sessions = list(run.sessions.order_by("starts_at"))
    mark(sessions[0], hours, "present")
    mark(sessions[1], hours, "late")
    mark(sessions[2], hours, "absent")
    mark(sessions[3], hours, "present")
    mark(sessions[0], cleared, "excused")
    cancelled = session_at(run, 1, "2026-10-02", "18:00", status="cancelled")
    mark(cancelled, hours, "present")
    extra = session_at(run, None, "2026-10-03", "18:00")  # an extra meeting without a unit
    mark(extra, hours, "present")
    # Just after local midnight on the first day of the window (22:30 UTC the day before) and
    # just before local midnight on D (22:30 UTC, still D in Stockholm).
    mark(session_at(run, 3, "2025-11-22", "00:30"), hours, "present")
    mark(session_at(run, 2, "2026-11-22", "23:30"), hours, "late")
    mark(session_at(run, 2, "2026-11-23", "00:10"), hours, "present")
    basic_run = make_run(make_course(org_a, title="Cirkel", units=2), D(2026, 10, 1), title="Cirkel HT")
    mark(basic_run.sessions.order_by("starts_at").first(), hours, "present")
    return hours


def organisation_b_scenario(org_a, org_b, catalogue_b):
    """Organisation B's three people, one of them attending A's records (they count: the engine
    does not look at the record's organisation)."""
    b_people = PersonFactory.create_batch(3, organisation=org_b)
    qualify(b_people[0], catalogue_b["basic"], "2025-01-01")
    qualify(b_people[0], catalogue_b["first_aid"], "2025-01-15")  # expires 2027-01-15
    qualify(b_people[1], catalogue_b["first_aid"], "2026-01-01", expires="2026-12-10")
    qualify(b_people[1], catalogue_b["first_aid"], "2026-02-01")  # expires 2028-02-01
    qualify(b_people[1], catalogue_b["basic"], "2026-02-01", expires="2026-12-01", revoked="2026-12-20")
    train(org_a, [b_people[0]], "2026-09-01", "2.5")
    for _ in range(10):
        train(org_b, [b_people[0], b_people[2]], "2026-08-01", "0.1")
    b_theme = make_course(org_b, title="Fortbildning", units=2, kind="continuing")
    b_run = make_run(b_theme, D(2026, 11, 1), title="Fortbildning HT")
    for session in b_run.sessions.all():
        mark(session, b_people[1], "present")
    return b_people


def self_paced_module(org, title="Egen takt", kind="continuing", hours=("1", "1.25", "0.75")):
    """A self-paced course with a unit per hours given (3 hours by default)."""
    course = make_course(org, title=title, units=len(hours), kind=kind, self_paced=True)
    for number, value in enumerate(hours, start=1):
        CourseUnit.objects.filter(course=course, number=number).update(hours=Decimal(value))
    return course


def self_paced_scenario(org_a, org_b, catalogue, coordinator_a):
    """Organisation A's person for self-paced completions: the 3-hour module on the window's first
    day and on D; what does not count (a basic module, a course taught in runs, a self-paced course
    completed through a run, another organisation's module, B's person completing A's)."""
    paced = PersonFactory(email="paced@example.org", organisation=org_a)
    qualify(paced, catalogue["basic"], "2024-01-01")
    qualify(paced, catalogue["pledge"], "2026-01-01", expires="2030-01-01")
    first, last = self_paced_module(org_a), self_paced_module(org_a, title="Andra", hours=("0.5", "2.57"))
    record_completions([(paced, first, D(2025, 11, 22)), (paced, last, D(2026, 11, 22))])
    record_completions(
        [
            (paced, self_paced_module(org_a, title="Grund", kind="basic"), D(2026, 6, 1)),
            (paced, make_course(org_a, title="Ledd", units=2, kind="continuing"), D(2026, 6, 1)),
            (paced, self_paced_module(org_b, title="Deras"), D(2026, 6, 1)),
            (PersonFactory(organisation=org_b), first, D(2026, 6, 1)),
        ]
    )
    mixed = self_paced_module(org_a, title="Blandad", hours=("0.25",))
    run = make_run(mixed, D(2026, 6, 1), title="Blandad VT")
    enrol(run, [paced])
    set_marks(run.sessions.get(), {paced.pk: "present"}, coordinator_a)
    assert Completion.objects.get(person=paced, course=mixed).enrolment_id is not None
    return paced


def test_every_clause_in_two_organisations(org_a, org_b, catalogue, catalogue_b, coordinator_a):
    phone, chat = catalogue["phone"], catalogue["chat"]
    cleared = qualification_scenarios(org_a, catalogue)
    hours = hours_scenario(org_a, catalogue, cleared, coordinator_a)
    reasons = PersonFactory(organisation=org_a, joined_on=D(2027, 1, 1))
    qualify(reasons, catalogue["pledge"], "2024-01-01")
    train(org_a, [reasons], "2026-06-01", "2.5")
    b_people = organisation_b_scenario(org_a, org_b, catalogue_b)
    paced = self_paced_scenario(org_a, org_b, catalogue, coordinator_a)

    answers = {day: same_answer([org_a, org_b], day) for day in DAYS}

    # The scenarios do exercise every clause.
    codes = {
        code
        for answer in answers.values()
        for _, reasons, warnings, _ in answer.values()
        for code in (*reasons, *warnings)
    }
    kinds = {code.split(":")[0] for code in codes}
    assert kinds == {"inactive", "missing", "revoked", "expired", "hours", "expiring"}
    day = answers["2026-11-22"]
    # 1.25 + 0.5 (records) + 2.5 + 1.75 + 0 (present, late, absent, unit 9) + 2.5 (00:30 on the
    # window's first day) + 1.75 (23:30 on D); not the cancelled, extra, basic or next-day ones.
    assert day[hours.pk, phone.pk] == [True, (), ("expiring:Tystnadslöfte:2026-12-15",), "10.25"]
    assert day[hours.pk, chat.pk] == [True, (), (), "0"]
    # A day later the first record and the 00:30 session leave the window, 00:10 joins it.
    assert answers["2026-11-23"][hours.pk, phone.pk][3] == "8.25"
    assert answers["2026-11-25"][hours.pk, phone.pk][3] == "18.25"
    assert day[b_people[2].pk, catalogue_b["exact"].pk] == [True, (), (), "1"]  # 10 × 0.1 is 1
    assert day[b_people[0].pk, catalogue_b["exact"].pk] == [True, (), (), "3.5"]  # and A's record
    assert answers["2027-01-01"][cleared.pk, phone.pk][2] == ("expiring:Tystnadslöfte:2027-01-31",)
    # 3 (the module on the window's first day) + 3.07 (on D) + 0.25 (the run's session).
    assert day[paced.pk, phone.pk] == [True, (), (), "6.32"]
    assert answers["2026-11-23"][paced.pk, phone.pk] == [False, ("hours:3.32/6",), (), "3.32"]
    assert answers["2026-11-21"][paced.pk, phone.pk][3] == "3.25"
    assert day[reasons.pk, phone.pk][1] == (
        "inactive",
        "missing:Grundutbildning",
        "expired:Tystnadslöfte",
        "hours:2.5/6",
    )


def test_a_fixed_number_of_queries(org_a, catalogue, catalogue_b, org_b):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            clearance_sql([org_a.pk, org_b.pk], D(2026, 11, 22))
        return len(ctx)

    few = count()
    for person in PersonFactory.create_batch(5, organisation=org_a):
        qualify(person, catalogue["basic"], "2024-01-01")
        train(org_a, [person], "2026-06-01", "3")
    assert count() == few == 3


def test_randomised_against_the_engine(org_a, org_b, catalogue, catalogue_b, coordinator_a):
    rng = random.Random(20261122)
    anchor = D(2026, 6, 15)

    def some_day(span=900):
        return anchor + datetime.timedelta(days=rng.randint(-span, span // 2))

    types = {org_a: [catalogue["basic"], catalogue["pledge"]], org_b: list(catalogue_b.values())[:2]}
    QualificationType.objects.filter(pk=catalogue_b["first_aid"].pk).update(is_pledge=True)  # B's pledge
    courses = {}
    for org in (org_a, org_b):
        continuing = make_course(org, title="Tema", units=4, kind="continuing")
        CourseUnit.objects.filter(course=continuing, number=4).update(hours=Decimal("0.1"))
        CourseUnit.objects.filter(course=continuing, number=3).update(hours=Decimal("0.57"))
        courses[org] = [continuing, make_course(org, title="Bas", units=2)]
    people = []
    for org in (org_a, org_b):
        for _ in range(12):
            joined = some_day() if rng.random() < 0.9 else None
            left = (
                joined + datetime.timedelta(days=rng.randint(0, 700))
                if joined and rng.random() < 0.3
                else None
            )
            people.append(PersonFactory(organisation=org, joined_on=joined, left_on=left))
    for person in people:
        org = person.organisation
        for _ in range(rng.randint(0, 4)):
            issued = some_day()
            expires = issued + datetime.timedelta(days=rng.randint(0, 500)) if rng.random() < 0.5 else None
            revoked = issued + datetime.timedelta(days=rng.randint(0, 400)) if rng.random() < 0.2 else None
            qualify(
                person,
                rng.choice(types[org]),
                issued.isoformat(),
                expires.isoformat() if expires else None,
                revoked.isoformat() if revoked else None,
            )
    orgs = [org_a, org_b]
    for _ in range(40):
        attendees = rng.sample(people, rng.randint(1, 5))
        record = train(
            rng.choice(orgs),
            attendees,
            some_day().isoformat(),
            rng.choice(["0.1", "0.29", "1.33", "2", "3.5"]),
        )
        if rng.random() < 0.15:
            record.soft_delete(coordinator_a)
    for org in orgs:
        members = [p for p in people if p.organisation_id == org.pk]
        for course in courses[org]:
            run = make_run(course, anchor, title=f"{course.title} {org.slug}", units=[])
            for _ in range(25):
                day = some_day().isoformat()
                time = rng.choice(["00:05", "00:45", "12:00", "18:00", "23:30", "23:59"])
                unit = rng.choice([1, 2, 3, 4, 7, None])
                status = "cancelled" if rng.random() < 0.15 else "scheduled"
                session = session_at(run, unit, day, time, status)
                for person in rng.sample(members, rng.randint(0, 4)):
                    mark(session, person, rng.choice(["present", "present", "late", "absent", "excused"]))

    for org in orgs:
        modules = [
            self_paced_module(org, title="Takt", hours=("0.57", "0.1")),
            self_paced_module(org, title="Egen", hours=("1.33",)),
            self_paced_module(org, title="Bas takt", kind="basic"),
        ]
        record_completions(
            (person, course, some_day())
            for course in modules
            for person in rng.sample(people, rng.randint(3, 10))  # some of the other organisation
        )

    days = [some_day() for _ in range(25)] + [D(2024, 2, 29), D(2025, 3, 31), D(2026, 3, 29), D(2026, 10, 25)]
    seen = set()
    for day in days:
        for _, reasons, warnings, _ in same_answer(orgs, day).values():
            seen.update(code.split(":")[0] for code in (*reasons, *warnings))
    assert {"inactive", "missing", "revoked", "expired", "renewal_due", "hours"} <= seen


def test_types_for_some_groups_only(org_a, org_b, catalogue, catalogue_b):
    """A type that applies to some groups only is required of them only, in SQL as in the engine
    (certifications/applicability.py): one of her groups is enough; in no group, she is held."""
    child = QualificationType.objects.create(
        organisation=org_a, name="Barnkompetens", valid_months=12, applies_to=["staff", "board"]
    )
    ShiftRoleRequirement.objects.create(role=catalogue["chat"], qualification_type=child, sort_order=1)
    catalogue["pledge"].applies_to = ["volunteer"]
    catalogue["pledge"].is_pledge = True
    catalogue["pledge"].save()
    groups = [
        {"group_volunteer": True},
        {"group_volunteer": False, "group_staff": True},
        {"group_volunteer": False, "group_board": True},
        {"group_volunteer": True, "group_staff": True},
        {"group_volunteer": False},
    ]
    for flags in groups:
        for qualifications in ([], [child], [catalogue["pledge"]], [child, catalogue["pledge"]]):
            person = PersonFactory(organisation=org_a, **flags)
            qualify(person, catalogue["basic"], "2024-01-01")
            for qtype in qualifications:
                qualify(person, qtype, "2025-12-10")  # expires 2026-12-10
            train(org_a, [person], "2026-06-01", "6")
    seen = set()
    for day in ("2026-11-22", "2026-12-10", "2026-12-11"):
        for _, reasons, warnings, _ in same_answer([org_a, org_b], day).values():
            seen.update(code.split(":")[0] for code in (*reasons, *warnings))
    assert {"missing", "expired", "renewal_due", "expiring", "renew_by"} <= seen
