"""The completion rule, as plain functions over whole runs (a fixed number of queries).

A course's rule: at most ``CoursePage.max_missed_units`` (N) of its units may be neither
attended (present or late) nor made up.

- A unit is *attended* when the person is marked present or late at a non-cancelled session of
  that unit in her own run; *made up* by an individual catch-up, or by being marked present or
  late at a non-cancelled session of the same unit in another run (recorded as a make-up on her
  enrolment). Excused and absent do not count unless made up.
- A cancelled session counts against no one: a unit whose sessions in the run were all
  cancelled (and that was not made up) is not required.
- A withdrawn enrolment does not complete.
- The completion date is the date of the event that met the rule: with R required units, the
  date on which the (R − N)-th unit was attended or made up (at least one unit is needed).
- A recorded completion stays: when a later edit breaks the rule it is flagged for the
  coordinator, never deleted, and unflagged if the rule is met again.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from jour_core.collation import by_name

from .models import (
    ATTENDED_MARKS,
    Attendance,
    Completion,
    CoursePage,
    CourseUnit,
    Enrolment,
    LessonCompletion,
    LessonPage,
    MakeUp,
    MakeUpKind,
    Session,
)
from .signals import completions_recorded

if TYPE_CHECKING:
    from people.models import User


class UnitState(StrEnum):
    ATTENDED = "attended"
    MADE_UP = "made_up"
    UPCOMING = "upcoming"
    MISSED = "missed"
    UNSCHEDULED = "unscheduled"
    CANCELLED = "cancelled"


SATISFIED = frozenset({UnitState.ATTENDED, UnitState.MADE_UP})


@dataclass(frozen=True)
class UnitProgress:
    number: int
    title: str
    state: UnitState
    #: The date the unit was attended or made up.
    satisfied_on: datetime.date | None = None
    #: Her mark at her own run's session of this unit (the latest one), if any.
    mark: str | None = None
    #: Her own run's sessions of this unit that were not cancelled.
    sessions: tuple[Session, ...] = ()
    makeups: tuple[MakeUp, ...] = ()

    @property
    def is_satisfied(self) -> bool:
        return self.state in SATISFIED

    @property
    def is_required(self) -> bool:
        return self.state != UnitState.CANCELLED

    @property
    def is_missing(self) -> bool:
        return self.state in (UnitState.MISSED, UnitState.UNSCHEDULED)

    @property
    def booked_on(self) -> datetime.date | None:
        """For a unit still to be made up: the day of the session of another run she is booked
        into (not cancelled, not yet ended), the first if several; ``None`` otherwise."""
        if self.is_satisfied:
            return None
        now = timezone.now()
        days = [
            makeup.session.local_date
            for makeup in self.makeups
            if makeup.session is not None and not makeup.session.is_cancelled and makeup.session.ends_at > now
        ]
        return min(days, default=None)


@dataclass(frozen=True)
class Progress:
    enrolment: Enrolment
    units: list[UnitProgress]
    max_missed: int
    #: Attendance marks by session id (her own run's sessions).
    marks: dict[int, str] = field(default_factory=dict)

    @property
    def required(self) -> int:
        return sum(1 for unit in self.units if unit.is_required)

    @property
    def done(self) -> int:
        return sum(1 for unit in self.units if unit.is_satisfied)

    @property
    def needed(self) -> int:
        """How many units must be attended or made up to complete."""
        return max(self.required - self.max_missed, 1) if self.required else 0

    @property
    def missing(self) -> list[UnitProgress]:
        return [unit for unit in self.units if unit.is_missing]

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.required) if self.required else 0

    @property
    def rule_met(self) -> bool:
        return not self.enrolment.is_withdrawn and self.needed > 0 and self.done >= self.needed

    @property
    def met_on(self) -> datetime.date | None:
        """The date of the session or make-up that met the rule."""
        if not self.rule_met:
            return None
        dates = sorted(unit.satisfied_on for unit in self.units if unit.satisfied_on is not None)
        return dates[self.needed - 1]


def progress_for_enrolments(enrolments: Iterable[Enrolment] | QuerySet) -> list[Progress]:
    """The progress of every enrolment given, in five queries whatever their number."""
    if isinstance(enrolments, QuerySet):
        enrolments = enrolments.select_related("run__course", "person")
    enrolments = list(enrolments)
    if not enrolments:
        return []
    run_ids = {e.run_id for e in enrolments}
    person_ids = {e.person_id for e in enrolments}
    course_ids = {e.run.course_id for e in enrolments}

    units_by_course: dict[int, list[CourseUnit]] = defaultdict(list)
    for unit in CourseUnit.objects.filter(course_id__in=course_ids).order_by("number"):
        units_by_course[unit.course_id].append(unit)

    sessions_by_run_unit: dict[tuple[int, int], list[Session]] = defaultdict(list)
    for session in Session.objects.filter(run_id__in=run_ids, unit_number__isnull=False):
        sessions_by_run_unit[(session.run_id, session.unit_number)].append(session)

    makeups_by_enrolment: dict[int, list[MakeUp]] = defaultdict(list)
    makeup_session_ids = set()
    makeups = MakeUp.objects.filter(enrolment__in=[e.pk for e in enrolments]).select_related("session__run")
    for makeup in makeups:
        makeups_by_enrolment[makeup.enrolment_id].append(makeup)
        if makeup.session_id:
            makeup_session_ids.add(makeup.session_id)

    marks: dict[tuple[int, int], str] = {
        (session_id, person_id): mark
        for session_id, person_id, mark in Attendance.objects.filter(
            Q(session__run_id__in=run_ids) | Q(session_id__in=makeup_session_ids), person_id__in=person_ids
        ).values_list("session_id", "person_id", "mark")
    }

    now = timezone.now()
    result = []
    for enrolment in enrolments:
        units = [
            _unit_progress(
                unit,
                sessions_by_run_unit.get((enrolment.run_id, unit.number), []),
                [m for m in makeups_by_enrolment.get(enrolment.pk, []) if m.unit_number == unit.number],
                enrolment.person_id,
                marks,
                now,
            )
            for unit in units_by_course[enrolment.run.course_id]
        ]
        own_marks = {
            session.pk: marks[(session.pk, enrolment.person_id)]
            for unit in units
            for session in unit.sessions
            if (session.pk, enrolment.person_id) in marks
        }
        result.append(Progress(enrolment, units, enrolment.run.course.max_missed_units, own_marks))
    return result


def _unit_progress(
    unit: CourseUnit,
    sessions: list[Session],
    makeups: list[MakeUp],
    person_id: int,
    marks: dict[tuple[int, int], str],
    now: datetime.datetime,
) -> UnitProgress:
    held = sorted((s for s in sessions if not s.is_cancelled), key=lambda s: s.starts_at)
    attended_on = [s.local_date for s in held if marks.get((s.pk, person_id)) in ATTENDED_MARKS]
    made_up_on = []
    for makeup in makeups:
        if makeup.kind == MakeUpKind.CATCH_UP and makeup.date is not None:
            made_up_on.append(makeup.date)
        elif (
            makeup.session is not None
            and not makeup.session.is_cancelled
            and marks.get((makeup.session_id, person_id)) in ATTENDED_MARKS
        ):
            made_up_on.append(makeup.session.local_date)
    own_marks = [marks[(s.pk, person_id)] for s in held if (s.pk, person_id) in marks]
    common = {
        "number": unit.number,
        "title": unit.title,
        "mark": own_marks[-1] if own_marks else None,
        "sessions": tuple(held),
        "makeups": tuple(makeups),
    }
    if attended_on and (not made_up_on or min(attended_on) <= min(made_up_on)):
        return UnitProgress(state=UnitState.ATTENDED, satisfied_on=min(attended_on), **common)
    if made_up_on:
        return UnitProgress(state=UnitState.MADE_UP, satisfied_on=min(made_up_on), **common)
    if any(s.starts_at > now for s in held):
        return UnitProgress(state=UnitState.UPCOMING, **common)
    if held:
        return UnitProgress(state=UnitState.MISSED, **common)
    if sessions:  # every session of this unit was cancelled
        return UnitProgress(state=UnitState.CANCELLED, **common)
    return UnitProgress(state=UnitState.UNSCHEDULED, **common)


def progress_for_run(run) -> list[Progress]:
    """Every enrolment's progress, by name in Swedish order (``jour_core/collation.py``)."""
    return progress_for_enrolments(by_name(Enrolment.objects.filter(run=run), "person__"))


@transaction.atomic
def sync_completions(progresses: list[Progress]) -> list[Completion]:
    """Record the completions the rule now grants; flag (never delete) those it no longer does.

    Returns the completions recorded now. Three queries at most, whatever the number.
    """
    if not progresses:
        return []
    existing = {
        (c.person_id, c.course_id): c
        for c in Completion.objects.select_for_update().filter(
            person_id__in={p.enrolment.person_id for p in progresses},
            course_id__in={p.enrolment.run.course_id for p in progresses},
        )
    }
    new, changed = [], []
    for progress in progresses:
        enrolment = progress.enrolment
        key = (enrolment.person_id, enrolment.run.course_id)
        completion = existing.get(key)
        if completion is None:
            if progress.rule_met:
                completion = Completion(
                    person_id=enrolment.person_id,
                    course_id=enrolment.run.course_id,
                    enrolment=enrolment,
                    completed_on=progress.met_on,
                )
                existing[key] = completion
                new.append(completion)
            continue
        if completion.enrolment_id != enrolment.pk:
            continue  # completed through another run; this one does not touch it
        if progress.rule_met and completion.flagged:
            completion.flagged, completion.flag_reason = False, ""
            changed.append(completion)
        elif not progress.rule_met and not enrolment.is_withdrawn and not completion.flagged:
            short = progress.needed - progress.done
            completion.flagged = True
            completion.flag_reason = ngettext(
                "The rule is no longer met: %(count)d more unit must be attended or made up.",
                "The rule is no longer met: %(count)d more units must be attended or made up.",
                short,
            ) % {"count": short}
            changed.append(completion)
    if new:
        bulk_create_with_history(new, Completion)
    if changed:
        bulk_update_with_history(changed, Completion, ["flagged", "flag_reason"])
    if new:
        completions_recorded.send(sender=Completion, completions=new)
    return new


def refresh_completions(enrolments: QuerySet) -> list[Completion]:
    """Recompute the given enrolments and record what changed (after any edit that may matter)."""
    return sync_completions(progress_for_enrolments(enrolments))


def enrolments_affected_by_session(session: Session) -> QuerySet:
    """The enrolments whose progress a change to ``session`` can change: its run's, and those
    that made up a unit at it."""
    return Enrolment.objects.filter(Q(run_id=session.run_id) | Q(makeups__session=session)).distinct()


# Self-paced courses --------------------------------------------------------------------------


@dataclass(frozen=True)
class SelfPacedProgress:
    course: object
    lessons: list[LessonPage]
    done: dict[int, datetime.datetime]

    @property
    def done_count(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.pk in self.done)

    @property
    def complete(self) -> bool:
        return bool(self.lessons) and all(lesson.pk in self.done for lesson in self.lessons)

    @property
    def completed_on(self) -> datetime.date | None:
        if not self.complete:
            return None
        return timezone.localtime(max(self.done[lesson.pk] for lesson in self.lessons)).date()


def self_paced_progress(
    person, courses: Iterable, lessons_of: dict[int, list[LessonPage]] | None = None
) -> list[SelfPacedProgress]:
    """Lessons done per self-paced course for one person (two queries; one when their lessons
    are given, as ``CoursePage.lessons_of`` answers for these courses and maybe others)."""
    courses = list(courses)
    if not courses:
        return []
    lessons_by_course = lessons_of if lessons_of is not None else CoursePage.lessons_of(courses)
    done = dict(
        LessonCompletion.objects.filter(
            person=person,
            lesson_id__in=[lesson.pk for group in lessons_by_course.values() for lesson in group],
        ).values_list("lesson_id", "done_at")
    )
    return [SelfPacedProgress(course, lessons_by_course[course.pk], done) for course in courses]


@transaction.atomic
def mark_lesson_done(person, lesson: LessonPage) -> Completion | None:
    """Mark a lesson of a self-paced course as done; complete the course when all are done."""
    course = lesson.get_course()
    if course is None or not course.self_paced:
        raise ValueError(_("Only lessons of self-paced courses can be marked as done."))
    LessonCompletion.objects.get_or_create(person=person, lesson=lesson)
    (progress,) = self_paced_progress(person, [course])
    if not progress.complete:
        return None
    completion, created = Completion.objects.get_or_create(
        person=person, course=course, defaults={"completed_on": progress.completed_on}
    )
    if created:
        completions_recorded.send(sender=Completion, completions=[completion])
        return completion
    return None


@transaction.atomic
def record_completions(entries: Iterable[tuple], by: User | None = None) -> list[Completion]:
    """Record completions that happened elsewhere (e.g. imported): ``(person, course, date)``.
    A person who already completed the course keeps her completion. Returns the new ones; their
    history rows name ``by`` as who recorded them."""
    entries = list(entries)
    if not entries:
        return []
    existing = set(
        Completion.objects.filter(
            person__in={person.pk for person, _c, _d in entries},
            course__in={course.pk for _p, course, _d in entries},
        ).values_list("person_id", "course_id")
    )
    new = []
    for person, course, day in entries:
        if (person.pk, course.pk) not in existing:
            existing.add((person.pk, course.pk))
            new.append(Completion(person=person, course=course, completed_on=day))
    bulk_create_with_history(new, Completion, default_user=by)
    if new:
        completions_recorded.send(sender=Completion, completions=new)
    return new
