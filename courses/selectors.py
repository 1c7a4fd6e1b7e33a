"""What the member pages show, read in a fixed number of queries: selectors (plain functions
that read and never write), built from the domain modules' own rules, so that a view only
renders what they return and tests call them directly."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, Min, OuterRef, Q, Subquery
from django.utils import timezone

from people.models import User

from .completion import (
    Progress,
    SelfPacedProgress,
    UnitProgress,
    progress_for_enrolments,
    self_paced_progress,
)
from .ical import sessions_for_person
from .models import (
    Attendance,
    Completion,
    CoursePage,
    CourseRun,
    Enrolment,
    LessonPage,
    MakeUp,
    Session,
    SessionStatus,
)

#: How many of other runs' sessions are offered for making up one unit.
ALTERNATIVES_SHOWN = 2
#: How many of her next sessions are listed.
UPCOMING_SHOWN = 8


@dataclass(frozen=True)
class UnitEntry:
    """One unit of her run: how she stands, its lesson page, the make-up she is booked on, and
    other runs' coming sessions of the unit where she could make it up."""

    unit: UnitProgress
    lesson: LessonPage | None
    booked: MakeUp | None
    alternatives: list[Session]
    #: The evaluation of the unit she may answer, if any (given by My training: quality reads
    #: courses, not the other way round).
    evaluation: object | None = None


@dataclass(frozen=True)
class RunEntry:
    progress: Progress
    course: CoursePage
    units: list[UnitEntry]
    #: The evaluation of the whole course she may answer, if any (as ``UnitEntry.evaluation``).
    evaluation: object | None = None


@dataclass(frozen=True)
class MemberOverview:
    """My training, the courses' part: her runs (withdrawn ones left out), her next sessions
    (each with its ``lesson``; a cancelled one stays, marked, with its reason, and a moved one
    has ``moved_from``), her completions and her self-paced courses."""

    runs: list[RunEntry]
    upcoming: list[Session]
    completions: list[Completion]
    self_paced: list[SelfPacedProgress]


def member_overview(person: User, now: datetime.datetime | None = None) -> MemberOverview:
    """What ``person`` sees of her courses at ``now`` (default: the present), in a fixed number
    of queries whatever the number of her runs, units, sessions and courses."""
    now = now or timezone.now()
    progresses = progress_for_enrolments(
        Enrolment.objects.active()
        .filter(person=person)
        .order_by("-enrolled_on")
        .select_related("run__course")
    )
    self_paced = list(self_paced_courses(person))
    courses = {p.enrolment.run.course_id: p.enrolment.run.course for p in progresses}
    # The lessons of her runs' courses and of the self-paced ones, read together.
    lessons_of = CoursePage.lessons_of({**courses, **{c.pk: c for c in self_paced}}.values())
    lessons = CoursePage.first_lesson_by_unit(lessons_of)
    booked = booked_makeups(progresses, now)
    alternatives = makeup_alternatives(person, progresses, now)
    runs = [
        RunEntry(
            progress=progress,
            course=progress.enrolment.run.course,
            units=[
                UnitEntry(
                    unit=unit,
                    lesson=lessons[progress.enrolment.run.course_id].get(unit.number),
                    booked=booked.get((progress.enrolment.pk, unit.number)),
                    alternatives=alternatives.get((progress.enrolment.run.course_id, unit.number), []),
                )
                for unit in progress.units
            ],
        )
        for progress in progresses
    ]
    upcoming = my_next_sessions(person, progresses, now)
    for session in upcoming:
        session.lesson = lessons.get(session.run.course_id, {}).get(session.unit_number)
    return MemberOverview(
        runs=runs,
        upcoming=upcoming,
        completions=list(
            Completion.objects.filter(person=person).select_related("course").order_by("-completed_on")
        ),
        self_paced=self_paced_progress(person, self_paced, lessons_of),
    )


def overview_changes_at(person: User, now: datetime.datetime) -> datetime.datetime | None:
    """The first moment from ``now`` on at which :func:`member_overview` may change by the clock
    alone (None: no such moment is coming): the next start or end of a session of her
    organisation's runs or of a run she is enrolled in. A session is coming until it starts, a
    unit is missed once its sessions have started and may be evaluated once one has ended; the
    make-ups offered are her organisation's coming sessions. One query."""
    runs = CourseRun.objects.filter(Q(organisation_id=person.organisation_id) | Q(enrolments__person=person))
    found = Session.objects.filter(run_id__in=runs.values("pk")).aggregate(
        starts=Min("starts_at", filter=Q(starts_at__gte=now)), ends=Min("ends_at", filter=Q(ends_at__gte=now))
    )
    return min((moment for moment in found.values() if moment is not None), default=None)


def booked_makeups(progresses: list[Progress], now: datetime.datetime) -> dict[tuple[int, int], MakeUp]:
    """The make-ups at a coming, not cancelled session, by enrolment id and unit number: of
    those her progress has read (no query)."""
    return {
        (makeup.enrolment_id, makeup.unit_number): makeup
        for progress in progresses
        for unit in progress.units
        for makeup in unit.makeups
        if makeup.session is not None
        and makeup.session.starts_at >= now
        and makeup.session.status != SessionStatus.CANCELLED
    }


def my_next_sessions(person: User, progresses: list[Progress], now: datetime.datetime) -> list[Session]:
    """Her next sessions (``sessions_for_person``, coming at ``now``), each with
    ``on_register`` (she takes part there, in her own run or making up a unit, rather than only
    leading it: she may give apologies) and ``my_mark`` (her mark there, if any). One query."""
    own_runs = {p.enrolment.run_id for p in progresses}
    sessions = list(
        sessions_for_person(person, timezone.localdate(now))
        .filter(starts_at__gte=now)
        .select_related("run__course")
        .annotate(
            guest=Exists(MakeUp.objects.filter(enrolment__person=person, session_id=OuterRef("pk"))),
            my_mark=Subquery(
                Attendance.objects.filter(person=person, session_id=OuterRef("pk")).values("mark")[:1]
            ),
        )
        .order_by("starts_at")[:UPCOMING_SHOWN]
    )
    for session in sessions:
        session.on_register = session.run_id in own_runs or session.guest
    return sessions


def makeup_alternatives(
    person: User, progresses: list[Progress], now: datetime.datetime, units: set[int] | None = None
) -> dict[tuple[int, int], list[Session]]:
    """Other runs' coming sessions of the units she misses (or of ``units``), in her
    organisation, by course id and unit number (the first few of each, in time order)."""
    missing_units = units if units is not None else {u.number for p in progresses for u in p.missing}
    if not missing_units or not person.organisation_id:
        return {}
    sessions = (
        Session.objects.not_cancelled()
        .filter(
            run__organisation_id=person.organisation_id,
            run__course_id__in={p.enrolment.run.course_id for p in progresses},
            unit_number__in=missing_units,
            starts_at__gte=now,
        )
        .exclude(run_id__in=[p.enrolment.run_id for p in progresses])
        .select_related("run")
    )
    found: dict[tuple[int, int], list[Session]] = defaultdict(list)
    for session in sessions:
        found[(session.run.course_id, session.unit_number)].append(session)
    return {key: group[:ALTERNATIVES_SHOWN] for key, group in found.items()}


def apology_alternatives(session: Session, enrolment: Enrolment, now: datetime.datetime) -> list[Session]:
    """Where she can make up the unit of ``session``, which she gives apologies for: the same unit
    in other runs' coming sessions (``makeup_alternatives``; this session left out)."""
    if session.unit_number is None:
        return []
    progresses = progress_for_enrolments(
        Enrolment.objects.filter(pk=enrolment.pk).select_related("run__course")
    )
    found = makeup_alternatives(enrolment.person, progresses, now, units={session.unit_number})
    return [s for s in found.get((enrolment.run.course_id, session.unit_number), []) if s.pk != session.pk]


def self_paced_courses(person: User):
    """The live self-paced courses she may take: her organisation's (every one for a superuser)."""
    return CoursePage.objects.live().filter(self_paced=True).for_user(person)
