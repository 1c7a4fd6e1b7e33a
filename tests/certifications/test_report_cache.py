"""The competence report is counted and drawn once and kept (certifications/report/made.py):
a second reading makes none of its queries, and anything it depends on (a record of its
organisations, the day, the period, the version, the language, the organisation, a session
ending) gives the fresh report."""

import base64
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from certifications.report import Umbrella, competence_report, made_report, summed_report
from courses.attendance import enrol, set_marks
from people.models import Organisation
from tests.auth import sign_in
from tests.certifications.conftest import train
from tests.conftest import STOCKHOLM
from tests.factories import PersonFactory, make_course, make_run

D = datetime.date
START, END = D(2026, 1, 1), D(2026, 12, 31)
#: The tables only the report's counting reads (the page around it reads none of them).
REPORT_TABLES = (
    "jour_certifications_qualification",
    "jour_certifications_trainingrecord",
    "jour_courses_session",
    "jour_courses_attendance",
)


def fresh(org) -> Organisation:
    """The organisation as a request reads it (its data version now)."""
    return Organisation.objects.get(pk=org.pk)


def report_queries(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if any(t in q["sql"] for t in REPORT_TABLES)]


@pytest.fixture
def people(org_a):
    return PersonFactory.create_batch(6, organisation=org_a)


def test_a_second_reading_of_the_screen_counts_nothing(client, board_a, people, org_a):
    sign_in(client, board_a)
    with CaptureQueriesContext(connection) as first:
        page = client.get(reverse("certifications_report"))
    assert page.status_code == 200 and page.context["report"]["total_active"] == 7
    assert report_queries(first)
    with CaptureQueriesContext(connection) as second:
        again = client.get(reverse("certifications_report"))
    assert report_queries(second) == []
    assert len(second) < len(first) - 5
    assert again.context["report"] == page.context["report"]
    assert again.context["charts"] == page.context["charts"]
    # A change to a record of the organisation: the fresh report.
    PersonFactory(organisation=org_a)
    with CaptureQueriesContext(connection) as third:
        changed = client.get(reverse("certifications_report"))
    assert report_queries(third) and changed.context["report"]["total_active"] == 8


def test_a_chart_download_is_the_kept_chart(client, board_a, people):
    sign_in(client, board_a)
    shown = {
        which: data for _title, which, data in client.get(reverse("certifications_report")).context["charts"]
    }
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("certifications_report"),
            {"year": "2026", "version": "internal", "action": "chart-coverage"},
        )
    assert response["Content-Type"] == "image/png" and report_queries(queries) == []
    assert base64.b64encode(response.content).decode() == shown["chart-coverage"]


def test_each_thing_the_report_depends_on_gives_the_fresh_one(org_a, org_b, people, clock):
    made = made_report(fresh(org_a), START, END)
    assert made.report == competence_report(org_a, START, END)
    train(org_a, people[:2], "2026-03-01", "3", title="Barnkonferens")  # a record: a new version
    assert (
        made_report(fresh(org_a), START, END).report["continuing_education"]
        != made.report["continuing_education"]
    )
    kept = made_report(fresh(org_a), START, END)
    assert made_report(fresh(org_a), D(2025, 1, 1), D(2025, 12, 31)).report["period"]["start"] == "2025-01-01"
    assert made_report(fresh(org_a), START, END, external=True).report == competence_report(
        org_a, START, END, external=True
    )
    with translation.override("en"):
        english = made_report(fresh(org_a), START, END)
    with translation.override("sv"):
        swedish = made_report(fresh(org_a), START, END)
    assert english.report["narrative"] != swedish.report["narrative"]
    assert english.charts != swedish.charts
    other = made_report(fresh(org_b), START, END)
    assert other.report["organisation"] == org_b.slug and other.report == competence_report(org_b, START, END)
    clock.move_to(datetime.datetime(2026, 11, 26, 10, 0, tzinfo=STOCKHOLM))  # the next day
    tomorrow = made_report(fresh(org_a), START, END)
    assert tomorrow.report["as_of"] == "2026-11-26" != kept.report["as_of"]


def test_the_umbrella_report_changes_with_any_of_its_organisations(org_a, org_b):
    def umbrella():
        return Umbrella(tuple(Organisation.objects.order_by("name")))

    first = made_report(umbrella(), START, END)
    assert first.report == summed_report([org_a, org_b], START, END)
    PersonFactory(organisation=org_b)
    assert made_report(umbrella(), START, END).report["total_active"] == first.report["total_active"] + 1
    # Nor is an organisation's own report the umbrella's.
    assert made_report(fresh(org_a), START, END).report != made_report(umbrella(), START, END).report


@pytest.fixture
def evening_circle(org_a, coordinator_a, catalogue):
    """Four weekly Thursday sessions 18:00-20:30 from 12 November; Vera at the first two."""
    catalogue["basic"].granted_by_course = course = make_course(org_a, title="Studiecirkel", units=4)
    catalogue["basic"].save()
    vera = PersonFactory(first_name="Vera", organisation=org_a, joined_on=D(2025, 1, 1))
    run = make_run(course, D(2026, 11, 12), title="HT 2026")
    enrol(run, [vera])
    first, second, third, _fourth = run.sessions.order_by("starts_at")
    set_marks(first, {vera.pk: "present"}, coordinator_a)
    set_marks(second, {vera.pk: "present"}, coordinator_a)
    return third


def test_a_session_held_this_evening_counts_once_it_has_ended(org_a, evening_circle, clock):
    assert evening_circle.starts_at == datetime.datetime(2026, 11, 26, 18, 0, tzinfo=STOCKHOLM)
    # Under way, and the report kept for minutes (less than the cache's time limit) after it ends.
    clock.move_to(datetime.datetime(2026, 11, 26, 20, 28, tzinfo=STOCKHOLM))
    assert made_report(fresh(org_a), START, END).report["basic_training"]["sessions"] == 2
    with CaptureQueriesContext(connection) as queries:
        assert made_report(fresh(org_a), START, END).report["basic_training"]["sessions"] == 2
    assert report_queries(queries) == []  # kept until the session ends
    clock.move_to(datetime.datetime(2026, 11, 26, 20, 31, tzinfo=STOCKHOLM))  # just after it
    assert made_report(fresh(org_a), START, END).report["basic_training"]["sessions"] == 3
