"""Enrolment, attendance, make-ups and changes to sessions: the writes, each followed by the
completion rule in the same transaction."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from jour_core.collation import by_name
from people.models import User

from .completion import enrolments_affected_by_session, refresh_completions
from .models import (
    ATTENDANCE_NOTE_MAX_LENGTH,
    Attendance,
    CourseRun,
    Enrolment,
    EnrolmentStatus,
    MakeUp,
    MakeUpKind,
    Mark,
    Session,
)
from .notifications import notify_session_change
from .signals import apology_reported


class AttendanceError(ValueError):
    """A request that would make the records wrong; the message says why, in the UI language."""


P = ParamSpec("P")
R = TypeVar("R")


def once_more_on_conflict(func: Callable[P, R]) -> Callable[P, R]:
    """Concurrency: two requests enrolling the same person or marking the same attendance at
    the same moment must leave exactly one row and no server error.

    Each write first locks its run or session row (``select_for_update``), so concurrent writes
    to the same run or session wait for each other and the second sees the first's rows. The
    unique constraints (one enrolment per run and person, one mark per session and person) are
    the backstop: should a duplicate still reach the database, the write is rolled back to a
    savepoint and done once more, now finding the other row and updating it instead."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            with transaction.atomic():
                return func(*args, **kwargs)
        except IntegrityError:
            with transaction.atomic():
                return func(*args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class EnrolResult:
    enrolled: list[User]
    already: list[User]
    re_enrolled: list[User]


@once_more_on_conflict
def enrol(run: CourseRun, people: list[User]) -> EnrolResult:
    """Enrol people in a run. Someone already enrolled is reported, not enrolled twice; someone
    who had withdrawn is enrolled again."""
    CourseRun.objects.select_for_update().filter(pk=run.pk).first()
    foreign = [p for p in people if p.organisation_id != run.organisation_id]
    if foreign:
        raise AttendanceError(_("%(name)s belongs to another organisation.") % {"name": foreign[0]})
    existing = {e.person_id: e for e in Enrolment.objects.filter(run=run, person__in=people)}
    new = [Enrolment(run=run, person=p) for p in people if p.pk not in existing]
    bulk_create_with_history(new, Enrolment)
    withdrawn = [existing[p.pk] for p in people if p.pk in existing and existing[p.pk].is_withdrawn]
    for enrolment in withdrawn:
        enrolment.status, enrolment.withdrawn_on = EnrolmentStatus.ENROLLED, None
    bulk_update_with_history(withdrawn, Enrolment, ["status", "withdrawn_on"])
    if new or withdrawn:
        refresh_completions(Enrolment.objects.filter(pk__in=[e.pk for e in new + withdrawn]))
    return EnrolResult(
        enrolled=[e.person for e in new],
        already=[p for p in people if p.pk in existing and not existing[p.pk].is_withdrawn],
        re_enrolled=[e.person for e in withdrawn],
    )


@transaction.atomic
def withdraw(enrolment: Enrolment, on: datetime.date | None = None) -> None:
    """Mark an enrolment withdrawn. It is kept, with its marks."""
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.withdrawn_on = on or timezone.localdate()
    enrolment.save(update_fields=["status", "withdrawn_on"])


def register_people(session: Session) -> list[tuple[User, Enrolment | None, MakeUp | None]]:
    """Who belongs on a session's register: the run's enrolled participants, then the people
    making up this unit here from another run; each by name in Swedish order."""
    enrolments = by_name(
        Enrolment.objects.active().filter(run_id=session.run_id).select_related("person"), "person__"
    )
    guests = by_name(
        MakeUp.objects.filter(session=session).select_related("enrolment__person"), "enrolment__person__"
    )
    rows = [(e.person, e, None) for e in enrolments]
    seen = {person.pk for person, _e, _m in rows}
    for makeup in guests:
        if makeup.enrolment.person_id not in seen:
            rows.append((makeup.enrolment.person, None, makeup))
            seen.add(makeup.enrolment.person_id)
    return rows


#: The register's value that takes an apology back before the session begins (no mark).
CLEAR = "clear"
#: The history's reasons for the changes a participant makes herself.
APOLOGY_REASON = "apology"
APOLOGY_WITHDRAWN_REASON = "apology withdrawn"


def allowed_marks(session: Session, now: datetime.datetime | None = None) -> frozenset[str]:
    """What the register accepts for ``session`` at ``now``: nothing for a cancelled session;
    before it begins only an apology (excused) and taking one back (``CLEAR``), so that a
    coordinator can record one phoned in; from its start every mark."""
    now = now or timezone.now()
    if session.is_cancelled:
        return frozenset()
    if now < session.starts_at:
        return frozenset({Mark.EXCUSED, CLEAR})
    return frozenset(Mark.values)


def check_marks(session: Session, marks: dict[int, str], now: datetime.datetime) -> None:
    """Refuse marks the register does not accept now, or people not on it."""
    allowed = allowed_marks(session, now)
    if session.is_cancelled:
        raise AttendanceError(_("The session is cancelled; attendance cannot be marked."))
    people = {person.pk for person, _e, _m in register_people(session)}
    if set(marks) - people:
        raise AttendanceError(_("Someone in the list is not on this session's register."))
    invalid = {mark for mark in marks.values() if mark not in Mark.values and mark != CLEAR}
    if invalid:
        raise AttendanceError(_("Unknown mark: %(mark)s") % {"mark": ", ".join(sorted(invalid))})
    if set(marks.values()) - allowed:
        if now < session.starts_at:
            raise AttendanceError(
                _("Before the session begins, only apologies can be recorded.")
                + " "
                + _("Attendance can be marked once the session has begun.")
            )
        raise AttendanceError(_("An apology can be taken back only before the session begins."))


@once_more_on_conflict
def set_marks(session: Session, marks: dict[int, str], by: User) -> int:
    """Save the marks of a session's register together. ``marks`` maps person id to a mark (or
    ``CLEAR``, which takes an apology back); what the register does not accept now
    (``allowed_marks``) and people not on the register are refused. Returns how many marks
    changed. Every change is kept in the attendance history with who and when."""
    Session.objects.select_for_update().filter(pk=session.pk).first()
    now = timezone.now()
    check_marks(session, marks, now)
    existing = {a.person_id: a for a in Attendance.objects.filter(session=session, person_id__in=marks)}
    new, changed, cleared = [], [], []
    for person_id, mark in marks.items():
        attendance = existing.get(person_id)
        if mark == CLEAR:
            # Only an apology is taken back; a participant's own check-in stays.
            if attendance is not None and attendance.mark == Mark.EXCUSED:
                cleared.append(attendance)
        elif attendance is None:
            new.append(
                Attendance(session=session, person_id=person_id, mark=mark, marked_by=by, marked_at=now)
            )
        elif attendance.mark != mark:
            attendance.mark, attendance.marked_by, attendance.marked_at = mark, by, now
            changed.append(attendance)
    bulk_create_with_history(new, Attendance, default_user=by)
    bulk_update_with_history(changed, Attendance, ["mark", "marked_by", "marked_at"], default_user=by)
    delete_with_history(cleared, by, APOLOGY_WITHDRAWN_REASON)
    if new or changed or cleared:
        refresh_completions(enrolments_affected_by_session(session))
    if now < session.starts_at:
        # A phoned-in apology reaches the circle leaders as her own does.
        for attendance in [*new, *changed]:
            transaction.on_commit(
                lambda attendance=attendance: apology_reported.send(sender=Attendance, attendance=attendance)
            )
    return len(new) + len(changed) + len(cleared)


def delete_with_history(rows: list[Attendance], by: User, reason: str) -> None:
    """Delete marks, each with who and why in its history row. Taking apologies back touches
    one row, or the few a coordinator clears on one register."""
    for attendance in rows:
        attendance._history_user = by
        attendance._change_reason = reason
        attendance.delete()


def on_register(session: Session, person: User) -> bool:
    return any(p.pk == person.pk for p, _e, _m in register_people(session))


def check_apology(session: Session, now: datetime.datetime) -> None:
    """An apology (given or taken back) is for a coming session that is not cancelled."""
    if session.is_cancelled:
        raise AttendanceError(_("The session is cancelled; there is nothing to give apologies for."))
    if now >= session.starts_at:
        raise AttendanceError(
            _("The session has already begun; apologies can no longer be given or taken back here.")
            + " "
            + _("Contact the circle leader or the coordinator.")
        )


@once_more_on_conflict
def report_apology(session: Session, person: User, note: str = "") -> Attendance:
    """She gives apologies for a coming session of her register, with an optional note: her
    mark becomes excused, marked by herself, kept in the history. The circle leaders are told
    through ``apology_reported`` once the transaction commits. A participant already marked
    otherwise (she has checked in) keeps that mark."""
    Session.objects.select_for_update().filter(pk=session.pk).first()
    now = timezone.now()
    check_apology(session, now)
    if not on_register(session, person):
        raise AttendanceError(_("You are not on this session's register."))
    note = note.strip()[:ATTENDANCE_NOTE_MAX_LENGTH]
    attendance = Attendance.objects.filter(session=session, person=person).first()
    if attendance is not None and attendance.mark != Mark.EXCUSED:
        raise AttendanceError(
            _("You are already marked %(mark)s for this session.")
            % {"mark": attendance.get_mark_display().lower()}
        )
    attendance = attendance or Attendance(session=session, person=person)
    attendance.mark, attendance.note = Mark.EXCUSED, note
    attendance.marked_by, attendance.marked_at = person, now
    attendance._history_user, attendance._change_reason = person, APOLOGY_REASON
    attendance.save()
    refresh_completions(enrolments_affected_by_session(session))
    transaction.on_commit(lambda: apology_reported.send(sender=Attendance, attendance=attendance))
    return attendance


@once_more_on_conflict
def withdraw_apology(session: Session, person: User) -> bool:
    """She takes her apology back before the session begins: her excused mark is removed (the
    history keeps it, and who took it back). Returns whether there was one."""
    Session.objects.select_for_update().filter(pk=session.pk).first()
    check_apology(session, timezone.now())
    rows = list(Attendance.objects.filter(session=session, person=person, mark=Mark.EXCUSED))
    delete_with_history(rows, person, APOLOGY_WITHDRAWN_REASON)
    if rows:
        refresh_completions(enrolments_affected_by_session(session))
    return bool(rows)


@transaction.atomic
def record_makeup(
    enrolment: Enrolment,
    unit_number: int,
    by: User,
    *,
    session: Session | None = None,
    attended: bool = False,
    date: datetime.date | None = None,
    led_by: str = "",
    note: str = "",
) -> MakeUp:
    """Record a make-up for a unit: at ``session`` (the same unit in another run; with
    ``attended`` she is also marked present there), or an individual catch-up on ``date``.
    The original mark is never changed."""
    course = enrolment.run.course
    if not course.units.filter(number=unit_number).exists():
        raise AttendanceError(_("The course has no unit %(number)s.") % {"number": unit_number})
    if session is not None:
        if session.run_id == enrolment.run_id:
            raise AttendanceError(_("Choose a session in another run."))
        if session.run.course_id != course.pk or session.unit_number != unit_number:
            raise AttendanceError(_("The session must be the same unit of the same course."))
        if session.run.organisation_id != enrolment.run.organisation_id:
            raise AttendanceError(_("The session belongs to another organisation."))
        if session.is_cancelled:
            raise AttendanceError(_("The session is cancelled."))
        details = {"kind": MakeUpKind.OTHER_RUN, "session": session}
    else:
        if date is None:
            raise AttendanceError(_("Give the date of the catch-up."))
        if date > timezone.localdate():
            raise AttendanceError(_("A catch-up cannot be recorded before it has happened."))
        details = {"kind": MakeUpKind.CATCH_UP, "date": date, "led_by": led_by}
    makeup = MakeUp.objects.create(
        enrolment=enrolment, unit_number=unit_number, note=note, recorded_by=by, **details
    )
    if session is not None and attended:
        set_marks(session, {enrolment.person_id: Mark.PRESENT}, by)  # applies the rule itself
    else:
        refresh_completions(Enrolment.objects.filter(pk=enrolment.pk))
    return makeup


@transaction.atomic
def save_session(session: Session) -> Session:
    """Save a session added to a run, or one moved, cancelled or reinstated, and apply the
    rule again to everyone it touches, in the same transaction: a cancelled unit stops counting
    against her, a moved one may now lie ahead, and no one sees the one without the other.

    A session moved keeps when it was to start (``moved_from``), and everyone it concerns is
    emailed about a cancellation, a move or a reinstatement (courses/notifications.py)."""
    before = dict(getattr(session, "_loaded", None) or {}) if session.pk else None
    if before and "starts_at" in before and session.starts_at != before["starts_at"]:
        session.moved_from = before["starts_at"]
    session.save()
    refresh_completions(enrolments_affected_by_session(session))
    notify_session_change(session, before)
    return session
