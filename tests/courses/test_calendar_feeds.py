"""Calendar feeds: parsed by two independent libraries, local times across daylight-saving
changes, stable UIDs, SEQUENCE and STATUS, conditional requests, and the secret links."""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from ical.calendar_stream import IcsCalendarStream
from wagtail.models import Site

from courses.attendance import enrol
from courses.ical import feed_token, token_of
from courses.models import FeedKind, LessonPage, SessionStatus
from courses.scheduling import generate_sessions
from tests.auth import sign_in
from tests.factories import PersonFactory, make_course, make_run

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def setting(org_a):
    course = make_course(org_a, title="Studiecirkel")
    course.add_child(instance=LessonPage(title="Träff 1", slug="traff-1", unit_number=1))
    run = make_run(course, datetime.date(2026, 10, 15), title="Studiecirkel HT 2026")  # across the end of DST
    anna = PersonFactory(
        email="anna@example.org", first_name="Anna", last_name="Annorlunda", organisation=org_a
    )
    bea = PersonFactory(email="bea@example.org", first_name="Bea", organisation=org_a)
    enrol(run, [anna, bea])
    return {"course": course, "run": run, "anna": anna, "bea": bea}


def feed_url(person, reset=False):
    return reverse(
        "courses_calendar_feed", args=[token_of(feed_token(person, FeedKind.MY_SESSIONS, reset=reset))]
    )


@pytest.mark.awkward_moments
def test_feed_parses_with_two_libraries_and_keeps_local_times(client, setting):
    response = client.get(feed_url(setting["anna"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content
    calendar = icalendar.Calendar.from_ical(body)
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    sessions = list(setting["run"].sessions.order_by("starts_at"))
    assert len(events) == len(sessions) == 8
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Stockholm"
    for event, session in zip(events, sessions, strict=True):
        start = event.decoded("dtstart")
        assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
        assert start.astimezone(STOCKHOLM).strftime("%H:%M") == "18:00"
        assert start == session.starts_at
    first = events[0]
    assert str(first["SUMMARY"]) == "Studiecirkel – 1. Avsnitt 1"
    assert str(first["LOCATION"]) == "Lokalen"
    assert str(first["URL"]).endswith("/traff-1/")
    assert str(first["CLASS"]) == "PRIVATE"
    assert "ATTENDEE" not in first and "ORGANIZER" not in first
    assert b"Annorlunda" not in body and b"Bea" not in body  # no names in feeds

    # The second parser agrees: every event's local start is 18:00, both sides of 2026-10-25.
    parsed = IcsCalendarStream.calendar_from_ics(body.decode())
    starts = sorted(event.dtstart for event in parsed.timeline)
    assert [s.astimezone(STOCKHOLM).strftime("%H:%M") for s in starts] == ["18:00"] * 8
    assert {s.astimezone(datetime.UTC).hour for s in starts} == {16, 17}


def test_uid_stable_sequence_grows_and_cancelled_stays(client, setting):
    url = feed_url(setting["anna"])
    before = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(client.get(url).content).walk("VEVENT")}
    session = setting["run"].sessions.order_by("starts_at")[2]
    session.status, session.cancel_reason = SessionStatus.CANCELLED, "Lokalen är stängd"
    session.save()
    after = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(client.get(url).content).walk("VEVENT")}
    assert set(before) == set(after)
    uid = f"{session.uid}@jourutbildning"
    assert int(after[uid]["SEQUENCE"]) == int(before[uid]["SEQUENCE"]) + 1
    assert str(after[uid]["STATUS"]) == "CANCELLED"
    # Clients that ignore STATUS still see it (issue 18); the others keep their title.
    assert str(after[uid]["SUMMARY"]) == "INSTÄLLD: Studiecirkel – 3. Avsnitt 3"
    assert {str(e["SUMMARY"]) for k, e in after.items() if k != uid} == {
        str(e["SUMMARY"]) for k, e in before.items() if k != uid
    }
    sign_in(client, setting["anna"])  # her "add to calendar" file of that session says the same
    single = icalendar.Calendar.from_ical(
        client.get(reverse("courses_session_ics", args=[session.pk])).content
    )
    assert [str(e["SUMMARY"]) for e in single.walk("VEVENT")] == ["INSTÄLLD: Studiecirkel – 3. Avsnitt 3"]
    assert "Lokalen är stängd" in str(after[uid]["DESCRIPTION"])
    moved = setting["run"].sessions.order_by("starts_at")[3]
    moved.starts_at += datetime.timedelta(hours=1)
    moved.ends_at += datetime.timedelta(hours=1)
    moved.save()
    again = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(client.get(url).content).walk("VEVENT")}
    assert int(again[f"{moved.uid}@jourutbildning"]["SEQUENCE"]) == 1


def test_text_is_escaped_and_folded_so_that_both_libraries_read_it_back(client, setting):
    """The feed is written as text (courses.ical.write_calendar): commas, semicolons,
    backslashes and line breaks escaped, long lines folded between UTF-8 characters."""
    run = setting["run"]
    run.title = r"Cirkel; hösten, grupp B \ C:\Nya"
    run.location = "Föreningslokalen, Storgatan 1; 2 tr – ingång från gården, " + "åäö ÅÄÖ é — " * 8
    run.save()
    session = run.sessions.order_by("starts_at").first()
    session.status, session.cancel_reason = SessionStatus.CANCELLED, "Ledaren är sjuk,\nny tid; se mejlet"
    session.save()
    body = client.get(feed_url(setting["anna"])).content
    lines = body.split(b"\r\n")
    assert lines[-1] == b"" and lines[-2] == b"END:VCALENDAR"
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode()  # no line breaks inside a character
    event = next(
        e
        for e in icalendar.Calendar.from_ical(body).walk("VEVENT")
        if str(e["UID"]).startswith(str(session.uid))
    )
    url = str(event["URL"])
    assert url.startswith("http://testserver/") and url.endswith("/traff-1/")
    description = "\n".join([f"Inställd: {session.cancel_reason}", run.title, f"Material: {url}"])
    assert (str(event["LOCATION"]), str(event["DESCRIPTION"])) == (run.location, description)
    assert str(event["SUMMARY"]) == "INSTÄLLD: Studiecirkel – 1. Avsnitt 1"
    [parsed] = [e for e in IcsCalendarStream.calendar_from_ics(body.decode()).events if e.sequence == 1]
    assert (parsed.location, parsed.description, parsed.summary) == (
        run.location,
        description,
        "INSTÄLLD: Studiecirkel – 1. Avsnitt 1",
    )


def test_control_characters_pasted_into_a_text_never_break_the_feed(client, setting):
    """TEXT may not hold control characters (RFC 5545): a vertical tab (a word processor's
    line break), a form feed, an escape or a delete in a title, a place or a reason is left
    out, and both libraries still read every event."""
    run = setting["run"]
    run.title, run.location = "Cirkel\x0bhösten", "Lokal\x0c 1\x1b\x7f\ttvå"
    run.save()
    session = run.sessions.order_by("starts_at").first()
    # (Not NUL: PostgreSQL refuses it in a text column, and Django's forms refuse it.)
    session.status, session.cancel_reason = SessionStatus.CANCELLED, "Sjuk\x0bledare\x1b"
    session.save()
    body = client.get(feed_url(setting["anna"])).content
    assert not re.search(rb"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f]", body)
    assert len(icalendar.Calendar.from_ical(body).walk("VEVENT")) == 8
    events = IcsCalendarStream.calendar_from_ics(body.decode()).events
    assert len(events) == 8
    assert {e.location for e in events} == {"Lokal 1\ttvå"}
    assert any(e.description.startswith("Inställd: Sjukledare") for e in events)


def test_a_person_who_moved_gets_her_earlier_organisations_changes(client, setting, org_b):
    """She moves to another organisation and still takes part in a run of her earlier one: a
    change there bumps that organisation's data version only, so her feed is not kept under
    her new organisation's: she gets the change at her next poll."""
    anna = setting["anna"]
    url = feed_url(anna)
    etag = client.get(url)["ETag"]
    anna.organisation = org_b
    anna.save()
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304  # nothing changed yet
    session = setting["run"].sessions.order_by("starts_at").first()
    session.starts_at += datetime.timedelta(hours=1)
    session.ends_at += datetime.timedelta(hours=1)
    session.save()
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert b"SEQUENCE:1" in changed.content


def test_a_lesson_published_or_unpublished_changes_the_feed(client, setting):
    """A lesson's address is in its unit's events ("Material: ..."): unpublishing it, or
    publishing one, changes the feed at the next poll."""
    url = feed_url(setting["anna"])
    first = client.get(url)
    assert b"/traff-1/" in first.content
    lesson = LessonPage.objects.get(slug="traff-1")
    lesson.unpublish()
    gone = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert gone.status_code == 200 and b"/traff-1/" not in gone.content
    lesson.save_revision().publish()
    back = client.get(url, HTTP_IF_NONE_MATCH=gone["ETag"])
    assert back.status_code == 200 and b"/traff-1/" in back.content


def test_a_built_feeds_etag_is_the_one_a_poll_works_out(client, setting):
    """A calendar and its ETag are made from one read of the sessions; a conditional request
    whose version is not in the cache works it out with an aggregate query instead: the two
    agree (or every phone would download its feed again)."""
    session = setting["run"].sessions.order_by("starts_at").last()
    session.status, session.cancel_reason = SessionStatus.CANCELLED, "Lokalen är stängd"
    session.save()
    setting["course"].save_revision().publish()
    url = feed_url(setting["anna"])
    built = client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        polled = client.get(url, HTTP_IF_NONE_MATCH=built["ETag"])
    assert polled.status_code == 304
    assert (polled["ETag"], polled["Last-Modified"]) == (built["ETag"], built["Last-Modified"])
    assert len(queries) == 3  # the poll's lookup, the token, the version


def test_conditional_requests_answer_304_cheaply(client, setting):
    url = feed_url(setting["anna"])
    first = client.get(url)
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert first["Cache-Control"].startswith("private")
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and again["Last-Modified"] == last_modified
    assert again["Cache-Control"] == first["Cache-Control"]
    # The poll: the token, its person and her organisation's data version, in one query.
    assert len(queries) == 1
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    # A changed session changes the ETag.
    session = setting["run"].sessions.first()
    session.ends_at += datetime.timedelta(minutes=30)
    session.save()
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_a_poll_with_an_old_etag_never_outlives_the_link_or_the_permission(client, setting, coordinator_a):
    """The poll's short path (courses.ical.polled_version) answers 304 only where the full
    path would: a revoked link, a deactivated person and a coordinator who lost the right to a
    run's feed get the same 404 with the ETag they had, and a change gets the new feed."""

    def poll(url, etag):
        return client.get(url, HTTP_IF_NONE_MATCH=etag)

    anna_url = feed_url(setting["anna"])
    anna_etag = client.get(anna_url)["ETag"]
    bea_url = feed_url(setting["bea"])
    bea_etag = client.get(bea_url)["ETag"]
    run_url = reverse(
        "courses_calendar_feed", args=[token_of(feed_token(coordinator_a, FeedKind.RUN, run=setting["run"]))]
    )
    run_etag = client.get(run_url)["ETag"]
    assert {
        poll(u, e).status_code for u, e in [(anna_url, anna_etag), (bea_url, bea_etag), (run_url, run_etag)]
    } == {304}

    # Her role loses the permission (no record of her organisation changes, so its data version
    # stays): the run's feed is closed to her at once.
    for group in coordinator_a.groups.all():
        group.permissions.remove(Permission.objects.get(codename="view_courserun"))
    assert poll(run_url, run_etag).status_code == 404
    feed_url(setting["anna"], reset=True)
    setting["bea"].is_active = False
    setting["bea"].save()
    answers = [poll(anna_url, anna_etag), poll(bea_url, bea_etag), poll(run_url, run_etag)]
    assert [r.status_code for r in answers] == [404, 404, 404]
    assert len({r.content for r in answers}) == 1

    # Bea back, and a session moved: her next poll gets the new feed, not a 304.
    setting["bea"].is_active = True
    setting["bea"].save()
    session = setting["run"].sessions.order_by("starts_at").first()
    session.starts_at += datetime.timedelta(hours=1)
    session.save()
    changed = poll(bea_url, bea_etag)
    assert changed.status_code == 200 and changed["ETag"] != bea_etag
    assert poll(bea_url, changed["ETag"]).status_code == 304


def test_building_a_feed_takes_the_same_queries_for_8_or_40_sessions(client, setting, org_a):
    def count(url):
        cache.clear()  # build it, not take it from the cache,
        Site.get_site_root_paths()  # but with Wagtail's cache of site root paths warm
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    url = feed_url(setting["anna"])
    few = count(url)
    for n in range(4):
        enrol(
            make_run(
                setting["course"], datetime.date(2027, 1, 7) + datetime.timedelta(weeks=10 * n), title=f"R{n}"
            ),
            [setting["anna"]],
        )
    assert count(url) == few == 2  # the token, then the sessions: the version is made from those rows


def test_a_built_feed_is_served_from_the_cache_until_it_changes(client, setting):
    url = feed_url(setting["anna"])
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)  # no If-None-Match, as some calendar apps ask
    assert again.content == first.content and again["ETag"] == first["ETag"]
    # The token, with its organisation's data version: the version and the calendar are cached.
    assert len(queries) == 1
    session = setting["run"].sessions.order_by("starts_at").first()
    session.starts_at += datetime.timedelta(hours=1)
    session.ends_at += datetime.timedelta(hours=1)
    session.save()
    changed = client.get(url)
    assert changed["ETag"] != first["ETag"] and changed.content != first.content
    assert b"SEQUENCE:1" in changed.content
    # A course published with a new unit title changes the feed too.
    course = setting["course"]
    course.units.filter(number=2).update(title="Nytt namn")
    course.save_revision().publish()
    assert "Nytt namn" in client.get(url).content.decode()
    # Sessions scheduled in bulk for her run are in the feed at once.
    generate_sessions(
        setting["run"], datetime.date(2027, 3, 4), datetime.time(18), datetime.time(20, 30), [1]
    )
    assert client.get(url).content.count(b"BEGIN:VEVENT") == 9


def test_reset_kills_the_old_link_at_once(client, setting):
    old = feed_url(setting["anna"])
    new = feed_url(setting["anna"], reset=True)
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_deactivated_person_unknown_and_malformed_tokens_get_the_same_404(client, setting):
    url = feed_url(setting["anna"])
    setting["anna"].is_active = False
    setting["anna"].save()
    deactivated = client.get(url)
    unknown = client.get(reverse("courses_calendar_feed", args=["A" * 43]))
    malformed = client.get("/kurser/kalender/inte-en-token.ics")
    revoked_token = token_of(feed_token(setting["bea"], FeedKind.MY_SESSIONS))
    feed_token(setting["bea"], FeedKind.MY_SESSIONS, reset=True)
    revoked = client.get(reverse("courses_calendar_feed", args=[revoked_token]))
    responses = [deactivated, unknown, malformed, revoked]
    assert {r.status_code for r in responses} == {404}
    assert len({r.content for r in responses}) == 1
    assert len({r["Content-Type"] for r in responses}) == 1


def test_another_persons_token_never_shows_her_sessions(client, setting, org_a):
    other_run = make_run(setting["course"], datetime.date(2027, 3, 4), title="Annan cirkel")
    carl = PersonFactory(organisation=org_a)
    enrol(other_run, [carl])
    events = icalendar.Calendar.from_ical(client.get(feed_url(carl)).content).walk("VEVENT")
    assert {e.decoded("dtstart").date() for e in events} == {
        s.starts_at.astimezone(STOCKHOLM).date() for s in other_run.sessions.all()
    }


@pytest.mark.awkward_moments
def test_my_sessions_from_90_days_back_including_runs_she_leads(client, setting, org_a):
    leader = PersonFactory(organisation=org_a)
    setting["run"].leaders.add(leader)
    old_run = make_run(setting["course"], datetime.date(2020, 1, 9), title="Gammal")
    enrol(old_run, [leader])
    events = icalendar.Calendar.from_ical(client.get(feed_url(leader)).content).walk("VEVENT")
    # Today is after the run began; only sessions from 90 days back are included.
    from django.utils import timezone

    since = timezone.now() - datetime.timedelta(days=90)
    expected = [s for s in setting["run"].sessions.all() if s.starts_at >= since]
    assert len(events) == len(expected)


def test_run_and_organisation_feeds_are_for_coordinators(client, setting, coordinator_a, volunteer_a):
    run_feed = feed_token(coordinator_a, FeedKind.RUN, run=setting["run"])
    org_feed = feed_token(coordinator_a, FeedKind.ORGANISATION, organisation=setting["run"].organisation)
    for feed in (run_feed, org_feed):
        response = client.get(reverse("courses_calendar_feed", args=[token_of(feed)]))
        assert response.status_code == 200
        assert len(icalendar.Calendar.from_ical(response.content).walk("VEVENT")) == 8
    # A volunteer's token for a run's feed opens nothing.
    sneaky = feed_token(volunteer_a, FeedKind.RUN, run=setting["run"])
    assert client.get(reverse("courses_calendar_feed", args=[token_of(sneaky)])).status_code == 404
    sign_in(client, coordinator_a)
    page = client.get(reverse("courses_run_calendar", args=[setting["run"].pk]))
    assert page.status_code == 200 and token_of(run_feed) in page.content.decode()


def test_one_session_ics_for_her_own_sessions_only(client, setting, org_a):
    session = setting["run"].sessions.first()
    sign_in(client, setting["anna"])
    response = client.get(reverse("courses_session_ics", args=[session.pk]))
    assert response.status_code == 200
    assert len(icalendar.Calendar.from_ical(response.content).walk("VEVENT")) == 1
    sign_in(client, PersonFactory(organisation=org_a))
    assert client.get(reverse("courses_session_ics", args=[session.pk])).status_code == 404


def test_member_area_shows_her_link_and_can_reset_it(client, setting):
    sign_in(client, setting["anna"])
    page = client.get(reverse("my_training"))
    url = page.context["feed_url"]
    assert page.context["webcal_url"].startswith("webcal://")
    assert url in page.content.decode()
    response = client.post(reverse("courses_reset_my_calendar"), {"next": reverse("my_training")})
    assert response.status_code == 302 and response["Location"] == reverse("my_training")
    assert client.get(url.replace("http://testserver", "")).status_code == 404
    evil = client.post(reverse("courses_reset_my_calendar"), {"next": "https://evil.example.com/"})
    assert evil["Location"] == "/"


def test_calendar_url_command(setting):
    out = io.StringIO()
    call_command("calendar_url", "--email", "anna@example.org", stdout=out)
    first = out.getvalue().strip()
    assert "/kurser/kalender/" in first and first.endswith(".ics")
    out = io.StringIO()
    call_command("calendar_url", "--email", "ANNA@example.org", stdout=out)
    assert out.getvalue().strip() == first  # the same link until it is reset
    out = io.StringIO()
    call_command("calendar_url", "--email", "anna@example.org", "--reset", stdout=out)
    assert out.getvalue().strip() != first


def test_renaming_the_organisation_renames_its_feed_at_the_next_poll(client, setting, coordinator_a):
    organisation = setting["run"].organisation
    url = reverse(
        "courses_calendar_feed",
        args=[token_of(feed_token(coordinator_a, FeedKind.ORGANISATION, organisation=organisation))],
    )
    first = client.get(url)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    organisation.name = "Jouren i Norrby"
    organisation.save()
    renamed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert renamed.status_code == 200
    assert icalendar.Calendar.from_ical(renamed.content)["X-WR-CALNAME"] == "Jouren i Norrby"
