"""Issue 18: the admin's start page shows a coordinator what is waiting for her: her next
sessions to lead (14 days), the registers nobody has taken (held, not cancelled, people on the
register, no marks), who loses a clearance within 30 days and the overdue actions; each panel
links to its screen, dates are days, only her organisation's rows, in a fixed number of queries."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.attendance import enrol, record_makeup, set_marks
from courses.duties import registers_not_taken, sessions_to_lead
from courses.models import Session, SessionStatus
from tests.auth import sign_in
from tests.factories import PersonFactory, make_course, make_run

TOMORROW = datetime.date(2026, 11, 26)  # the clock is at Wednesday 2026-11-25 14:00
PAST = datetime.date(2026, 3, 5)  # eight sessions, all held by April


@pytest.fixture
def world(org_a, org_b, coordinator_a):
    course = make_course(org_a)
    led = make_run(course, TOMORROW, title="Cirkel HT Ledd")  # 11-26, 12-03 within 14 days
    led.leaders.add(coordinator_a)
    other = make_run(course, TOMORROW, title="Cirkel HT Annan")  # she does not lead it
    past = make_run(course, PAST, title="Cirkel VT")
    people = PersonFactory.create_batch(2, organisation=org_a)
    enrol(past, people)
    make_run(course, PAST, title="Cirkel VT Tom")  # nobody on its registers
    course_b = make_course(org_b)
    foreign = make_run(course_b, PAST, title="Annan jour VT")
    enrol(foreign, PersonFactory.create_batch(1, organisation=org_b))
    foreign_led = make_run(course_b, TOMORROW, title="Annan jour HT")
    foreign_led.leaders.add(coordinator_a)
    return {"led": led, "other": other, "past": past, "people": people}


def test_her_sessions_to_lead_are_hers_in_the_next_14_days(world, coordinator_a):
    led = world["led"]
    cancelled = led.sessions.order_by("starts_at")[1]
    found = list(sessions_to_lead(coordinator_a, timezone.now()))
    assert [(s.run.title, timezone.localtime(s.starts_at).date()) for s in found] == [
        ("Cirkel HT Ledd", TOMORROW),
        ("Cirkel HT Ledd", datetime.date(2026, 12, 3)),
    ]
    Session.objects.filter(pk=cancelled.pk).update(status=SessionStatus.CANCELLED, cancel_reason="Sjuk")
    assert [s.pk for s in sessions_to_lead(coordinator_a, timezone.now())] == [found[0].pk]


def test_registers_not_taken_are_held_unmarked_with_people(world, org_a, coordinator_a):
    past = world["past"]
    sessions = list(past.sessions.order_by("starts_at"))
    set_marks(sessions[0], {world["people"][0].pk: "present"}, coordinator_a)  # taken
    Session.objects.filter(pk=sessions[1].pk).update(status=SessionStatus.CANCELLED, cancel_reason="Sjuk")
    found = list(registers_not_taken(org_a.pk, timezone.now()))
    assert {s.pk for s in found} == {s.pk for s in sessions[2:]}
    assert [s.starts_at for s in found] == sorted((s.starts_at for s in found), reverse=True)
    assert list(registers_not_taken(None, timezone.now())) == []


def test_a_make_up_guest_puts_a_register_on_the_list(org_a, coordinator_a):
    course = make_course(org_a)
    hers = make_run(course, PAST, title="Hennes")
    person = PersonFactory(organisation=org_a)
    enrol(hers, [person])
    elsewhere = make_run(course, datetime.date(2026, 9, 3), title="Utan deltagare")
    session = elsewhere.sessions.get(unit_number=3)
    for held in hers.sessions.all():  # her own run's registers are all taken
        set_marks(held, {person.pk: "absent"}, coordinator_a)
    record_makeup(hers.enrolments.get(), 3, coordinator_a, session=session)
    assert [s.pk for s in registers_not_taken(org_a.pk, timezone.now())] == [session.pk]


def panels(client, user) -> tuple[set[str], str]:
    sign_in(client, user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    return {panel.name for panel in response.context["panels"]}, response.content.decode()


def test_the_start_page_shows_her_panels_with_links_and_days(client, world, coordinator_a, board_a):
    names, html = panels(client, coordinator_a)
    assert {"sessions_to_lead", "registers_not_taken", "expiring_clearance", "overdue_actions"} <= names
    assert "Dina träffar att leda de närmaste 14 dagarna" in html
    assert "tors 2026-11-26" in html and "Cirkel HT Ledd" in html  # a day, not "om 1 dag"
    assert "Annan jour" not in html and "Cirkel HT Annan" not in html
    assert reverse("courses_run_overview", args=[world["led"].pk]) in html
    register = reverse("courses_session_register", args=[world["past"].sessions.order_by("starts_at")[7].pk])
    assert register in html and "Närvarolistor som inte fyllts i" in html
    assert reverse("certifications_board") in html and reverse("quality_action:index") in html
    names, html = panels(client, board_a)  # the board takes no registers
    assert "registers_not_taken" not in names and "expiring_clearance" in names


def test_the_start_page_asks_the_same_number_of_queries_for_more_runs(client, world, org_a, coordinator_a):
    sign_in(client, coordinator_a)
    client.get(reverse("wagtailadmin_home"))

    def count() -> int:
        cache.clear()  # the panels made afresh, not taken from the cache (the expiring panel's)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("wagtailadmin_home")).status_code == 200
        return len(queries)

    before = count()
    course = make_course(org_a, title="Mer")
    for n in range(3):
        run = make_run(course, TOMORROW if n % 2 else PAST, title=f"Extra {n}")
        run.leaders.add(coordinator_a)
        enrol(run, PersonFactory.create_batch(2, organisation=org_a))
    assert count() == before
