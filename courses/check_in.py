"""Self check-in: the circle leader's screen shows a QR code that changes every minute; a
participant on the session's register who scans it while logged in is marked present, or late
after ``COURSES_LATE_AFTER_MINUTES``.

The code is an HMAC keyed with the site's SECRET_KEY (``salted_hmac``) over the session, its run,
its organisation and the minute number, so another session's, run's or organisation's code never
matches, and a code is accepted in its own minute and the next one only (a photo of the screen
is useless two minutes later). Codes exist from ``COURSES_CHECK_IN_WINDOW_MINUTES`` before the
start to as many after it, counted in whole minutes: at 30, the minutes 17.30 to 18.30 for a
session at 18.00. The leader's register decides: a check-in never changes a mark someone else
set; her own apology is replaced (she came after all)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from people.models import User

from .attendance import AttendanceError, on_register, once_more_on_conflict
from .completion import enrolments_affected_by_session, refresh_completions
from .conf import app_settings
from .models import ATTENDED_MARKS, Attendance, Mark, Session

SALT = "courses.check_in"
CODE_LENGTH = 20
#: The history's reason on a mark made by a check-in.
CHECK_IN_REASON = "check-in"


class CheckInOutcome(StrEnum):
    READY = "ready"  # the code is good: she may check in
    CHECKED_IN = "checked_in"  # she is marked now, or was by an earlier check-in of hers
    MARKED = "marked"  # someone else marked her: that stands
    NOT_OPEN = "not_open"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    INVALID_CODE = "invalid_code"  # another session's, or more than a minute old


@dataclass(frozen=True)
class CheckIn:
    outcome: CheckInOutcome
    attendance: Attendance | None = None


def minute_of(moment: datetime.datetime) -> int:
    return int(moment.timestamp()) // 60


def window_minutes(session: Session) -> tuple[int, int]:
    """The first and the last minute in which the session's codes are valid."""
    start = minute_of(session.starts_at)
    width = app_settings.COURSES_CHECK_IN_WINDOW_MINUTES
    return start - width, start + width


def window(session: Session) -> tuple[datetime.datetime, datetime.datetime]:
    """When check-in opens and when it closes (the end of its last minute)."""
    first, last = window_minutes(session)
    return (
        datetime.datetime.fromtimestamp(first * 60, tz=datetime.UTC),
        datetime.datetime.fromtimestamp((last + 1) * 60, tz=datetime.UTC),
    )


def window_state(session: Session, now: datetime.datetime) -> CheckInOutcome:
    """READY while the window is open, else why not."""
    if session.is_cancelled:
        return CheckInOutcome.CANCELLED
    first, last = window_minutes(session)
    minute = minute_of(now)
    if minute < first:
        return CheckInOutcome.NOT_OPEN
    if minute > last:
        return CheckInOutcome.CLOSED
    return CheckInOutcome.READY


def code_for_minute(session: Session, minute: int) -> str:
    value = f"{session.pk}:{session.run_id}:{session.run.organisation_id}:{minute}"
    return salted_hmac(SALT, value, algorithm="sha256").hexdigest()[:CODE_LENGTH]


def current_code(session: Session, now: datetime.datetime) -> str | None:
    """The code the leader's screen shows now; None outside the window."""
    if window_state(session, now) != CheckInOutcome.READY:
        return None
    return code_for_minute(session, minute_of(now))


def code_matches(session: Session, code: str, now: datetime.datetime) -> bool:
    """The code of this minute or the one before, within the window."""
    if len(code) != CODE_LENGTH:
        return False
    first, last = window_minutes(session)
    minute = minute_of(now)
    return any(
        first <= candidate <= last and constant_time_compare(code, code_for_minute(session, candidate))
        for candidate in (minute, minute - 1)
    )


def check_in_status(session: Session, person: User, code: str, now: datetime.datetime) -> CheckIn:
    """What scanning ``code`` does for ``person`` at ``now``, without writing anything."""
    attendance = Attendance.objects.filter(session=session, person=person).first()
    if attendance is not None and attendance.marked_by_id != person.pk:
        return CheckIn(CheckInOutcome.MARKED, attendance)
    if attendance is not None and attendance.mark in ATTENDED_MARKS:
        return CheckIn(CheckInOutcome.CHECKED_IN, attendance)
    state = window_state(session, now)
    if state != CheckInOutcome.READY:
        return CheckIn(state, attendance)
    if not code_matches(session, code, now):
        return CheckIn(CheckInOutcome.INVALID_CODE, attendance)
    return CheckIn(CheckInOutcome.READY, attendance)


def mark_for(session: Session, now: datetime.datetime) -> str:
    late_after = session.starts_at + datetime.timedelta(minutes=app_settings.COURSES_LATE_AFTER_MINUTES)
    return Mark.LATE if now > late_after else Mark.PRESENT


@once_more_on_conflict
def check_in(session: Session, person: User, code: str) -> CheckIn:
    """She checks in with the code she scanned: marked present or late, by herself, the history
    saying it was a check-in. Anything else (no mark changes) is returned as the outcome."""
    Session.objects.select_for_update().filter(pk=session.pk).first()
    now = timezone.now()
    status = check_in_status(session, person, code, now)
    if status.outcome != CheckInOutcome.READY:
        return status
    if not on_register(session, person):
        raise AttendanceError(_("You are not on this session's register."))
    attendance = status.attendance or Attendance(session=session, person=person)
    attendance.mark, attendance.note = mark_for(session, now), ""
    attendance.marked_by, attendance.marked_at = person, now
    attendance._history_user, attendance._change_reason = person, CHECK_IN_REASON
    attendance.save()
    refresh_completions(enrolments_affected_by_session(session))
    return CheckIn(CheckInOutcome.CHECKED_IN, attendance)


def checked_in_count(session: Session) -> int:
    """How many are marked present or late by their own check-in."""
    return Attendance.objects.filter(
        session=session, marked_by_id=F("person_id"), mark__in=ATTENDED_MARKS
    ).count()
