"""A report is about what happened (issue 16): read while its period lasts, its figures are as
of today. Sessions still to come (or under way) are only planned; records dated later do not
count; who is active, whose qualification is valid and who is cleared are judged today. Shares
are of the active volunteers and staff, board-only members on their own."""

import datetime

import pytest
from django.utils import translation

from certifications.report import competence_report
from courses.attendance import enrol, set_marks
from tests.certifications.conftest import qualify, train
from tests.conftest import STOCKHOLM
from tests.factories import PersonFactory, make_course, make_run

D = datetime.date
START, END = D(2026, 1, 1), D(2026, 12, 31)
#: Four weekly Thursday sessions, 18:00–20:30: two held, the third on the Thursday the report is
#: read, the fourth a week later.
FIRST_SESSION = D(2026, 11, 12)


@pytest.fixture
def circle(org_a, coordinator_a, catalogue):
    catalogue["basic"].granted_by_course = course = make_course(org_a, title="Studiecirkel", units=4)
    catalogue["basic"].save()
    vera = PersonFactory(first_name="Vera", organisation=org_a, joined_on=D(2025, 1, 1))
    run = make_run(course, FIRST_SESSION, title="HT 2026")
    enrol(run, [vera])
    first, second, *_later = run.sessions.order_by("starts_at")
    set_marks(first, {vera.pk: "present"}, coordinator_a)
    set_marks(second, {vera.pk: "present"}, coordinator_a)
    qualify(vera, catalogue["pledge"], "2025-12-15")  # valid until 2026-12-15: valid today, not on 31 Dec
    qualify(vera, catalogue["basic"], "2025-06-01")
    PersonFactory(  # a board member who works no shifts
        first_name="Bodil",
        organisation=org_a,
        joined_on=D(2020, 1, 1),
        group_volunteer=False,
        group_board=True,
    )
    PersonFactory(first_name="Nina", organisation=org_a, joined_on=D(2026, 12, 1))  # joins next month
    train(org_a, [vera], "2026-12-10", "4", title="Planerad", provider="Roks")  # not yet held
    return vera


@pytest.mark.parametrize(
    ("moment", "held"),
    [
        (datetime.datetime(2026, 11, 26, 10, 0, tzinfo=STOCKHOLM), 2),  # Thursday, before the session
        (datetime.datetime(2026, 11, 26, 20, 0, tzinfo=STOCKHOLM), 2),  # while it runs
        (datetime.datetime(2026, 11, 26, 20, 45, tzinfo=STOCKHOLM), 3),  # after it
    ],
)
def test_sessions_still_to_come_are_planned_not_held(org_a, circle, clock, moment, held):
    clock.move_to(moment)
    report = competence_report(org_a, START, END)
    assert report["as_of"] == "2026-11-26"
    assert report["basic_training"]["sessions"] == held
    assert report["basic_training"]["planned_sessions"] == 4 - held
    assert report["basic_training"]["hours"] == held * 2.5


def test_figures_are_as_of_today_while_the_period_lasts(org_a, coordinator_a, circle, clock):
    clock.move_to(datetime.datetime(2026, 11, 26, 10, 0, tzinfo=STOCKHOLM))
    report = competence_report(org_a, START, END)
    # Nina joins in December: neither active nor joined yet.
    assert report["people"]["volunteer"]["joined"] == 0
    # The coordinator (volunteer and staff) and Vera work shifts; Bodil is on the board only.
    assert report["people"]["shift_workers"] == 2
    assert report["people"]["board_only"] == 1
    assert report["total_active"] == 3
    # The pledge is valid today (it expires on 15 December).
    by_type = {q["type"]: q for q in report["qualifications"]}
    assert by_type["Tystnadslöfte"]["valid"]["volunteer"] == 1
    assert by_type["Tystnadslöfte"]["lapsed"] == 0
    # The training of 10 December has not happened.
    assert [line["title"] for line in report["continuing_education"]] == []
    assert report["training_hours"]["total"] == 0
    # The share with the basic training is of the volunteers and staff: 1 of 2, not 1 of 3.
    assert report["basic_holders"] == 1
    with translation.override("sv"):
        swedish = competence_report(org_a, START, END)["narrative"]
    assert "Uppgifter per 2026-11-26" in swedish
    assert (
        "50\u00a0% av de aktiva volontärerna och de anställda har grundutbildningen per 2026-11-26."
        in swedish
    )
    assert "1 styrelseledamot som inte går jourpass räknas inte med." in swedish


def test_the_same_period_read_after_it_ended_counts_everything(org_a, circle, clock):
    clock.move_to(datetime.datetime(2027, 1, 2, 9, 0, tzinfo=STOCKHOLM))
    report = competence_report(org_a, START, END)
    assert report["as_of"] == "2026-12-31"
    assert report["basic_training"]["sessions"] == 4
    assert report["basic_training"]["planned_sessions"] == 0
    by_type = {q["type"]: q for q in report["qualifications"]}
    assert by_type["Tystnadslöfte"]["lapsed"] == 1  # expired on 15 December
    assert [line["title"] for line in report["continuing_education"]] == ["Planerad"]


def test_new_years_eve_late_evening_is_still_the_year(org_a, circle, clock):
    clock.move_to(datetime.datetime(2026, 12, 31, 23, 30, tzinfo=STOCKHOLM))
    report = competence_report(org_a, START, END)
    assert report["as_of"] == "2026-12-31"
    assert report["basic_training"]["sessions"] == 4


def test_a_self_paced_module_counts_in_the_report(org_a, coordinator_a, clock):
    """A volunteer who completes the 3-hour self-paced module has 3 hours, and the module is a
    continuing-education line the organisation provides."""
    from tests.certifications.test_self_paced_hours import complete_on, module

    vera = PersonFactory(first_name="Vera", organisation=org_a, joined_on=D(2025, 1, 1))
    course = module(org_a, title="Våld i nära relationer")
    complete_on(clock, vera, course, "2026-06-10")
    clock.move_to(datetime.datetime(2026, 11, 26, 10, 0, tzinfo=STOCKHOLM))
    report = competence_report(org_a, START, END)
    (line,) = report["continuing_education"]
    assert line == {
        "title": "Våld i nära relationer",
        "provider": "Kvinnojouren A",
        "date": "2026-06-10",
        "hours": 3,
        "participants": {"volunteer": 1, "staff": 0, "board": 0},
        "participants_total": 1,
    }
    assert report["training_hours"]["total"] == 3
    assert report["training_hours"]["volunteer"] == 3
    assert {p["name"]: p["hours"] for p in report["hours_per_person"]}[vera.get_full_name()] == 3


def test_the_pledge_current_due_and_renewed_on_time(org_a, coordinator_a, catalogue, clock):
    """Tystnadslöfte is the pledge: who holds a current one today, which fell due for renewal in
    the period, and which of those were renewed by the day they fell due."""
    catalogue["pledge"].is_pledge = True
    catalogue["pledge"].save()
    on_time, late, lapsed = (
        PersonFactory(first_name=name, organisation=org_a, joined_on=D(2024, 1, 1))
        for name in ("Ada", "Bea", "Cia")
    )
    qualify(on_time, catalogue["pledge"], "2025-03-01")  # due 2026-03-01
    qualify(on_time, catalogue["pledge"], "2026-02-20")  # renewed before: current
    qualify(late, catalogue["pledge"], "2025-04-01")  # due 2026-04-01
    qualify(late, catalogue["pledge"], "2026-05-15")  # renewed after: current, but not on time
    qualify(lapsed, catalogue["pledge"], "2025-05-01")  # due 2026-05-01, never renewed
    qualify(coordinator_a, catalogue["pledge"], "2026-01-10")  # due next year
    clock.move_to(datetime.datetime(2026, 11, 26, 10, 0, tzinfo=STOCKHOLM))
    report = competence_report(org_a, START, END)
    assert report["pledge"] == {"current": 3, "due": 3, "renewed_on_time": 1}
    with translation.override("sv"):
        swedish = competence_report(org_a, START, END)["narrative"]
    assert "3 av de 4 aktiva volontärerna och anställda har ett gällande tystnadslöfte." in swedish
    assert "3 tystnadslöften skulle förnyas under perioden; 1 förnyades i tid." in swedish
    external = competence_report(org_a, START, END, external=True)
    assert external["pledge"] == {"current": "<5", "due": "<5", "renewed_on_time": "<5"}
    assert "tystnadslöfte" not in external["narrative"].lower() or "<5" not in external["narrative"]


def test_a_catalogue_marks_the_pledge_once(org_a):
    from certifications.importing import apply_catalogue, parse_catalogue
    from certifications.models import QualificationType

    text = """\
qualification_types:
  - name: Tystnadslöfte
    valid_months: 12
    pledge: true
  - name: Löfte två
    pledge: true
shift_roles: []
"""
    parsed = parse_catalogue(text, org_a)
    assert [(p.line, p.column) for p in parsed.problems] == [(5, "pledge")]
    parsed = parse_catalogue(text.replace("    pledge: true\nshift", "shift"), org_a)
    assert not parsed.problems
    apply_catalogue(parsed, org_a)
    assert list(QualificationType.objects.filter(is_pledge=True).values_list("name", flat=True)) == [
        "Tystnadslöfte"
    ]


def test_a_four_year_period_gives_each_year_side_by_side(org_a, coordinator_a, catalogue, clock):
    """The municipality's follow-up covers four years: the main figures per calendar year, the
    last year's only as far as today."""
    course = make_course(org_a, title="Studiecirkel", units=2)
    vera = PersonFactory(first_name="Vera", organisation=org_a, joined_on=D(2022, 1, 1))
    for year in (2023, 2025):
        run = make_run(course, D(year, 3, 2), title=f"VT {year}")
        enrol(run, [vera])
        for session in run.sessions.all():
            set_marks(session, {vera.pk: "present"}, coordinator_a)
    train(org_a, [vera], "2024-05-05", "3", title="Barnkonferens", provider="Roks")
    train(org_a, [vera, coordinator_a], "2026-02-02", "2", title="Temadag", provider="Origo")
    train(org_a, [vera], "2026-12-02", "4", title="Planerad", provider="Roks")  # after today
    clock.move_to(datetime.datetime(2026, 11, 26, 10, 0, tzinfo=STOCKHOLM))
    report = competence_report(org_a, D(2023, 1, 1), D(2026, 12, 31))
    assert [
        (y["year"], y["sessions"], y["completed"], y["continuing_education_lines"])
        for y in report["per_year"]
    ] == [
        (2023, 2, 1, 0),
        (2024, 0, 0, 1),
        (2025, 2, 0, 0),  # she had completed it already
        (2026, 0, 0, 1),
    ]
    assert [y["training_hours_total"] for y in report["per_year"]] == [0, 3, 0, 4]
    external = competence_report(org_a, D(2023, 1, 1), D(2026, 12, 31), external=True)
    assert external["per_year"][3]["trained"] == "<5"
    assert external["per_year"][3]["training_hours_total"] == "<5"  # 4 hours of 2 people would tell
    assert "per_year" not in competence_report(org_a, START, END)


def test_two_organisations_summed_suppress_after_summing(org_a, org_b, clock):
    """Three staff in each organisation took a 6-hour course: each organisation's external
    report hides the 18 hours (they tell that 3 trained); summed, 6 people trained 36 hours, shown.
    Two board members in each stay 4 together: still hidden."""
    from certifications.report import summed_report

    for organisation in (org_a, org_b):
        staff = [
            PersonFactory(
                organisation=organisation, joined_on=D(2024, 1, 1), group_volunteer=False, group_staff=True
            )
            for _ in range(3)
        ]
        board = [
            PersonFactory(
                organisation=organisation, joined_on=D(2024, 1, 1), group_volunteer=False, group_board=True
            )
            for _ in range(2)
        ]
        train(organisation, staff, "2026-04-01", "6", title="Hot och våld", provider="Roks")
        train(organisation, board, "2026-05-01", "2", title="Styrelseutbildning", provider="Roks")
    clock.move_to(datetime.datetime(2026, 11, 26, 10, 0, tzinfo=STOCKHOLM))
    alone = competence_report(org_a, START, END, external=True)
    assert alone["training_hours"]["staff"] == "<5"
    summed = summed_report([org_a, org_b], START, END, external=True)
    assert summed["organisation"] == "all"
    assert summed["trained"]["staff"] == 6 and summed["training_hours"]["staff"] == 36
    assert summed["trained"]["board"] == "<5" and summed["training_hours"]["board"] == "<5"
    assert summed["people"]["shift_workers"] == 6
    assert summed["people"]["board_only"] == "<5"
    internal = summed_report([org_a, org_b], START, END)
    assert internal["training_hours"] == {"volunteer": 0, "staff": 36, "board": 8, "total": 44}
    assert "hours_per_person" not in internal
    assert [line["participants_total"] for line in internal["continuing_education"]] == [3, 3, 2, 2]


def test_the_umbrella_overview_one_row_per_organisation(org_a, org_b, catalogue, clock):
    from certifications.report import umbrella_overview

    clock.move_to(datetime.datetime(2026, 11, 26, 10, 0, tzinfo=STOCKHOLM))
    catalogue["basic"].granted_by_course = make_course(org_a, title="Studiecirkel", units=2)
    catalogue["basic"].save()
    vera = PersonFactory(organisation=org_a, joined_on=D(2024, 1, 1))
    PersonFactory(organisation=org_a, joined_on=D(2024, 1, 1))
    qualify(vera, catalogue["basic"], "2025-01-01")
    qualify(vera, catalogue["pledge"], "2025-12-20")  # lapses 2026-12-20: within 60 days
    rows = umbrella_overview([org_b, org_a], D(2026, 11, 26))
    assert [row["organisation"] for row in rows] == [org_a.name, org_b.name]
    a, b = rows
    assert a["shift_workers"] == 2 and a["basic_share"] == 50 and a["lapsing"] == 1
    assert a["cleared_share"] == {"Telefonjour": 0, "Chattjour": 50}
    assert b["shift_workers"] == 0 and b["basic_share"] is None and b["cleared_share"] == {}


def test_protected_people_are_numbered_within_their_own_organisation(org_a, org_b, clock):
    from certifications.report import competence_reports

    for organisation in (org_a, org_b):
        PersonFactory(organisation=organisation, joined_on=D(2024, 1, 1), protected_identity=True)
    clock.move_to(datetime.datetime(2026, 11, 26, 10, 0, tzinfo=STOCKHOLM))
    with translation.override("sv"):
        reports = competence_reports([org_a, org_b], START, END)
    for pk in (org_a.pk, org_b.pk):
        assert [row["name"] for row in reports[pk]["hours_per_person"]] == ["Skyddad identitet 1"]
