"""The admin screens for runs: create with generated sessions, overview and matrix export,
the attendance register, sessions, enrolment, withdrawal, make-ups; scoped per organisation."""

import datetime
import io

import openpyxl
import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from courses.attendance import enrol, set_marks
from courses.models import Attendance, Completion, CourseRun, Enrolment, MakeUp, Session
from courses.views.admin import UNUSED_ON_REGISTER
from jour_core.templatetags.jour_scripts import script_name
from tests.auth import sign_in
from tests.factories import PersonFactory, make_course, make_run


@pytest.fixture
def participants(org_a, run):
    people = [
        PersonFactory(first_name="Anna", last_name="Ahl", organisation=org_a),
        PersonFactory(first_name="Bea", last_name="Berg", organisation=org_a),
        PersonFactory(first_name="Cilla", last_name="Cedergren", organisation=org_a, protected_identity=True),
    ]
    enrol(run, people)
    return people


def test_coordinator_creates_a_run_with_weekly_sessions(client, course, coordinator_a):
    sign_in(client, coordinator_a)
    response = client.post(
        reverse("courses_run:add"),
        {
            "course": course.pk,
            "title": "Studiecirkel VT 2027",
            "location": "Föreningslokalen",
            "first_session_date": "2027-01-14",
            "start_time": "18:00",
            "end_time": "20:30",
            "every_days": "7",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    run = CourseRun.objects.get(title="Studiecirkel VT 2027")
    assert run.organisation == course.organisation
    sessions = list(run.sessions.order_by("starts_at"))
    assert len(sessions) == 8
    assert timezone.localtime(sessions[0].starts_at).strftime("%Y-%m-%d %H:%M") == "2027-01-14 18:00"
    assert timezone.localtime(sessions[-1].starts_at).strftime("%Y-%m-%d %H:%M") == "2027-03-04 18:00"
    assert response["Location"] == reverse("courses_run_overview", args=[run.pk])


def test_another_organisations_course_cannot_be_chosen(client, org_b, coordinator_a):
    foreign = make_course(org_b, title="Deras cirkel")
    sign_in(client, coordinator_a)
    response = client.post(
        reverse("courses_run:add"),
        {"course": foreign.pk, "title": "X", "start_time": "18:00", "end_time": "20:30", "every_days": "7"},
    )
    assert response.status_code == 200
    assert "course" in response.context["form"].errors
    assert not CourseRun.objects.exists()


def test_register_saves_everyone_together_and_the_matrix_shows_it(client, run, participants, coordinator_a):
    session = run.sessions.order_by("starts_at").first()
    sign_in(client, coordinator_a)
    page = client.get(reverse("courses_session_register", args=[session.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for person in participants:
        assert f'name="mark-{person.pk}"' in html
    anna, bea, cilla = participants
    response = client.post(
        reverse("courses_session_register", args=[session.pk]),
        {f"mark-{anna.pk}": "present", f"mark-{bea.pk}": "late", f"mark-{cilla.pk}": "excused"},
    )
    assert response.status_code == 302
    assert dict(Attendance.objects.filter(session=session).values_list("person_id", "mark")) == {
        anna.pk: "present",
        bea.pk: "late",
        cilla.pk: "excused",
    }
    overview = client.get(reverse("courses_run_overview", args=[run.pk]))
    table = overview.context["table"]
    footer = table.columns[f"session_{session.pk}"].footer
    assert footer == "2"  # present + late


def scripts_of(html: str) -> list:
    return BeautifulSoup(html, "html.parser").find_all("script")


def test_register_is_drawn_before_wagtails_scripts_run(client, run, participants, coordinator_a):
    """The register defers Wagtail's admin scripts and leaves out those it has no use for
    (README "Pages in a browser"): no inline script of its page may call on them before they
    have run, and each one left out is one that Wagtail's admin pages load (a Wagtail that renames
    one fails here rather than loading it again unnoticed)."""
    session = run.sessions.order_by("starts_at").first()
    sign_in(client, coordinator_a)
    scripts = scripts_of(client.get(reverse("courses_session_register", args=[session.pk])).content.decode())
    external = [script for script in scripts if script.get("src")]
    assert [
        script for script in scripts if not script.get("src") and script.get("type") != "application/json"
    ] == []
    assert external and all(script.has_attr("defer") for script in external)
    names = {script_name(script["src"]) for script in external}
    assert names.isdisjoint(UNUSED_ON_REGISTER)
    assert {
        "wagtailadmin/js/vendor/jquery-3.6.0.min.js",
        "wagtailadmin/js/core.js",
        "wagtailadmin/js/sidebar.js",
    } <= names
    overview = client.get(reverse("courses_run_overview", args=[run.pk])).content.decode()
    assert set(UNUSED_ON_REGISTER) <= {
        script_name(script["src"]) for script in scripts_of(overview) if script.get("src")
    }


def test_register_refuses_a_tampered_person_and_saves_nothing(
    client, run, participants, coordinator_a, org_a
):
    stranger = PersonFactory(organisation=org_a)
    session = run.sessions.first()
    sign_in(client, coordinator_a)
    response = client.post(
        reverse("courses_session_register", args=[session.pk]),
        {f"mark-{participants[0].pk}": "present", f"mark-{stranger.pk}": "present"},
    )
    assert response.status_code == 200
    assert response.context["errors"]
    assert not Attendance.objects.exists()


def test_matrix_export_csv_and_xlsx_without_protected_names(client, run, participants, coordinator_a):
    session = run.sessions.order_by("starts_at").first()
    set_marks(session, {p.pk: "present" for p in participants}, coordinator_a)
    sign_in(client, coordinator_a)
    url = reverse("courses_run_overview", args=[run.pk])
    csv_text = client.get(url, {"export": "csv"}).content.decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert len(lines) == 4  # header and three people
    assert "Anna" in csv_text and "Bea" in csv_text
    assert "Cilla" not in csv_text and "Cedergren" not in csv_text
    response = client.get(url, {"export": "xlsx"})
    assert 'filename="attendance-run-' in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 4
    assert rows[1][-2] == "1/8"


def test_session_can_be_moved_and_cancelled_with_a_reason(client, run, coordinator_a):
    session = run.sessions.order_by("starts_at").first()
    sign_in(client, coordinator_a)
    url = reverse("courses_session_edit", args=[session.pk])
    response = client.post(
        url,
        {
            "unit_number": "1",
            "date": "2026-03-06",
            "start_time": "17:00",
            "end_time": "19:30",
            "status": "scheduled",
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M") == "2026-03-06 17:00"
    assert session.sequence == 1
    refused = client.post(
        url,
        {
            "unit_number": "1",
            "date": "2026-03-06",
            "start_time": "17:00",
            "end_time": "19:30",
            "status": "cancelled",
            "cancel_reason": "",
        },
    )
    assert refused.status_code == 200 and "cancel_reason" in refused.context["form"].errors
    response = client.post(
        url,
        {
            "unit_number": "1",
            "date": "2026-03-06",
            "start_time": "17:00",
            "end_time": "19:30",
            "status": "cancelled",
            "cancel_reason": "Lokalen är stängd",
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.is_cancelled and session.cancel_reason == "Lokalen är stängd" and session.sequence == 2
    assert Session.objects.filter(pk=session.pk).exists()  # kept, marked cancelled


def test_cancelling_a_session_in_the_admin_applies_the_completion_rule(client, run, coordinator_a, org_a):
    anna = PersonFactory(first_name="Anna", organisation=org_a)
    enrol(run, [anna])
    sessions = list(run.sessions.order_by("starts_at"))
    for session, mark in zip(sessions, ["present"] * 5 + ["absent"] + ["present"] * 2, strict=True):
        set_marks(session, {anna.pk: mark}, coordinator_a)
    assert not Completion.objects.filter(person=anna).exists()
    sixth = timezone.localtime(sessions[5].starts_at)
    sign_in(client, coordinator_a)
    response = client.post(
        reverse("courses_session_edit", args=[sessions[5].pk]),
        {
            "unit_number": "6",
            "date": sixth.date().isoformat(),
            "start_time": sixth.strftime("%H:%M"),
            "end_time": timezone.localtime(sessions[5].ends_at).strftime("%H:%M"),
            "status": "cancelled",
            "cancel_reason": "Cirkelledaren sjuk",
        },
    )
    assert response.status_code == 302
    assert Completion.objects.get(person=anna).completed_on == sessions[-1].local_date


def test_an_extra_session_can_be_added(client, run, coordinator_a):
    sign_in(client, coordinator_a)
    response = client.post(
        reverse("courses_session_add", args=[run.pk]),
        {"unit_number": "", "date": "2026-05-07", "start_time": "18:00", "end_time": "20:00"},
    )
    assert response.status_code == 302
    extra = run.sessions.get(unit_number__isnull=True)
    assert timezone.localtime(extra.ends_at).strftime("%H:%M") == "20:00"


def test_enrolling_twice_is_a_friendly_message(client, run, participants, coordinator_a, org_a):
    sign_in(client, coordinator_a)
    newcomer = PersonFactory(organisation=org_a)
    response = client.post(
        reverse("courses_run_enrol", args=[run.pk]), {"people": [newcomer.pk]}, follow=True
    )
    assert response.status_code == 200
    assert Enrolment.objects.filter(run=run, person=newcomer).count() == 1
    # Someone already enrolled is not offered, and posting her anyway is refused by the form.
    response = client.post(reverse("courses_run_enrol", args=[run.pk]), {"people": [newcomer.pk]})
    assert response.status_code == 200 and "people" in response.context["form"].errors
    assert Enrolment.objects.filter(run=run, person=newcomer).count() == 1


def test_withdraw_asks_first_and_keeps_the_enrolment(client, run, participants, coordinator_a):
    enrolment = Enrolment.objects.get(run=run, person=participants[0])
    sign_in(client, coordinator_a)
    url = reverse("courses_enrolment_withdraw", args=[enrolment.pk])
    assert client.get(url).status_code == 200
    enrolment.refresh_from_db()
    assert not enrolment.is_withdrawn
    assert client.post(url).status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.is_withdrawn and enrolment.withdrawn_on == timezone.localdate()


def test_makeup_form_records_a_catch_up(client, run, participants, coordinator_a):
    enrolment = Enrolment.objects.get(run=run, person=participants[1])
    sign_in(client, coordinator_a)
    url = reverse("courses_enrolment_makeup", args=[enrolment.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "unit_number": "2",
            "kind": "catch_up",
            "date": "2026-04-01",
            "led_by": "Cirkelledaren",
            "note": "Bra",
        },
    )
    assert response.status_code == 302
    makeup = MakeUp.objects.get(enrolment=enrolment)
    assert (makeup.unit_number, makeup.kind, makeup.date, makeup.recorded_by) == (
        2,
        "catch_up",
        datetime.date(2026, 4, 1),
        coordinator_a,
    )
    refused = client.post(url, {"unit_number": "3", "kind": "catch_up"})
    assert refused.status_code == 200 and "date" in refused.context["form"].errors


def test_makeup_form_books_a_session_in_another_run(client, course, run, participants, coordinator_a):
    later = make_run(course, datetime.date(2026, 9, 3), title="HT")
    other = later.sessions.get(unit_number=4)
    enrolment = Enrolment.objects.get(run=run, person=participants[0])
    sign_in(client, coordinator_a)
    response = client.post(
        reverse("courses_enrolment_makeup", args=[enrolment.pk]),
        {"unit_number": "4", "kind": "other_run", "session": other.pk, "attended": "on"},
    )
    assert response.status_code == 302
    assert Attendance.objects.get(session=other, person=participants[0]).mark == "present"
    # She is on that session's register as a guest.
    html = client.get(reverse("courses_session_register", args=[other.pk])).content.decode()
    assert f'name="mark-{participants[0].pk}"' in html


def test_another_organisation_gets_404_everywhere(client, run, participants, coordinator_b):
    session = run.sessions.first()
    enrolment = Enrolment.objects.get(run=run, person=participants[0])
    sign_in(client, coordinator_b)
    for url in (
        reverse("courses_run_overview", args=[run.pk]),
        reverse("courses_run:edit", args=[run.pk]),
        reverse("courses_run_enrol", args=[run.pk]),
        reverse("courses_session_add", args=[run.pk]),
        reverse("courses_session_edit", args=[session.pk]),
        reverse("courses_session_register", args=[session.pk]),
        reverse("courses_enrolment_withdraw", args=[enrolment.pk]),
        reverse("courses_enrolment_makeup", args=[enrolment.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert "Studiecirkel VT 2026" not in client.get(reverse("courses_run:index")).content.decode()
    response = client.post(
        reverse("courses_session_register", args=[session.pk]), {f"mark-{participants[0].pk}": "absent"}
    )
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_board_sees_the_overview_but_cannot_mark(client, run, participants, board_a):
    sign_in(client, board_a)
    assert client.get(reverse("courses_run_overview", args=[run.pk])).status_code == 200
    session = run.sessions.first()
    response = client.post(
        reverse("courses_session_register", args=[session.pk]), {f"mark-{participants[0].pk}": "present"}
    )
    assert response.status_code == 302  # Wagtail's permission-denied redirect
    assert not Attendance.objects.exists()


def test_volunteer_has_no_access_to_run_screens(client, run, volunteer_a):
    sign_in(client, volunteer_a)
    response = client.get(reverse("courses_run_overview", args=[run.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_booked_make_up_shows_in_the_matrix_and_the_form_offers_the_missed_unit(
    client, course, run, participants, coordinator_a, clock
):
    """Issue 18: a booked make-up left her "missing" the unit in the run's matrix, and the
    make-up form offered sessions of every unit instead of the one she missed."""
    from courses.attendance import record_makeup
    from courses.views.admin import progress_for_run_enrolment

    anna = participants[0]
    set_marks(run.sessions.get(unit_number=3), {anna.pk: "absent"}, coordinator_a)
    later = make_run(course, datetime.date(2026, 12, 1), title="Studiecirkel HT")  # weekly from 1 December
    booked = later.sessions.get(unit_number=3)
    day = timezone.localtime(booked.starts_at).date().isoformat()
    assert day > timezone.localdate().isoformat()  # still to come
    enrolment = Enrolment.objects.get(run=run, person=anna)
    sign_in(client, coordinator_a)
    form_url = reverse("courses_enrolment_makeup", args=[enrolment.pk])
    form = client.get(form_url, {"unit": "3"}).context["form"]
    assert [number for number, _label in form.fields["unit_number"].choices] == [3]
    assert list(form.fields["session"].queryset) == [booked]  # not units 1, 2, 4…
    record_makeup(enrolment, 3, coordinator_a, session=booked)

    overview = client.get(reverse("courses_run_overview", args=[run.pk])).content.decode()
    assert f"Frånvarande (tas igen {day})" in overview  # her cell in the matrix
    assert f"3 (tas igen {day})" in overview  # and beside the units she misses
    sheet = client.get(reverse("courses_run_overview", args=[run.pk]), {"export": "csv"}).content.decode()
    assert f"tas igen {day}" in sheet
    # Once that session is over without her, the unit is missing again and no longer booked.
    clock.move_to(booked.ends_at + datetime.timedelta(minutes=1))
    (progress,) = progress_for_run_enrolment(enrolment)
    unit = next(u for u in progress.units if u.number == 3)
    assert unit.is_missing and unit.booked_on is None
