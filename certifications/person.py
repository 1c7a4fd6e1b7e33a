"""One person as her coordinator sees her on a day: her member groups and membership, her runs
with their progress, her qualifications and their state, her continuing-education hours in the
last twelve months, and whether she is cleared for each shift role (and why not).

Built from the rules where they are written: progress from ``courses/completion.py``, a
qualification's state and the clearance in words from :mod:`certifications.standing` (the same
words as My training and the clearance board), hours from :func:`certifications.clearance.trainings`
and :func:`~certifications.clearance.hours_in_windows` (the rows and sums the engine counts).
A fixed number of queries however many runs, qualifications and roles she has."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from courses.completion import Progress, UnitProgress, UnitState, progress_for_enrolments
from courses.models import Enrolment
from people import membership
from people.models import MEMBER_GROUPS, User

from .clearance import Scope, Training, hours_in_windows, trainings, window_start
from .standing import member_standing

#: The window of the hours the page shows (the engine's default window).
HOURS_WINDOW_MONTHS = 12


@dataclass(frozen=True)
class RunLine:
    """One of her runs: its progress (``courses.completion.Progress``) and her units counted by
    state: attended, made up, still to come, and the units missed (held without her and not made
    up)."""

    progress: Progress
    attended: int
    made_up: int
    upcoming: int
    missed_units: tuple[UnitProgress, ...]

    @property
    def missed(self) -> int:
        return len(self.missed_units)

    @property
    def withdrawn(self) -> bool:
        return self.progress.enrolment.is_withdrawn


@dataclass(frozen=True)
class PersonOverview:
    """``status``: ``people.membership``'s ``ACTIVE``, ``LEFT`` or ``NOT_YET_JOINED`` on ``day``;
    ``qualifications`` and ``roles`` as :class:`certifications.standing.MemberStanding` has them;
    ``training``: the rows her hours count, newest first; ``hours``: their sum."""

    person: User
    day: datetime.date
    status: str
    groups: list[str]
    runs: list[RunLine]
    qualifications: list[dict]
    roles: list[dict]
    hours_since: datetime.date
    hours: Decimal
    training: list[Training]

    @property
    def has_left(self) -> bool:
        return self.status == membership.LEFT


def run_line(progress: Progress) -> RunLine:
    def count(state: UnitState) -> int:
        return sum(1 for unit in progress.units if unit.state == state)

    return RunLine(
        progress=progress,
        attended=count(UnitState.ATTENDED),
        made_up=count(UnitState.MADE_UP),
        upcoming=count(UnitState.UPCOMING),
        missed_units=tuple(unit for unit in progress.units if unit.state == UnitState.MISSED),
    )


def continuing_education(person: User, day: datetime.date) -> tuple[datetime.date, Decimal, list[Training]]:
    """The first day of the window, her hours within [that day, ``day``] and their rows, as the
    clearance engine counts them. Three queries."""
    start = window_start(day, HOURS_WINDOW_MONTHS)
    organisations = (person.organisation_id,) if person.organisation_id else ()
    rows = [row for row in trainings(Scope(organisations, (person.pk,)), start, day) if row.day <= day]
    hours = hours_in_windows(rows, [start], day).get(person.pk, {}).get(start, Decimal(0))
    rows.sort(key=lambda row: (row.day, row.title), reverse=True)
    return start, hours, rows


def person_overview(person: User, day: datetime.date) -> PersonOverview:
    """Everything the coordinator's page of ``person`` shows on ``day``."""
    progresses = progress_for_enrolments(
        Enrolment.objects.filter(person=person).order_by("-enrolled_on", "-pk").select_related("run__course")
    )
    standing = member_standing(person, day)
    start, hours, rows = continuing_education(person, day)
    return PersonOverview(
        person=person,
        day=day,
        status=membership.membership_on(person.joined_on, person.left_on, day),
        groups=[str(MEMBER_GROUPS[code]) for code in person.member_groups],
        runs=[run_line(progress) for progress in progresses],
        qualifications=standing.qualifications,
        roles=standing.roles,
        hours_since=start,
        hours=hours,
        training=rows,
    )
