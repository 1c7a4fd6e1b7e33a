"""The hand-written SQL baseline (benchmarks/sql_report.py) gives the report's answer."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks.sql_report import report_sql
from certifications.models import QualificationType, ShiftRole, ShiftRoleRequirement
from certifications.report import competence_report
from courses.attendance import enrol, set_marks
from courses.models import Attendance, Enrolment, Session
from tests.certifications.conftest import catalogue, qualify, train  # noqa: F401
from tests.certifications.test_report import scenario  # noqa: F401
from tests.certifications.test_report_as_of import circle  # noqa: F401
from tests.conftest import STOCKHOLM
from tests.factories import PersonFactory, make_course, make_run

D = datetime.date

PERIODS = [
    (D(2026, 1, 1), D(2026, 12, 31)),  # the year
    (D(2026, 3, 1), D(2026, 3, 31)),  # a month: the study circle
    (D(2026, 11, 1), D(2026, 11, 30)),  # a month: the theme day
    (D(2026, 1, 1), D(2026, 1, 1)),  # the first day: Ulla joins, Barnkonferens
    (D(2026, 12, 31), D(2026, 12, 31)),  # the last day: Lisa leaves, a record, a revocation
    (D(2025, 12, 31), D(2026, 1, 1)),  # across the year's edge
    (D(2026, 6, 30), D(2026, 7, 1)),  # Gun leaves
    (D(2026, 3, 12), D(2026, 11, 5)),  # from the second basic session to the first theme session
    (D(2025, 1, 1), D(2025, 12, 31)),  # the year before
    (D(2027, 1, 1), D(2027, 12, 31)),  # the year after: Nora joins
]


def expected(organisation, start, end):
    return {k: v for k, v in competence_report(organisation, start, end).items() if k != "narrative"}


@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_same_as_the_report(org_a, scenario, start, end):  # noqa: F811
    assert report_sql([org_a.pk], start, end)[org_a.pk] == expected(org_a, start, end)


@pytest.fixture
def second_organisation(org_a, org_b, scenario):  # noqa: F811
    """org_b with people, a catalogue, a course, records and marks of its own, plus ties that
    cross organisations: an org_a person at org_b's theme day and on org_b's training record,
    an org_b person enrolled in org_a's study circle."""
    vera = scenario["vera"]
    bodil = PersonFactory(email="bodil@example.org", organisation=org_b, joined_on=D(2022, 1, 1))
    berit = PersonFactory(
        email="berit@example.org",
        organisation=org_b,
        group_volunteer=False,
        group_staff=True,
        group_board=True,
        joined_on=D(2026, 4, 1),
    )
    basic = QualificationType.objects.create(organisation=org_b, name="Grundkurs")
    role = ShiftRole.objects.create(
        organisation=org_b, name="Jour", min_training_hours=2, training_window_months=6
    )
    ShiftRoleRequirement.objects.create(role=role, qualification_type=basic, sort_order=0)
    ShiftRole.objects.create(organisation=org_b, name="Stöd")
    qualify(bodil, basic, "2020-01-01")
    qualify(berit, basic, "2026-05-01", expires="2026-10-01")
    qualify(vera, basic, "2026-01-01")  # another organisation's type: not in org_a's report
    train(org_b, [bodil, vera], "2026-01-01", "3", title="Barnkonferens", provider="Roks")
    train(org_b, [berit], "2026-09-09", "1.25", title="Rättegångsstöd", provider="BOJ")
    theme = make_course(org_b, title="Temakväll", units=1, kind="continuing")
    run = make_run(theme, D(2026, 10, 1), title="Temakväll HT")
    enrol(run, [bodil])
    (session,) = run.sessions.all()
    set_marks(session, {bodil.pk: "present"}, bodil)
    # Rows that cross organisations (as after a person moves; enrol() refuses to make them):
    # Vera (org_a) at org_b's theme evening, Bodil (org_b) enrolled in org_a's study circle.
    Enrolment.objects.create(run=run, person=vera)
    Attendance.objects.create(session=session, person=vera, mark="present")
    Enrolment.objects.create(run=vera.jour_enrolments.get(run__title="VT 2026").run, person=bodil)
    return {"bodil": bodil, "berit": berit}


@pytest.mark.parametrize(("start", "end"), PERIODS[:3])
def test_two_organisations_at_once(org_a, org_b, second_organisation, start, end):
    found = report_sql([org_a.pk, org_b.pk], start, end)
    assert set(found) == {org_a.pk, org_b.pk}
    assert found[org_a.pk] == expected(org_a, start, end)
    assert found[org_b.pk] == expected(org_b, start, end)
    assert report_sql([org_b.pk], start, end) == {org_b.pk: found[org_b.pk]}


def test_edge_cases(org_a, scenario, catalogue, coordinator_a):  # noqa: F811
    """A cancelled session, an extra meeting without a unit, a deleted record, a record line
    shared by two records, two runs of one course, a role whose hours are 0 or unset, a person
    in no group, a person with no joined date, a record nobody attended, hours that floating
    point would sum short of a role's minimum."""
    vera, ulla = scenario["vera"], scenario["ulla"]
    theme = make_course(org_a, title="Fördjupning", units=3, kind="continuing")
    run = make_run(theme, D(2026, 5, 4), title="Fördjupning VT")
    other = make_run(theme, D(2026, 5, 4), title="Fördjupning VT 2", start="10:00", end="12:00")
    enrol(run, [vera, ulla])
    enrol(other, [coordinator_a])
    first, second, third = run.sessions.order_by("starts_at")
    Session.objects.filter(pk=second.pk).update(status="cancelled", cancel_reason="Sjuk")
    Session.objects.filter(pk=third.pk).update(unit_number=None)
    set_marks(first, {vera.pk: "present", ulla.pk: "excused"}, coordinator_a)
    set_marks(third, {ulla.pk: "late"}, coordinator_a)
    for session in other.sessions.all():
        set_marks(session, {coordinator_a.pk: "present"}, coordinator_a)
    deleted = train(org_a, [vera], "2026-05-05", "4", title="Raderad")
    deleted.soft_delete(coordinator_a)
    train(org_a, [vera], "2026-05-06", "1.5", title="Delad", provider="Roks")
    train(org_a, [ulla, vera], "2026-05-06", "1.5", title="Delad", provider="Roks")
    train(org_a, [ulla], "2026-05-06", "2", title="Delad", provider="Origo")
    nobody = PersonFactory(email="ingen@example.org", organisation=org_a, group_volunteer=False)
    PersonFactory(email="odaterad@example.org", organisation=org_a, joined_on=None)
    train(org_a, [nobody], "2026-05-06", "1", title="Ensam")
    zero = ShiftRole.objects.create(organisation=org_a, name="Nollroll", min_training_hours=0, sort_order=1)
    ShiftRoleRequirement.objects.create(role=zero, qualification_type=catalogue["pledge"], sort_order=0)
    ShiftRole.objects.create(organisation=org_a, name="Fri", training_window_months=3, sort_order=3)
    ShiftRole.objects.create(
        organisation=org_a, name="Kort", min_training_hours="2.5", training_window_months=1, sort_order=4
    )
    QualificationType.objects.create(organisation=org_a, name="Ägarkurs")  # nobody holds it
    # 0.7 + 0.6 is 1.2999999999999998 in floating point (SQLite's decimals): Flyt has 1.3.
    flyt = ShiftRole.objects.create(
        organisation=org_a, name="Flyt", min_training_hours="1.3", training_window_months=1, sort_order=5
    )
    floating = PersonFactory(email="flyt@example.org", organisation=org_a)
    train(org_a, [floating], "2026-08-01", "0.7", title="Flyt 1")
    train(org_a, [floating], "2026-08-02", "0.6", title="Flyt 2")
    train(org_a, [], "2026-08-03", "3", title="Ingen deltog")  # nobody attended: a line with 0 participants
    more = [(D(2026, 5, 1), D(2026, 5, 31)), (D(2026, 5, 6), D(2026, 6, 5)), (D(2026, 8, 1), D(2026, 8, 2))]
    for start, end in [*PERIODS, *more]:
        assert report_sql([org_a.pk], start, end)[org_a.pk] == expected(org_a, start, end), (start, end)
    roles = {
        row["role"]: row
        for row in report_sql([org_a.pk], D(2026, 8, 1), D(2026, 8, 2))[org_a.pk]["clearance"]
    }
    assert roles[flyt.name]["cleared"] == 1


def test_an_empty_organisation(org_b):
    start, end = D(2026, 1, 1), D(2026, 12, 31)
    assert report_sql([org_b.pk], start, end) == {org_b.pk: expected(org_b, start, end)}


def test_a_fixed_number_of_queries(org_a, org_b, second_organisation):
    with CaptureQueriesContext(connection) as queries:
        report_sql([org_a.pk, org_b.pk], D(2026, 1, 1), D(2026, 12, 31))
    assert len(queries) <= 6


def test_period_must_be_in_order(org_a):
    with pytest.raises(ValueError):
        report_sql([org_a.pk], D(2026, 12, 31), D(2026, 1, 1))


MOMENTS = [
    datetime.datetime(2026, 11, 26, 10, 0, tzinfo=STOCKHOLM),  # Thursday, before the evening's sessions
    datetime.datetime(2026, 11, 26, 20, 0, tzinfo=STOCKHOLM),  # while they run
    datetime.datetime(2026, 11, 26, 20, 45, tzinfo=STOCKHOLM),  # after them
    datetime.datetime(2026, 12, 31, 23, 30, tzinfo=STOCKHOLM),  # New Year's Eve, late
    datetime.datetime(2027, 1, 15, 12, 0, tzinfo=STOCKHOLM),  # after the year
]


@pytest.fixture
def under_way(org_a, coordinator_a, circle, catalogue):  # noqa: F811
    """The study circle of test_report_as_of (four Thursdays from 12 November, a board-only
    member, a person joining in December, a record dated 10 December) plus a continuing-education
    evening on the same Thursdays (marks on the one under way too), a role asking for hours in a
    month, and protected people: one who left in the period with hours (numbered, not listed),
    one active."""
    vera = circle
    theme = make_course(org_a, title="Kvällskurs", units=3, kind="continuing")
    run = make_run(theme, D(2026, 11, 19), title="Kvällskurs HT")
    enrol(run, [vera, coordinator_a])
    for session in run.sessions.order_by("starts_at")[:2]:  # 19 and 26 November
        Attendance.objects.create(session=session, person=vera, mark="present")
        Attendance.objects.create(session=session, person=coordinator_a, mark="late")
    ShiftRole.objects.create(
        organisation=org_a, name="Månad", min_training_hours="2.5", training_window_months=1, sort_order=3
    )
    left = PersonFactory(
        first_name="Hemlig",
        last_name="Ett",
        organisation=org_a,
        protected_identity=True,
        joined_on=D(2024, 1, 1),
        left_on=D(2026, 11, 20),
    )
    kept = PersonFactory(
        first_name="Hemlig",
        last_name="Två",
        organisation=org_a,
        protected_identity=True,
        group_staff=True,
        joined_on=D(2024, 1, 1),
    )
    train(org_a, [left, kept], "2026-11-02", "1.5", title="Skyddad", provider="Roks")
    qualify(kept, catalogue["basic"], "2025-06-01")
    return {"vera": vera, "left": left, "kept": kept}


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize(("start", "end"), [PERIODS[0], PERIODS[2], (D(2026, 12, 1), D(2026, 12, 31))])
def test_same_as_the_report_at_any_moment(org_a, under_way, clock, moment, start, end):
    """Read while the period lasts, during a session, after it: the same as_of, held and planned
    sessions, hours and clearance as the report."""
    clock.move_to(moment)
    found = report_sql([org_a.pk], start, end)[org_a.pk]
    assert found == expected(org_a, start, end)
    if (start, end) == PERIODS[0]:
        names = [row["name"] for row in found["hours_per_person"]]
        assert "Skyddad identitet 2" in names or "Protected identity 2" in names
        assert not any("Hemlig" in name for name in names)


def test_self_paced_pledges_and_years(org_a, coordinator_a, scenario, catalogue, clock):  # noqa: F811
    """Self-paced modules (lines, hours, clearance windows; one through a run does not count by
    itself), the pledge's renewals, and periods of several years, side by side per year."""
    from tests.certifications.test_self_paced_hours import complete_on, module

    vera, ulla = scenario["vera"], scenario["ulla"]
    catalogue["pledge"].is_pledge = True
    catalogue["pledge"].save()
    qualify(vera, catalogue["pledge"], "2027-01-20")  # renews Vera's (due 2027-02-01) on time
    qualify(ulla, catalogue["pledge"], "2026-03-01")  # renews Ulla's (due 2026-01-01) late
    course = module(org_a, title="Egen takt")
    other = module(org_a, title="Andra takten", hours=("2",))
    complete_on(clock, vera, course, "2025-12-31")
    complete_on(clock, ulla, course, "2026-06-10")
    complete_on(clock, coordinator_a, other, "2026-11-20")
    theme = make_course(org_a, title="Årsskifte", units=2, kind="continuing")
    run = make_run(theme, D(2025, 12, 28), title="Över nyår")  # 28 December and 4 January
    enrol(run, [vera])
    for session in run.sessions.all():
        set_marks(session, {vera.pk: "present"}, coordinator_a)
    ShiftRole.objects.create(
        organisation=org_a, name="Kvartal", min_training_hours="3", training_window_months=3, sort_order=6
    )
    periods = [*PERIODS, (D(2023, 1, 1), D(2026, 12, 31)), (D(2025, 6, 1), D(2027, 3, 31))]
    for moment in MOMENTS[2:]:
        clock.move_to(moment)
        for start, end in periods:
            assert report_sql([org_a.pk], start, end)[org_a.pk] == expected(org_a, start, end), (
                moment,
                start,
                end,
            )
    found = report_sql([org_a.pk], D(2023, 1, 1), D(2026, 12, 31))[org_a.pk]
    assert [y["year"] for y in found["per_year"]] == [2023, 2024, 2025, 2026]
    assert found["pledge"]["due"] >= 1
    assert "Egen takt" in [line["title"] for line in found["continuing_education"]]


def test_a_multi_year_period_takes_one_more_query(org_a, org_b, second_organisation):
    with CaptureQueriesContext(connection) as queries:
        report_sql([org_a.pk, org_b.pk], D(2023, 1, 1), D(2026, 12, 31))
    assert len(queries) <= 7


def test_types_for_some_groups_only(org_a, coordinator_a, scenario, catalogue):  # noqa: F811
    """Lapsed counts, the groups a type applies to and clearance: as the report counts them
    (certifications/applicability.py)."""
    child = QualificationType.objects.create(
        organisation=org_a, name="Barnkompetens", valid_months=12, applies_to=["staff"]
    )
    ShiftRoleRequirement.objects.create(role=catalogue["chat"], qualification_type=child, sort_order=1)
    for person in [coordinator_a, *scenario.values()]:
        qualify(person, child, "2025-03-01")  # lapsed 2026-03-01
    qualify(scenario["vera"], child, "2026-02-01")
    for start, end in PERIODS[:3]:
        assert report_sql([org_a.pk], start, end)[org_a.pk] == expected(org_a, start, end)
