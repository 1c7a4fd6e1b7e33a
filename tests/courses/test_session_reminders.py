"""Reminders the day before a session: for those who asked, once, of tomorrow's Stockholm
sessions; turned on and off by herself in My training."""

from __future__ import annotations

import datetime
import io
import zoneinfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from courses.attendance import enrol, record_makeup, save_session, withdraw
from courses.models import SessionReminder, SessionStatus
from courses.reminders import due_session_reminders, send_session_reminders
from tests.auth import sign_in
from tests.factories import PersonFactory, make_run

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


def run_on(course, first: datetime.date, start="18:00", end="20:30", title="Studiecirkel VT 2027"):
    return make_run(course, first, title=title, start=start, end=end)


@pytest.fixture
def people(org_a):
    return {
        "anna": PersonFactory(
            first_name="Anna", email="anna@example.org", organisation=org_a, session_reminders=True
        ),
        "bea": PersonFactory(first_name="Bea", email="bea@example.org", organisation=org_a),  # has not asked
        "lena": PersonFactory(
            first_name="Lena", email="lena@example.org", organisation=org_a, session_reminders=True
        ),
    }


def test_those_who_asked_get_one_email_of_tomorrows_session_once(course, people):
    run = run_on(course, datetime.date(2027, 3, 4))
    enrol(run, [people["anna"], people["bea"]])
    run.leaders.add(people["lena"])
    assert send_session_reminders(datetime.date(2027, 3, 3)) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.org", "lena@example.org"]
    message = next(m for m in mail.outbox if m.to == ["anna@example.org"])
    assert message.subject == "Påminnelse: din träff i morgon, torsdag 4 mars kl. 18.00"
    assert message.body.startswith("Hej Anna!\n\nDin träff i morgon:\n")
    assert "Studiecirkel – 1. Avsnitt 1 (Studiecirkel VT 2027)" in message.body
    assert "torsdag 4 mars 2027 kl. 18.00–20.30" in message.body
    assert "Plats: Lokalen" in message.body
    assert "http://testserver/min-utbildning/" in message.body
    assert "Lena" not in message.body  # no one else is named
    first = run.sessions.get(unit_number=1)
    apologise = f"Kan du inte komma? Anmäl förhinder: http://testserver/kurser/forhinder/{first.pk}/"
    assert apologise in message.body
    # The leader is reminded too, but has no register place to give apologies from.
    leader = next(m for m in mail.outbox if m.to == ["lena@example.org"])
    assert "förhinder" not in leader.body
    # Once only: the same day again, or the cron job run twice.
    mail.outbox.clear()
    assert send_session_reminders(datetime.date(2027, 3, 3)) == 0
    output = io.StringIO()
    call_command("send_session_reminders", "--on", "2027-03-03", stdout=output)
    assert output.getvalue() == "Queued reminders for 0 people.\n"
    assert mail.outbox == []
    assert SessionReminder.objects.count() == 2


def test_nothing_for_a_cancelled_session_a_withdrawal_someone_who_left_or_another_day(course, people, org_a):
    run = run_on(course, datetime.date(2027, 3, 4))
    left = PersonFactory(organisation=org_a, session_reminders=True, left_on=datetime.date(2027, 1, 31))
    enrol(run, [people["anna"], people["lena"], left])
    withdraw(run.enrolments.get(person=people["lena"]))
    assert [d.person for d in due_session_reminders(datetime.date(2027, 3, 3))] == [people["anna"]]
    assert due_session_reminders(datetime.date(2027, 3, 2)) == []  # the day after tomorrow
    first = run.sessions.order_by("starts_at").first()
    first.status, first.cancel_reason = SessionStatus.CANCELLED, "Sjuk"
    save_session(first)
    mail.outbox.clear()
    assert send_session_reminders(datetime.date(2027, 3, 3)) == 0 and mail.outbox == []


def test_a_make_up_guest_is_reminded_of_the_session_she_makes_up_at(course, people, coordinator_a):
    run = run_on(course, datetime.date(2027, 3, 4))
    other = run_on(course, datetime.date(2026, 9, 3), title="Studiecirkel HT 2026")
    enrol(other, [people["anna"]])
    record_makeup(
        other.enrolments.get(person=people["anna"]), 1, coordinator_a, session=run.sessions.get(unit_number=1)
    )
    (due,) = due_session_reminders(datetime.date(2027, 3, 3))
    assert due.person == people["anna"] and [s.run for s in due.sessions] == [run]
    assert due.on_register == {run.sessions.get(unit_number=1).pk}  # she may give apologies there


def test_a_session_moved_to_another_day_is_reminded_of_again(course, people):
    run = run_on(course, datetime.date(2027, 3, 4))
    enrol(run, [people["anna"]])
    send_session_reminders(datetime.date(2027, 3, 3))
    first = run.sessions.order_by("starts_at").first()
    first.starts_at += datetime.timedelta(days=1)
    first.ends_at += datetime.timedelta(days=1)
    save_session(first)
    mail.outbox.clear()
    assert send_session_reminders(datetime.date(2027, 3, 4)) == 1


def test_tomorrow_is_the_stockholm_date_on_the_daylight_saving_sunday(course, people, clock):
    """Sunday 28 March 2027 has 23 hours; a session early on Monday and one late on Sunday."""
    sunday = run_on(course, datetime.date(2027, 3, 28), start="10:00", end="12:30", title="Söndag")
    monday = run_on(course, datetime.date(2027, 3, 29), start="00:30", end="02:00", title="Måndag natt")
    enrol(sunday, [people["anna"]])
    enrol(monday, [people["lena"]])
    clock.move_to(datetime.datetime(2027, 3, 27, 23, 30, tzinfo=STOCKHOLM))
    (due,) = due_session_reminders(datetime.date(2027, 3, 27))
    assert due.person == people["anna"]
    call_command("send_session_reminders", "--on", "2027-03-28", stdout=io.StringIO())
    (message,) = [m for m in mail.outbox if m.to == ["lena@example.org"]]
    assert "måndag 29 mars 2027 kl. 00.30–02.00" in message.body


def test_new_years_eve_reminds_of_new_years_day(course, people, clock):
    run = run_on(course, datetime.date(2027, 1, 1), start="11:00", end="13:30")
    enrol(run, [people["anna"]])
    clock.move_to(datetime.datetime(2026, 12, 31, 23, 30, tzinfo=STOCKHOLM))
    assert send_session_reminders() == 1
    assert "fredag 1 januari 2027 kl. 11.00–13.30" in mail.outbox[0].body


def test_she_turns_her_own_reminders_on_and_off_in_my_training(client, people):
    bea = people["bea"]
    sign_in(client, bea)
    page = client.get(reverse("my_training")).content.decode()
    assert "Påminn mig dagen före" in page
    response = client.post(reverse("courses_session_reminders"), {"on": "1", "next": "/min-utbildning/"})
    assert response.status_code == 302 and response["Location"] == "/min-utbildning/"
    bea.refresh_from_db()
    assert bea.session_reminders
    assert "Sluta skicka påminnelser" in client.get(reverse("my_training")).content.decode()
    client.post(reverse("courses_session_reminders"), {"on": "0", "next": "https://evil.example/"})
    bea.refresh_from_db()
    assert not bea.session_reminders
    # Malformed input changes nothing; a GET is refused.
    client.post(reverse("courses_session_reminders"), {"on": "yes"})
    bea.refresh_from_db()
    assert not bea.session_reminders
    assert client.get(reverse("courses_session_reminders")).status_code == 405
    people["anna"].refresh_from_db()
    assert people["anna"].session_reminders  # only her own


def test_the_toggle_needs_login_and_csrf(client, people):
    assert client.post(reverse("courses_session_reminders"), {"on": "1"}).status_code == 302
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    sign_in(strict, people["bea"])
    assert strict.post(reverse("courses_session_reminders"), {"on": "1"}).status_code == 403
    people["bea"].refresh_from_db()
    assert not people["bea"].session_reminders
