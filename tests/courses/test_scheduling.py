"""Runs and sessions: weekly generation in local time across daylight-saving changes; edits."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from courses.models import Session
from courses.scheduling import generate_sessions, local_datetime
from tests.factories import make_course, make_run

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def course(org_a):
    return make_course(org_a)


def test_run_across_the_end_of_daylight_saving_keeps_18_local(course):
    run = make_run(course, datetime.date(2026, 10, 15))  # DST ends 2026-10-25
    sessions = list(run.sessions.order_by("starts_at"))
    assert len(sessions) == 8
    assert [s.unit_number for s in sessions] == list(range(1, 9))
    local_starts = [s.starts_at.astimezone(STOCKHOLM) for s in sessions]
    assert {(t.hour, t.minute) for t in local_starts} == {(18, 0)}
    assert {
        (s.ends_at.astimezone(STOCKHOLM).hour, s.ends_at.astimezone(STOCKHOLM).minute) for s in sessions
    } == {(20, 30)}
    assert [t.date() for t in local_starts] == [
        datetime.date(2026, 10, 15) + datetime.timedelta(weeks=i) for i in range(8)
    ]
    # The UTC hour moves by one across the change: 16:00 UTC in summer time, 17:00 UTC after.
    utc_hours = [s.starts_at.astimezone(datetime.UTC).hour for s in sessions]
    assert utc_hours[:2] == [16, 16] and utc_hours[2:] == [17] * 6


def test_run_across_the_start_of_daylight_saving_keeps_18_local(course):
    run = make_run(course, datetime.date(2027, 3, 11))  # DST starts 2027-03-28
    sessions = Session.objects.filter(run=run)
    assert {s.starts_at.astimezone(STOCKHOLM).hour for s in sessions} == {18}
    assert len({s.starts_at.astimezone(datetime.UTC).hour for s in sessions}) == 2


def test_a_session_stored_and_read_back_keeps_its_local_time(course):
    run = make_run(course, datetime.date(2026, 10, 22), units=[1])
    session = Session.objects.get(run=run)
    assert session.starts_at.astimezone(STOCKHOLM).strftime("%H:%M") == "18:00"
    assert session.local_date == datetime.date(2026, 10, 22)


def test_generating_chosen_units_and_rhythm(course):
    run = make_run(course, datetime.date(2027, 1, 14), units=[])
    sessions = generate_sessions(
        run, datetime.date(2027, 1, 14), datetime.time(9), datetime.time(11, 30), [2, 4], every_days=14
    )
    assert [s.starts_at for s in sessions] == [
        local_datetime(datetime.date(2027, 1, 14), datetime.time(9)),
        local_datetime(datetime.date(2027, 1, 28), datetime.time(9)),
    ]


def test_end_before_start_is_refused(course):
    run = make_run(course, datetime.date(2027, 1, 14), units=[])
    with pytest.raises(ValueError, match="end after it starts"):
        generate_sessions(run, datetime.date(2027, 1, 14), datetime.time(18), datetime.time(17))


def test_sequence_grows_when_time_or_status_changes_only(course):
    run = make_run(course, datetime.date(2027, 1, 14), units=[1])
    session = Session.objects.get(run=run)
    uid = session.uid
    assert session.sequence == 0
    session.save()
    assert Session.objects.get(pk=session.pk).sequence == 0
    session = Session.objects.get(pk=session.pk)
    session.starts_at += datetime.timedelta(hours=1)
    session.ends_at += datetime.timedelta(hours=1)
    session.save()
    session = Session.objects.get(pk=session.pk)
    assert session.sequence == 1
    session.status, session.cancel_reason = "cancelled", "Sjukdom"
    session.save()
    session = Session.objects.get(pk=session.pk)
    assert session.sequence == 2 and session.uid == uid
