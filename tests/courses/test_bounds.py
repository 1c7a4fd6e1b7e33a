"""Bounds on the dates and numbers of runs, sessions, make-ups and course pages, and a calendar
feed that still answers when a session outside them is in the database."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from courses.attendance import enrol
from courses.ical import feed_token, token_of
from courses.models import CourseRun, Enrolment, FeedKind, LessonPage, MakeUp, Session
from tests.auth import sign_in
from tests.factories import PersonFactory
from tests.security.test_fuzz_inputs import context_fields, html_forms, scripted

SWEDISH_BOUNDS = "ligger utanför de datum som går att ange: ange ett datum från 1900-01-01 till 2100-12-31."
UTC = datetime.UTC


def post_sv(client, url, data):
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE="sv")


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2101-01-01"])
def test_a_session_cannot_be_moved_outside_the_bounds(client, run, coordinator_a, day):
    session = run.sessions.order_by("starts_at").first()
    before = Session.objects.values().get(pk=session.pk)
    sign_in(client, coordinator_a)
    data = {
        "unit_number": "1",
        "date": day,
        "start_time": "18:00",
        "end_time": "20:00",
        "status": "scheduled",
    }
    response = post_sv(client, reverse("courses_session_edit", args=[session.pk]), data)
    assert response.status_code == 200
    assert f"{day} {SWEDISH_BOUNDS}" in response.content.decode()
    assert Session.objects.values().get(pk=session.pk) == before


def test_an_extra_session_outside_the_bounds_is_not_added(client, run, coordinator_a):
    sign_in(client, coordinator_a)
    count = run.sessions.count()
    data = {"unit_number": "", "date": "0001-01-01", "start_time": "00:30", "end_time": "01:00"}
    response = post_sv(client, reverse("courses_session_add", args=[run.pk]), data)
    assert response.status_code == 200 and SWEDISH_BOUNDS in response.content.decode()
    assert run.sessions.count() == count


RUN = {
    "title": "Studiecirkel",
    "location": "Lokalen",
    "start_time": "18:00",
    "end_time": "20:30",
    "every_days": "7",
}


def test_a_run_cannot_start_or_end_outside_the_bounds(client, course, coordinator_a):
    sign_in(client, coordinator_a)
    url = reverse("courses_run:add")
    response = post_sv(client, url, {**RUN, "course": course.pk, "first_session_date": "9999-12-31"})
    assert response.status_code == 200 and f"9999-12-31 {SWEDISH_BOUNDS}" in response.content.decode()
    # Eight weekly sessions from 2100-12-20 would end in 2101.
    response = post_sv(client, url, {**RUN, "course": course.pk, "first_session_date": "2100-12-20"})
    assert response.status_code == 200
    assert "Den sista träffen skulle bli 2101-02-07, efter 2100-12-31." in response.content.decode()
    assert not CourseRun.objects.exists() and not Session.objects.exists()
    # The control: the last eight weeks that fit.
    response = post_sv(client, url, {**RUN, "course": course.pk, "first_session_date": "2100-11-05"})
    assert response.status_code == 302
    last = Session.objects.order_by("starts_at").last()
    assert timezone.localtime(last.starts_at).date() == datetime.date(2100, 12, 24)


def test_a_catch_up_date_outside_the_bounds_is_refused(client, run, coordinator_a, org_a):
    person = PersonFactory(organisation=org_a)
    enrol(run, [person])
    enrolment = Enrolment.objects.get(run=run, person=person)
    sign_in(client, coordinator_a)
    data = {"unit_number": "2", "kind": "catch_up", "date": "9999-12-31", "led_by": "Cirkelledaren"}
    response = post_sv(client, reverse("courses_enrolment_makeup", args=[enrolment.pk]), data)
    assert response.status_code == 200 and f"9999-12-31 {SWEDISH_BOUNDS}" in response.content.decode()
    assert not MakeUp.objects.exists()


def test_a_feed_leaves_out_a_session_it_cannot_hold_and_keeps_answering(client, run, coordinator_a):
    """A session moved to 9999-12-31 (written before the bounds, or by hand) used to make every
    subscriber's feed answer 500."""
    sessions = list(run.sessions.order_by("starts_at"))
    outside = {
        sessions[0]: (
            datetime.datetime(9999, 12, 31, 17, tzinfo=UTC),
            datetime.datetime(9999, 12, 31, 19, tzinfo=UTC),
        ),
        # Past the end of what a datetime holds in Stockholm's time (year 10000 there).
        sessions[1]: (
            datetime.datetime(9999, 12, 31, 23, 30, tzinfo=UTC),
            datetime.datetime(9999, 12, 31, 23, 45, tzinfo=UTC),
        ),
        sessions[2]: (
            datetime.datetime(1, 1, 1, 0, 30, tzinfo=UTC),
            datetime.datetime(1, 1, 1, 1, tzinfo=UTC),
        ),
    }
    for session, (starts_at, ends_at) in outside.items():
        Session.objects.filter(pk=session.pk).update(starts_at=starts_at, ends_at=ends_at)
    feed = feed_token(coordinator_a, FeedKind.RUN, run=run)
    response = client.get(reverse("courses_calendar_feed", args=[token_of(feed)]))
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert {str(event["UID"]) for event in events} == {f"{s.uid}@jourutbildning" for s in sessions[3:]}
    for event in events:
        assert event.decoded("dtstart").astimezone(ZoneInfo("Europe/Stockholm")).strftime("%H:%M") == "18:00"
    # The one-session download answers too, with no event in it.
    sign_in(client, coordinator_a)
    for session in outside:
        response = client.get(reverse("courses_session_ics", args=[session.pk]))
        assert response.status_code == 200
        assert not icalendar.Calendar.from_ical(response.content).walk("VEVENT")


def editor_data(client, page) -> tuple[str, dict[str, list[str]]]:
    """The page editor's form as a browser would send it back unchanged."""
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    response = client.get(url)
    forms = [f for f in html_forms(url, response.content.decode()) if f[0] == "post" and f[1] == url]
    _method, _action, baseline, _inputs = max(forms, key=lambda f: len(f[2]))
    data: dict[str, list[str]] = {}
    for name, value in scripted(baseline, context_fields(response)):
        data.setdefault(name, []).append(value)
    return url, data


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("units-0-hours", "1000", "Säkerställ att det inte är mer än 3 siffror före decimalavskiljaren."),
        ("units-0-hours", "0", "Kontrollera att detta värde är större än eller lika med 0,25."),
        ("units-0-hours", "sNaN", "Fyll i ett tal."),  # a signalling NaN used to be a server error
        ("units-0-number", "101", "Kontrollera att detta värde är mindre än eller lika med 100."),
        ("units-0-number", "99999999999", "Kontrollera att detta värde är mindre än eller lika med 100."),
        ("max_missed_units", "51", "Kontrollera att detta värde är mindre än eller lika med 50."),
    ],
)
def test_the_course_editor_bounds_its_numbers(client, course, superuser, field, value, message):
    sign_in(client, superuser)
    url, data = editor_data(client, course)
    assert field in data
    response = client.post(url, {**data, field: value}, HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["form"].errors or any(
        form.errors for formset in response.context["form"].formsets.values() for form in formset.forms
    )


def test_the_lesson_editor_bounds_the_unit_number(client, course, superuser):
    lesson = course.add_child(instance=LessonPage(title="Träff 1", slug="traff-1", unit_number=1))
    sign_in(client, superuser)
    url, data = editor_data(client, lesson)
    response = client.post(url, {**data, "unit_number": "101"}, HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 200
    assert "Kontrollera att detta värde är mindre än eller lika med 100." in response.content.decode()
    lesson.refresh_from_db()
    assert lesson.unit_number == 1
