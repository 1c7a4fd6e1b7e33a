"""The competence report's figures on a hand-built scenario, boundaries of the period included,
and the external version's suppression (courses/certifications report.py)."""

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from certifications.report import competence_report
from courses.attendance import enrol, set_marks, withdraw
from courses.models import Enrolment
from tests.certifications.conftest import qualify, train
from tests.conftest import STOCKHOLM
from tests.factories import PersonFactory, make_course, make_run

D = datetime.date
START, END = D(2026, 1, 1), D(2026, 12, 31)


@pytest.fixture(autouse=True)
def after_the_period(clock):
    """These tests read the report of a period that is over: its figures are as of its end
    (tests/certifications/test_report_as_of.py reads one while it lasts)."""
    clock.move_to(datetime.datetime(2027, 1, 15, 12, 0, tzinfo=STOCKHOLM))


@pytest.fixture
def scenario(org_a, coordinator_a, catalogue):
    """coordinator_a (staff, joined 2024) plus:
    - Vera (volunteer, joined 2025-06-01), Ulla (volunteer+board, joined 2026-01-01, the first day),
      Lisa (volunteer, joined 2023, left 2026-12-31, the last day: active at the end),
      Gun (staff, left 2026-06-30), Nora (volunteer, joined 2027-01-01: not in the period);
    - a study circle of 2 units run in 2026 (Vera, Ulla; Lisa withdrew), one run in 2025;
    - external training and an internal continuing-education day."""
    catalogue["basic"].granted_by_course = basic_course = make_course(org_a, title="Studiecirkel", units=2)
    catalogue["basic"].save()
    vera = PersonFactory(
        email="vera@example.org", first_name="Vera", organisation=org_a, joined_on=D(2025, 6, 1)
    )
    ulla = PersonFactory(
        email="ulla@example.org",
        first_name="Ulla",
        organisation=org_a,
        joined_on=D(2026, 1, 1),
        group_board=True,
    )
    lisa = PersonFactory(
        email="lisa@example.org", organisation=org_a, joined_on=D(2023, 1, 1), left_on=D(2026, 12, 31)
    )
    gun = PersonFactory(
        email="gun@example.org",
        organisation=org_a,
        group_volunteer=False,
        group_staff=True,
        joined_on=D(2020, 1, 1),
        left_on=D(2026, 6, 30),
    )
    PersonFactory(email="nora@example.org", organisation=org_a, joined_on=D(2027, 1, 1))

    run = make_run(basic_course, D(2026, 3, 5), title="VT 2026")
    enrol(run, [vera, ulla, lisa])
    withdraw(Enrolment.objects.get(run=run, person=lisa))
    first, second = run.sessions.order_by("starts_at")
    set_marks(first, {vera.pk: "present", ulla.pk: "present"}, coordinator_a)
    set_marks(second, {vera.pk: "late", ulla.pk: "absent"}, coordinator_a)  # Vera completes 2026-03-12
    old = make_run(basic_course, D(2025, 3, 6), title="VT 2025")
    enrol(old, [gun])
    for session in old.sessions.all():
        set_marks(session, {gun.pk: "present"}, coordinator_a)  # Gun completed in 2025

    train(org_a, [vera, ulla], "2026-01-01", "3", title="Barnkonferens", provider="Roks")  # first day
    train(org_a, [ulla], "2026-12-31", "2.5", title="Hedersrelaterat våld", provider="Origo")  # last day
    train(org_a, [vera], "2025-12-31", "6", title="Utanför", provider="X")  # the day before: outside
    theme = make_course(org_a, title="Temadag", units=2, kind="continuing")
    theme_run = make_run(theme, D(2026, 11, 5), title="Temadag HT")
    enrol(theme_run, [vera, coordinator_a])
    s1, s2 = theme_run.sessions.order_by("starts_at")
    set_marks(s1, {vera.pk: "present", coordinator_a.pk: "present"}, coordinator_a)
    set_marks(s2, {vera.pk: "absent", coordinator_a.pk: "late"}, coordinator_a)

    qualify(vera, catalogue["pledge"], "2026-02-01")  # valid at the end
    qualify(ulla, catalogue["pledge"], "2025-01-01")  # expired 2026-01-01: lapsed
    qualify(
        coordinator_a, catalogue["pledge"], "2026-06-01", revoked="2026-12-31"
    )  # revoked on the last day: lapsed
    return {"vera": vera, "ulla": ulla, "lisa": lisa, "gun": gun}


def test_every_figure(org_a, coordinator_a, scenario, catalogue):
    report = competence_report(org_a, START, END)
    assert report["organisation"] == "jour-a"
    assert report["period"] == {"start": "2026-01-01", "end": "2026-12-31"}
    # Active at the end: the coordinator (volunteer+staff), Vera, Ulla (volunteer+board), Lisa (left
    # on the last day). Gun left during the period; Nora joins after it.
    assert report["as_of"] == "2026-12-31"
    assert report["people"] == {
        "volunteer": {"active": 4, "joined": 1, "left": 1},
        "staff": {"active": 1, "joined": 0, "left": 1},
        "board": {"active": 1, "joined": 1, "left": 0},
        "shift_workers": 4,
        "board_only": 0,
    }
    assert report["total_active"] == 4
    assert report["basic_training"] == {
        "runs": 1,
        "sessions": 2,
        "hours": 5,
        "participants": 2,
        "completed": 1,
        "planned_sessions": 0,
    }
    assert report["continuing_education"] == [
        {
            "title": "Barnkonferens",
            "provider": "Roks",
            "date": "2026-01-01",
            "hours": 3,
            "participants": {"volunteer": 2, "staff": 0, "board": 1},
            "participants_total": 2,
        },
        {
            "title": "Temadag",
            "provider": "Kvinnojouren A",
            "date": "2026-11-05",
            "hours": 5,
            "participants": {"volunteer": 2, "staff": 1, "board": 0},
            "participants_total": 2,
        },
        {
            "title": "Hedersrelaterat våld",
            "provider": "Origo",
            "date": "2026-12-31",
            "hours": 2.5,
            "participants": {"volunteer": 1, "staff": 0, "board": 1},
            "participants_total": 1,
        },
    ]


def test_training_hours_qualifications_and_clearance(org_a, coordinator_a, scenario, catalogue):
    report = competence_report(org_a, START, END)
    # Vera 3 + 2.5 (one CE session), Ulla 3 + 2.5, the coordinator 2.5 + 2.5 (present and late):
    # 16 hours by 3 people; by group the coordinator (volunteer and staff) and Ulla (volunteer and
    # board) count twice, the total once each.
    assert report["training_hours"] == {"volunteer": 16, "staff": 5, "board": 5.5, "total": 16}
    assert report["trained"] == {"volunteer": 3, "staff": 1, "board": 1, "total": 3}
    # Active volunteers and staff: Lisa had none; Telefonjour's minimum is 6 hours: nobody met it.
    assert report["hours_distribution"] == {"zero": 1, "met_minimum": {"Telefonjour": 0}}
    assert [(p["name"], p["hours"]) for p in report["hours_per_person"]] == sorted(
        [
            (scenario["vera"].get_full_name(), 5.5),
            (scenario["ulla"].get_full_name(), 5.5),
            (scenario["lisa"].get_full_name(), 0),
            (coordinator_a.get_full_name(), 5),
        ],
        key=lambda pair: pair[0].split()[-1],
    )
    by_type = {q["type"]: q for q in report["qualifications"]}
    assert by_type["Grundutbildning"] == {
        "type": "Grundutbildning",
        "applies_to": [],
        "valid": {"volunteer": 1, "staff": 0, "board": 0},
        "lapsed": 0,
    }
    assert by_type["Tystnadslöfte"] == {
        "type": "Tystnadslöfte",
        "applies_to": [],
        "valid": {"volunteer": 1, "staff": 0, "board": 0},
        "lapsed": 2,
    }
    # Vera is cleared for both: her 6 hours of 2025-12-31 fall in the window ending 2026-12-31.
    assert report["clearance"] == [
        {"role": "Telefonjour", "cleared": 1, "shift_workers": 4},
        {"role": "Chattjour", "cleared": 1, "shift_workers": 4},
    ]
    assert report["basic_holders"] == 1
    narrative = report["narrative"]
    assert "2" in narrative and "Roks" in narrative and "Origo" in narrative


def test_external_version_suppresses_small_counts_and_names(org_a, scenario):
    report = competence_report(org_a, START, END, external=True)
    assert report["people"]["volunteer"] == {"active": "<5", "joined": "<5", "left": "<5"}
    assert report["people"]["staff"]["joined"] == 0  # zero is shown
    assert report["total_active"] == "<5"
    assert report["basic_training"]["hours"] == 5  # hours are not counts
    assert report["basic_training"]["sessions"] == "<5"
    # 16 hours of 3 volunteers would tell how many trained: every group's hours go with its count.
    assert report["trained"] == {"volunteer": "<5", "staff": "<5", "board": "<5", "total": "<5"}
    assert report["training_hours"] == {"volunteer": "<5", "staff": "<5", "board": "<5", "total": "<5"}
    assert "hours_per_person" not in report
    text = json.dumps(report, ensure_ascii=False)
    for person in scenario.values():
        assert person.email not in text and person.first_name not in text and person.last_name not in text


def test_period_must_be_in_order(org_a):
    with pytest.raises(ValueError):
        competence_report(org_a, END, START)


def test_the_command_refuses_a_period_that_has_not_begun(org_a):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="has not begun"):
        call_command("competence_report", "--organisation", "jour-a", "--year", "2099", stdout=io.StringIO())


def test_command_json(org_a, scenario):
    out = io.StringIO()
    call_command(
        "competence_report", "--organisation", "jour-a", "--year", "2026", "--format", "json", stdout=out
    )
    report = json.loads(out.getvalue())
    assert set(report) == {
        "organisation",
        "period",
        "as_of",
        "people",
        "total_active",
        "basic_training",
        "continuing_education",
        "training_hours",
        "trained",
        "hours_distribution",
        "hours_per_person",
        "qualifications",
        "basic_holders",
        "pledge",
        "clearance",
        "narrative",
    }
    out = io.StringIO()
    call_command(
        "competence_report",
        "--organisation",
        "jour-a",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--external",
        stdout=out,
    )
    report = json.loads(out.getvalue())
    assert report["period"] == {"start": "2026-03-01", "end": "2026-03-31"}
    assert report["basic_training"]["completed"] == "<5"


def test_a_course_nobody_attended_is_listed_with_no_participants(org_a, scenario):
    train(org_a, [], "2026-08-03", "3", title="Ingen deltog", provider="Roks")
    (line,) = [
        c
        for c in competence_report(org_a, START, END)["continuing_education"]
        if c["title"] == "Ingen deltog"
    ]
    assert line == {
        "title": "Ingen deltog",
        "provider": "Roks",
        "date": "2026-08-03",
        "hours": 3,
        "participants": {"volunteer": 0, "staff": 0, "board": 0},
        "participants_total": 0,
    }


def test_report_query_count_does_not_grow_with_people(org_a, scenario):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            competence_report(org_a, START, END)
        return len(ctx)

    few = count()
    for person in PersonFactory.create_batch(20, organisation=org_a, joined_on=D(2024, 1, 1)):
        train(org_a, [person], "2026-05-05", "1", title=f"Kurs {person.pk}")
    assert count() == few


def test_xlsx_csv_and_html_hold_the_same_figures_as_the_json(org_a, scenario, tmp_path):
    import zipfile

    import openpyxl

    report = competence_report(org_a, START, END)
    for fmt in ("xlsx", "csv", "html", "json"):
        call_command(
            "competence_report",
            "--organisation",
            "jour-a",
            "--year",
            "2026",
            "--format",
            fmt,
            "--output",
            str(tmp_path / f"report.{fmt}"),
            stdout=io.StringIO(),
        )
    book = openpyxl.load_workbook(tmp_path / "report.xlsx")
    assert len(book.sheetnames) == 10
    basic = list(book.worksheets[1].iter_rows(values_only=True))
    assert list(basic[1]) == list(report["basic_training"].values())
    people = list(book.worksheets[0].iter_rows(values_only=True))
    assert [row[1] for row in people[1:4]] == [
        report["people"][g]["active"] for g in ("volunteer", "staff", "board")
    ]
    ce = list(book.worksheets[2].iter_rows(values_only=True))[1:]
    assert [(row[1], row[3]) for row in ce] == [
        (i["title"], i["hours"]) for i in report["continuing_education"]
    ]
    with zipfile.ZipFile(tmp_path / "report.csv") as archive:
        assert len(archive.namelist()) == 10
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<table>" in html and "Barnkonferens" in html
    assert json.loads((tmp_path / "report.json").read_text(encoding="utf-8")) == json.loads(
        json.dumps(report)
    )


def test_external_files_hold_no_names(org_a, scenario, tmp_path):
    import openpyxl

    call_command(
        "competence_report",
        "--organisation",
        "jour-a",
        "--year",
        "2026",
        "--external",
        "--format",
        "xlsx",
        "--output",
        str(tmp_path / "ext.xlsx"),
        stdout=io.StringIO(),
    )
    cells = {
        str(c.value)
        for ws in openpyxl.load_workbook(tmp_path / "ext.xlsx").worksheets
        for row in ws.iter_rows()
        for c in row
    }
    for person in scenario.values():
        assert not any(person.email in c or person.last_name in c for c in cells)
    assert "<5" in cells


def test_the_months_of_the_hours_chart_add_up_to_the_reports_hours_across_organisations(
    org_a, org_b, scenario, django_assert_num_queries
):
    """Vera (org_a) marked present at org_b's theme evening, as after a move (enrol() refuses to
    make such rows): her hours there count for neither organisation, in the report and in its
    chart alike (the chart once counted them for org_a)."""
    from certifications.report import GROUPS, monthly_training_hours
    from courses.models import Attendance

    vera = scenario["vera"]
    run = make_run(make_course(org_b, title="Temakväll", units=1, kind="continuing"), D(2026, 10, 1))
    (session,) = run.sessions.all()
    Enrolment.objects.create(run=run, person=vera)
    Attendance.objects.create(session=session, person=vera, mark="present")
    report = competence_report(org_a, START, END)
    with django_assert_num_queries(4):  # the people, and the training the report counts (3)
        months = monthly_training_hours(org_a, START, END)
    assert months["2026-10"]["volunteer"] == 0
    for group in GROUPS:
        assert float(sum(m[group] for m in months.values())) == report["training_hours"][group]


def test_pdf_renders_and_charts_are_real_charts_of_the_real_figures(org_a, scenario, tmp_path):
    import os
    import shutil
    import subprocess

    from certifications.report import monthly_training_hours
    from certifications.report.charts import coverage_chart, hours_chart
    from certifications.report.files import report_pdf

    report = competence_report(org_a, START, END)
    months = monthly_training_hours(org_a, START, END)
    assert len(months) == 12
    for group in ("volunteer", "staff", "board"):
        assert float(sum(m[group] for m in months.values())) == report["training_hours"][group]
    assert float(months["2026-01"]["volunteer"]) == 6  # Barnkonferens on the first day, Vera and Ulla
    assert float(months["2026-11"]["staff"]) == 5  # the theme day, the coordinator present and late
    for png in (hours_chart(org_a, START, END), coverage_chart(report)):
        assert png.startswith(b"\x89PNG") and len(png) > 5000
    pdf = report_pdf(report, org_a, external=False)
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    if shutil.which("pdftoppm") is None:
        if os.environ.get("CI"):
            pytest.fail("pdftoppm is required in CI (apt-get install poppler-utils)")
        pytest.skip("pdftoppm is not installed")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")], check=True
    )
    (page,) = tmp_path.glob("page*.png")
    assert page.stat().st_size > 5000
    artefacts = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
    artefacts.mkdir(parents=True, exist_ok=True)
    shutil.copy(page, artefacts / "report-pdf-page-1.png")
