"""Apologies in advance (anmäla förhinder): a participant gives them from My training before the
coming_session begins, with a note; the register opens with her excused; she can take them back; a
coordinator records one phoned in through the register before the start."""

import datetime

import pytest
from django.urls import reverse

from courses.attendance import CLEAR, AttendanceError, report_apology, set_marks
from courses.models import Attendance, Mark, SessionStatus
from courses.signals import apology_reported
from tests.auth import sign_in
from tests.factories import PersonFactory, make_course, make_run

FIRST = datetime.date(2026, 12, 3)  # tests/courses/conftest.py COMING: the coming run's first day


@pytest.fixture
def received():
    calls = []

    def receiver(sender, attendance, **kwargs):
        calls.append(attendance)

    apology_reported.connect(receiver, dispatch_uid="test_apology_received")
    yield calls
    apology_reported.disconnect(dispatch_uid="test_apology_received")


def url(coming_session):
    return reverse("courses_apologise", args=[coming_session.pk])


def test_she_gives_apologies_with_a_note_and_the_leaders_are_told_on_commit(
    client, coming_session, coming_anna, received, django_capture_on_commit_callbacks
):
    sign_in(client, coming_anna)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url(coming_session), {"note": "Sjuk, hoppas vara tillbaka nästa vecka."})
    assert response.status_code == 302 and response["Location"] == url(coming_session)
    attendance = Attendance.objects.get(session=coming_session, person=coming_anna)
    assert (attendance.mark, attendance.marked_by) == (Mark.EXCUSED, coming_anna)
    assert attendance.note == "Sjuk, hoppas vara tillbaka nästa vecka."
    assert len(callbacks) == 1 and received == [attendance]
    row = attendance.history.latest()
    assert (row.history_user, row.history_change_reason, row.mark) == (coming_anna, "apology", "excused")
    page = client.get(url(coming_session)).content.decode()
    assert "Du har anmält förhinder till den här träffen." in page
    assert "Ta tillbaka min anmälan" in page


def test_she_is_shown_where_to_make_up_the_unit(client, org_a, coming_session, coming_run, coming_anna):
    later = make_run(coming_run.course, FIRST + datetime.timedelta(days=1), title="Studiecirkel torsdag")
    sign_in(client, coming_anna)
    client.post(url(coming_session), {"note": ""})
    page = client.get(url(coming_session)).content.decode()
    assert "Så tar du igen avsnitt 1" in page
    assert "Studiecirkel torsdag" in page
    assert later.sessions.filter(unit_number=1).exists()


def test_the_note_is_bounded(client, coming_session, coming_anna):
    sign_in(client, coming_anna)
    response = client.post(url(coming_session), {"note": "x" * 501})
    assert response.status_code == 200
    assert not Attendance.objects.exists()


def test_after_the_start_it_is_refused_and_nothing_changes(client, clock, coming_session, coming_anna):
    clock.move_to(coming_session.starts_at + datetime.timedelta(minutes=1))
    sign_in(client, coming_anna)  # logged in after the move
    page = client.get(url(coming_session)).content.decode()
    assert "Träffen har redan börjat" in page
    assert 'name="note"' not in page
    response = client.post(url(coming_session), {"note": "För sent"}, follow=True)
    assert "Träffen har redan börjat" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_cancelled_session_is_refused(client, coming_session, coming_anna):
    coming_session.status, coming_session.cancel_reason = SessionStatus.CANCELLED, "Ledaren är sjuk"
    coming_session.save()
    sign_in(client, coming_anna)
    client.post(url(coming_session), {"note": ""})
    assert not Attendance.objects.exists()
    assert "Träffen är inställd" in client.get(url(coming_session)).content.decode()


def test_not_on_the_register_or_another_organisation_gives_404(
    client, org_a, org_b, coming_session, coming_run, coming_anna
):
    other_run = make_run(coming_run.course, FIRST, title="Andra cirkeln")
    foreign = make_run(make_course(org_b), FIRST, title="Deras cirkel")
    sign_in(client, coming_anna)
    for target in (other_run.sessions.first(), foreign.sessions.first()):
        assert client.get(url(target)).status_code == 404
        assert client.post(url(target), {"note": ""}).status_code == 404
    assert not Attendance.objects.exists()
    stranger = PersonFactory(organisation=org_a)
    with pytest.raises(AttendanceError):
        report_apology(coming_session, stranger)


def test_she_takes_it_back_before_the_start_but_not_after(client, clock, coming_session, coming_anna):
    sign_in(client, coming_anna)
    client.post(url(coming_session), {"note": "Kanske"})
    client.post(url(coming_session), {"withdraw": "1"})
    assert not Attendance.objects.exists()
    deleted = Attendance.history.filter(history_type="-").get()
    assert (deleted.history_user, deleted.history_change_reason) == (coming_anna, "apology withdrawn")
    client.post(url(coming_session), {"note": "Ändå inte"})
    clock.move_to(coming_session.starts_at + datetime.timedelta(minutes=5))
    sign_in(client, coming_anna)  # a week later: a new login
    assert (
        "Träffen har redan börjat"
        in client.post(url(coming_session), {"withdraw": "1"}, follow=True).content.decode()
    )
    assert Attendance.objects.get().mark == Mark.EXCUSED


def test_my_training_links_her_coming_sessions_but_not_those_she_only_leads(
    client, org_a, coming_run, coming_anna
):
    led = make_run(coming_run.course, FIRST, title="Cirkeln hon leder")
    led.leaders.add(coming_anna)
    sign_in(client, coming_anna)
    page = client.get(reverse("my_training")).content.decode()
    for coming_session in coming_run.sessions.all()[:3]:
        assert url(coming_session) in page
    assert url(led.sessions.first()) not in page
    assert "Anmäl förhinder" in page
    report_apology(coming_run.sessions.order_by("starts_at").first(), coming_anna)
    assert "Du har anmält förhinder." in client.get(reverse("my_training")).content.decode()


def test_the_register_opens_with_her_excused_and_her_note(client, coming_session, coming_anna, coordinator_a):
    report_apology(coming_session, coming_anna, "Jobbar kväll")
    sign_in(client, coordinator_a)
    page = client.get(reverse("courses_session_register", args=[coming_session.pk])).content.decode()
    assert f'name="mark-{coming_anna.pk}" value="excused" checked' in page
    assert "Jobbar kväll" in page
    assert "Närvaro kan markeras när träffen har börjat." in page
    assert f'name="mark-{coming_anna.pk}" value="present" disabled' in page
    assert f'name="mark-{coming_anna.pk}" value="excused" checked>' in page  # enabled


def test_a_coordinator_records_a_phoned_in_apology_before_the_start(
    client, clock, coming_session, coming_anna, coordinator_a, received, django_capture_on_commit_callbacks
):
    sign_in(client, coordinator_a)
    register = reverse("courses_session_register", args=[coming_session.pk])
    response = client.post(register, {f"mark-{coming_anna.pk}": "present"})
    assert response.status_code == 200 and not Attendance.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(register, {f"mark-{coming_anna.pk}": "excused"}).status_code == 302
    attendance = Attendance.objects.get()
    assert (attendance.mark, attendance.marked_by) == (Mark.EXCUSED, coordinator_a)
    assert received == [attendance]  # the circle leaders are told, as of her own apology
    client.post(register, {f"mark-{coming_anna.pk}": CLEAR})
    assert not Attendance.objects.exists()
    clock.move_to(coming_session.starts_at + datetime.timedelta(minutes=1))
    sign_in(client, coordinator_a)  # a week later: a new login
    assert client.post(register, {f"mark-{coming_anna.pk}": "present"}).status_code == 302
    assert Attendance.objects.get().mark == Mark.PRESENT


def test_clearing_before_the_start_leaves_a_check_in_alone(coming_session, coming_anna, coordinator_a):
    Attendance.objects.create(
        session=coming_session, person=coming_anna, mark=Mark.PRESENT, marked_by=coming_anna
    )
    assert set_marks(coming_session, {coming_anna.pk: CLEAR}, coordinator_a) == 0
    assert Attendance.objects.get().mark == Mark.PRESENT
    with pytest.raises(AttendanceError):
        set_marks(coming_session, {coming_anna.pk: Mark.ABSENT}, coordinator_a)
