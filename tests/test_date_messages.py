"""Issue 18: a date a person types that is not one ("2026-13-45", "igår") is answered in words
that name the field and show what a date looks like ("Datum: skriv ett giltigt datum, till
exempel 2026-11-25"), never Django's raw error list ("• on ◦ Fyll i ett giltigt datum."). The
whole class: every form and filter of the project where a person types a date."""

import datetime

import pytest
from django.urls import reverse

from courses.attendance import enrol
from courses.page_access import ensure_course_index
from tests.auth import sign_in
from tests.factories import PersonFactory, make_course, make_run

BAD_DATES = ["2026-13-45", "igår"]
MESSAGE = "skriv ett giltigt datum, till exempel 2026-11-25"  # the clock's day (tests/conftest.py)


@pytest.fixture
def setting(org_a):
    run = make_run(make_course(org_a), datetime.date(2026, 3, 5))
    person = PersonFactory(organisation=org_a)
    enrol(run, [person])
    return {"run": run, "enrolment": run.enrolments.get(), "index": ensure_course_index(org_a)}


def screens(setting) -> list[tuple[str, str, dict, str]]:
    """(method, url, the other values sent, the date field)."""
    run, enrolment = setting["run"], setting["enrolment"]
    return [
        ("get", reverse("certifications_board"), {}, "on"),
        ("get", reverse("certifications_report"), {"end": "2026-06-30"}, "start"),
        ("get", reverse("certifications_report"), {"start": "2026-01-01"}, "end"),
        ("get", reverse("quality_evaluations:results"), {"end": "2026-06-30"}, "start"),
        (
            "post",
            reverse("courses_session_add", args=[run.pk]),
            {"start_time": "18:00", "end_time": "20:30"},
            "date",
        ),
        (
            "post",
            reverse("courses_enrolment_makeup", args=[enrolment.pk]),
            {"kind": "catch_up", "unit_number": "1"},
            "date",
        ),
        ("post", reverse("courses_run:add"), {"title": "VT"}, "first_session_date"),
        ("post", reverse("certifications_training:add"), {"title": "Kurs", "hours": "2"}, "date"),
        ("post", reverse("certifications_qualification:add"), {}, "issued_on"),
        ("post", reverse("people_person:add"), {"first_name": "Ny", "email": "ny@example.org"}, "joined_on"),
        ("post", reverse("quality_action:add"), {"title": "Rutin"}, "due_on"),
    ]


@pytest.mark.parametrize("bad", BAD_DATES)
def test_every_date_a_person_types_is_answered_in_words(client, coordinator_a, setting, bad):
    sign_in(client, coordinator_a)
    for method, url, values, field in screens(setting):
        response = getattr(client, method)(url, {**values, field: bad})
        assert response.status_code == 200, (url, field)
        html = response.content.decode()
        form = response.context["form"]
        assert form.errors[field] == [MESSAGE], (url, field, form.errors)
        assert MESSAGE in html, (url, field)
        assert "Fyll i ett giltigt datum" not in html, (url, field)
        assert f"<li>{field}<ul" not in html, (url, field)  # the raw error list
        if "admin/competence/clearance" in url or "report" in url or "evaluations" in url:
            # A screen laying out its own fields names the field, and its input points at it.
            label = form[field].label
            assert f'id="id_{field}_error">{label}: {MESSAGE}' in html, (url, field)


@pytest.mark.parametrize("bad", BAD_DATES)
def test_wagtails_own_date_filters_say_it_in_words_too(client, coordinator_a, setting, bad):
    sign_in(client, coordinator_a)
    url = reverse("wagtailadmin_pages:history", args=[setting["index"].pk])
    response = client.get(url, {"timestamp_from": bad})
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
