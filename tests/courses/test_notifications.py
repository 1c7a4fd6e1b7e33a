"""Changes reach people: cancelling, moving or reinstating a session emails everyone it concerns
(participants, those making up that unit there, the leaders), in Swedish, one message each,
with the session as an .ics file."""

from __future__ import annotations

import datetime
import zoneinfo

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from courses.attendance import enrol, record_makeup, save_session, withdraw
from courses.models import SessionStatus
from courses.notifications import people_concerned
from tests.auth import sign_in
from tests.factories import PersonFactory, make_run

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
#: A Thursday to come; the run's eight weekly sessions are all ahead of the clock.
FIRST = datetime.date(2027, 3, 4)


@pytest.fixture
def coming(course, org_a):
    """A coming run with a leader, two participants (one with a protected identity), one who
    withdrew, one who has left, one switched off, and a guest making up unit 1 from another run."""
    run = make_run(course, FIRST, title="Studiecirkel VT 2027")
    leader = PersonFactory(first_name="Lena", email="lena@example.org", organisation=org_a)
    run.leaders.add(leader)
    anna = PersonFactory(first_name="Anna", email="anna@example.org", organisation=org_a)
    cilla = PersonFactory(
        first_name="Cilla", email="cilla@example.org", organisation=org_a, protected_identity=True
    )
    gone = PersonFactory(first_name="Gun", email="gun@example.org", organisation=org_a)
    left = PersonFactory(
        first_name="Lisa", email="lisa@example.org", organisation=org_a, left_on=datetime.date(2026, 6, 30)
    )
    off = PersonFactory(first_name="Olga", email="olga@example.org", organisation=org_a, is_active=False)
    enrol(run, [anna, cilla, gone, left, off])
    withdraw(run.enrolments.get(person=gone))
    other = make_run(course, datetime.date(2026, 9, 3), title="Studiecirkel HT 2026")
    guest = PersonFactory(first_name="Greta", email="greta@example.org", organisation=org_a)
    bystander = PersonFactory(first_name="Berit", email="berit@example.org", organisation=org_a)
    enrol(other, [guest, bystander])
    first = run.sessions.order_by("starts_at").first()
    record_makeup(other.enrolments.get(person=guest), 1, leader, session=first)
    return run


def first_session(run):
    return run.sessions.order_by("starts_at").first()


def cancel(session, reason="Cirkelledaren är sjuk"):
    session.status, session.cancel_reason = SessionStatus.CANCELLED, reason
    return save_session(session)


def move(session, days=7, hour=None):
    local = timezone.localtime(session.starts_at)
    length = session.ends_at - session.starts_at
    new = (local + datetime.timedelta(days=days)).replace(tzinfo=None)
    if hour is not None:
        new = new.replace(hour=hour)
    session.starts_at = new.replace(tzinfo=STOCKHOLM)
    session.ends_at = session.starts_at + length
    return save_session(session)


EVERYONE = ["anna@example.org", "cilla@example.org", "greta@example.org", "lena@example.org"]


def test_everyone_concerned_is_told_one_message_each_and_no_one_else(coming):
    cancel(first_session(coming))
    assert sorted(m.to[0] for m in mail.outbox) == EVERYONE
    for message in mail.outbox:
        assert len(message.to) == 1 and message.cc == [] and message.bcc == []
        others = [email for email in EVERYONE if email != message.to[0]]
        assert not any(email in message.message().as_string() for email in others)
    # Cilla (protected identity) is named to nobody but herself.
    assert [m.to[0] for m in mail.outbox if "Cilla" in m.body] == ["cilla@example.org"]


def test_a_make_up_guest_is_told_only_of_the_session_she_makes_up_at(coming):
    second = coming.sessions.order_by("starts_at")[1]
    cancel(second)
    assert "greta@example.org" not in [m.to[0] for m in mail.outbox]
    assert "berit@example.org" not in [m.to[0] for m in mail.outbox]


def test_the_recipients_are_one_query(coming, django_assert_num_queries):
    session = first_session(coming)
    with django_assert_num_queries(1):
        people = list(people_concerned(session, timezone.localdate()))
    assert sorted(p.email for p in people) == EVERYONE


def test_a_cancellation_in_swedish_with_the_reason_and_the_cancelled_event(coming):
    session = cancel(first_session(coming))
    message = next(m for m in mail.outbox if m.to == ["anna@example.org"])
    assert message.subject == "Inställd: Studiecirkel – 1. Avsnitt 1, torsdag 4 mars 2027"
    assert message.body.startswith("Hej Anna!\n\nTräffen är inställd:\n")
    assert "torsdag 4 mars 2027 kl. 18.00–20.30" in message.body
    assert "Anledning: Cirkelledaren är sjuk" in message.body
    assert "http://testserver/min-utbildning/" in message.body
    (filename, content, mimetype) = message.attachments[0]
    assert (filename, mimetype) == ("traff.ics", "text/calendar")
    calendar = icalendar.Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(event["UID"]) == f"{session.uid}@jourutbildning"
    assert int(event["SEQUENCE"]) == session.sequence == 1
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]).startswith("INSTÄLLD: ")


def test_a_move_says_the_new_time_and_the_old_one(coming):
    session = move(first_session(coming))
    message = next(m for m in mail.outbox if m.to == ["lena@example.org"])
    assert message.subject == "Ny tid: Studiecirkel – 1. Avsnitt 1, torsdag 11 mars 2027"
    assert "Ny tid: torsdag 11 mars 2027 kl. 18.00–20.30" in message.body
    assert "Tidigare: torsdag 4 mars 2027 kl. 18.00–20.30" in message.body
    assert "Plats: Lokalen" in message.body
    (event,) = icalendar.Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")
    assert str(event["STATUS"]) == "CONFIRMED" and int(event["SEQUENCE"]) == session.sequence
    assert event.decoded("DTSTART") == datetime.datetime(2027, 3, 11, 18, 0, tzinfo=STOCKHOLM)
    assert session.moved_from == datetime.datetime(2027, 3, 4, 18, 0, tzinfo=STOCKHOLM)


def test_a_move_onto_the_daylight_saving_sunday_keeps_the_wall_clock_time(coming):
    session = coming.sessions.order_by("starts_at")[3]  # 2027-03-25
    move(session, days=3)
    message = next(m for m in mail.outbox if m.to == ["anna@example.org"])
    assert "Ny tid: söndag 28 mars 2027 kl. 18.00–20.30" in message.body
    (event,) = icalendar.Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")
    assert event.decoded("DTSTART") == datetime.datetime(2027, 3, 28, 18, 0, tzinfo=STOCKHOLM)
    assert event.decoded("DTSTART").utcoffset() == datetime.timedelta(hours=2)


def test_reinstating_tells_everyone_again(coming):
    session = cancel(first_session(coming))
    mail.outbox.clear()
    session.status, session.cancel_reason = SessionStatus.SCHEDULED, ""
    save_session(session)
    message = next(m for m in mail.outbox if m.to == ["anna@example.org"])
    assert message.subject.startswith("Blir av igen: ")
    assert "Tid: torsdag 4 mars 2027 kl. 18.00–20.30" in message.body
    assert len(mail.outbox) == 4


def test_nothing_is_sent_for_what_changes_nothing_for_them(coming, run):
    session = cancel(first_session(coming))
    mail.outbox.clear()
    session.cancel_reason = "Annan anledning"  # a reason reworded
    save_session(session)
    past = first_session(run)  # a session in the spring of 2026: the records corrected
    enrol(run, [PersonFactory(organisation=run.organisation)])
    move(past, days=1)
    assert mail.outbox == []


def test_the_coordinator_cancels_in_the_admin_and_everyone_is_told(client, coming, coordinator_a):
    session = first_session(coming)
    sign_in(client, coordinator_a)
    response = client.post(
        reverse("courses_session_edit", args=[session.pk]),
        {
            "unit_number": "1",
            "date": "2027-03-04",
            "start_time": "18:00",
            "end_time": "20:30",
            "status": "cancelled",
            "cancel_reason": "Lokalen är stängd",
        },
    )
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == EVERYONE
    assert all("Anledning: Lokalen är stängd" in m.body for m in mail.outbox)


# Apologies in advance: the contract with the apology screens (courses.signals.apology_reported) --


def apology(run, person, mark="excused"):
    from courses.models import Attendance

    return Attendance.objects.create(session=first_session(run), person=person, mark=mark)


def test_an_apology_is_told_to_the_leaders_only_with_her_note(coming):
    from courses.signals import apology_reported

    anna = coming.enrolments.get(person__first_name="Anna").person
    anna.phone = "070-123 45 67"
    anna.save()
    apology_reported.send(sender=None, attendance=apology(coming, anna), note="Jag är bortrest.")
    (message,) = mail.outbox
    assert message.to == ["lena@example.org"]
    assert message.subject == "Förhinder till träffen torsdag 4 mars kl. 18.00"
    assert f"{anna.get_full_name()} har anmält förhinder till träffen:" in message.body
    assert "Studiecirkel – 1. Avsnitt 1 (Studiecirkel VT 2027)" in message.body
    assert "torsdag 4 mars 2027 kl. 18.00–20.30" in message.body
    assert "Hennes meddelande: Jag är bortrest." in message.body
    # Her name, as in the register, and nothing else about her.
    assert anna.email not in message.message().as_string() and "070" not in message.body
    assert "Anna" not in message.subject


def test_an_apology_of_a_protected_identity_names_her_nowhere(coming):
    """An email leaves the system: neither her name nor her note (which may tell who she is)."""
    from courses.signals import apology_reported

    cilla = coming.enrolments.get(person__first_name="Cilla").person
    apology_reported.send(sender=None, attendance=apology(coming, cilla), note="Jag är hos mamma i Luleå.")
    (message,) = mail.outbox
    assert message.to == ["lena@example.org"]
    assert "En deltagare med skyddade personuppgifter har anmält förhinder till träffen:" in message.body
    assert cilla.first_name not in message.body and cilla.last_name not in message.body
    assert "Luleå" not in message.body and cilla.email not in message.message().as_string()
    assert "Vem hon är och hennes meddelande finns i närvarolistan." in message.body


def test_an_apology_without_a_note_and_a_mark_that_is_no_apology(coming):
    from courses.signals import apology_reported

    anna = coming.enrolments.get(person__first_name="Anna").person
    apology_reported.send(sender=None, attendance=apology(coming, anna))
    (message,) = mail.outbox
    assert "Hennes meddelande" not in message.body
    mail.outbox.clear()
    apology_reported.send(sender=None, attendance=apology(coming, coming.leaders.get(), mark="absent"))
    assert mail.outbox == []


def test_a_leader_who_has_left_is_not_told(coming):
    from courses.signals import apology_reported

    coming.leaders.update(left_on=datetime.date(2026, 10, 1))
    anna = coming.enrolments.get(person__first_name="Anna").person
    apology_reported.send(sender=None, attendance=apology(coming, anna))
    assert mail.outbox == []
