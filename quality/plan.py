"""The competence plan against what was done: per planned theme, the training of that theme
the organisation's people took part in during the year, and what was done without a plan.

"Done" is the competence report's training (:func:`certifications.report.figures.counted`):
external and internal training records, continuing-education sessions held (ended) and
self-paced courses completed, of the organisation's people, dated in the year until today. An
activity has the theme of its record or its course.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certifications.clearance import COURSE, RECORD, SESSION, Scope, members_of, trainings
from certifications.models import TrainingRecord
from certifications.report.figures import ReportPeriod, counted, suppress, year_period
from courses.models import CoursePage, CourseRun, Theme
from jour_core.numbers import number
from people.models import Organisation

from .models import PlanItem

#: A line's state as of the day the plan is looked at.
DONE, LATE, COMING = "done", "late", "coming"
STATE_LABELS = {
    DONE: _("Done"),
    LATE: _("Not done in time"),
    COMING: _("Planned"),
}


def state_label(state: str) -> str:
    return str(STATE_LABELS[state])


def figure(value: Decimal | float | int | str) -> str:
    """A figure as the plan and the review write it: "2,5", "6" (not "6,0" or "2,50"); a
    withheld one ("<5") as it is."""
    return number(value)


@dataclass
class Activity:
    """One piece of training the organisation's people took part in: a training record, a run
    of a continuing-education course (its sessions held in the year) or a self-paced course."""

    kind: str  # RECORD, SESSION (a run) or COURSE
    source: int  # the record's, the run's or the course's id
    title: str
    first_day: datetime.date
    last_day: datetime.date
    theme_id: int | None = None
    theme_name: str | None = None
    people: set[int] = field(default_factory=set)
    #: The activity's own hours: a record's, a course's, or the sum of a run's held sessions'.
    hours: Decimal = Decimal(0)
    _sessions: set = field(default_factory=set, repr=False)

    @property
    def hours_text(self) -> str:
        return figure(self.hours)

    def as_dict(self, external: bool) -> dict:
        participants = len(self.people)
        return {
            "title": self.title,
            "kind": self.kind,
            "date": self.first_day.isoformat(),
            "last_date": self.last_day.isoformat(),
            "hours": float(self.hours),
            "participants": suppress(participants) if external else participants,
        }


@dataclass
class PlanLine:
    item: PlanItem
    done: list[Activity]
    state: str

    @property
    def state_label(self) -> str:
        return state_label(self.state)


@dataclass
class PlanAgainstDone:
    organisation: Organisation
    year: int
    as_of: datetime.date
    lines: list[PlanLine]
    #: Training of the year with no theme, or a theme the plan does not have.
    unplanned: list[Activity]
    themes: dict[int, Theme]

    def counts(self) -> dict[str, int]:
        """How many lines are in each state."""
        counts = dict.fromkeys(STATE_LABELS, 0)
        for line in self.lines:
            counts[line.state] += 1
        return counts

    def as_dict(self, external: bool = False) -> list[dict]:
        """The plan as the annual review's JSON: ``{"theme", "groups", "planned", "done"}`` per
        line, with the planned period's first and last day, its note and its state."""
        return [
            {
                "theme": self.themes[line.item.theme_id].name,
                "groups": line.item.groups,
                "planned": str(line.item.get_period_display()),
                "planned_from": line.item.months()[0].isoformat(),
                "planned_to": line.item.months()[1].isoformat(),
                "note": line.item.note,
                "state": line.state,
                "done": [activity.as_dict(external) for activity in line.done],
            }
            for line in self.lines
        ]

    def unplanned_as_dict(self, external: bool = False) -> list[dict]:
        """The training done without a plan, with its theme (``None``: none)."""
        return [{**activity.as_dict(external), "theme": activity.theme_name} for activity in self.unplanned]


def activities(organisation: Organisation, year: int, now: datetime.datetime | None = None) -> list[Activity]:
    """The training the organisation's people took part in during ``year`` (until now), one
    activity per record, run or self-paced course, by first day. Six queries: the people, the
    training (three) and the themes of the records and of the runs' and courses' courses."""
    start, end = year_period(year)
    period = ReportPeriod.of([organisation], start, end, now=now)
    people = {person.pk: person for person in members_of(period.ids)}
    found: dict[tuple[str, int], Activity] = {}
    for item, person in counted(period, trainings(Scope(period.ids), start, period.as_of), people):
        activity = found.get((item.kind, item.source))
        if activity is None:
            activity = found[item.kind, item.source] = Activity(
                item.kind, item.source, item.title, item.day, item.day
            )
        activity.first_day = min(activity.first_day, item.day)
        activity.last_day = max(activity.last_day, item.day)
        activity.people.add(person.pk)
        if item.kind == SESSION:
            # A run's hours are its held sessions' (each once, however many attended it).
            if (item.day, item.ends_at) not in activity._sessions:
                activity._sessions.add((item.day, item.ends_at))
                activity.hours += item.hours
        else:
            activity.hours = item.hours
    _attach_themes(found)
    return sorted(found.values(), key=lambda a: (a.first_day, a.title, a.source))


def _attach_themes(found: dict[tuple[str, int], Activity]) -> None:
    ids: dict[str, list[int]] = defaultdict(list)
    for kind, source in found:
        ids[kind].append(source)
    themes: dict[tuple[str, int], int | None] = {}
    if ids[RECORD]:
        rows = TrainingRecord.all_objects.filter(pk__in=ids[RECORD]).values_list("pk", "theme_id")
        themes.update(((RECORD, pk), theme) for pk, theme in rows)
    if ids[SESSION]:
        rows = CourseRun.objects.filter(pk__in=ids[SESSION]).values_list("pk", "course__theme_id")
        themes.update(((SESSION, pk), theme) for pk, theme in rows)
    if ids[COURSE]:
        rows = CoursePage.objects.filter(pk__in=ids[COURSE]).values_list("pk", "theme_id")
        themes.update(((COURSE, pk), theme) for pk, theme in rows)
    for key, activity in found.items():
        activity.theme_id = themes.get(key)


def plan_against_done(
    organisation: Organisation, year: int, now: datetime.datetime | None = None
) -> PlanAgainstDone:
    """Each line of the organisation's plan for ``year`` with the training of its theme done in
    the year (until today), and its state today: done when training of its theme was done in the
    year; else late once its planned period has ended (before today); else planned. Eight
    queries however many lines and activities."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    as_of = min(year_period(year)[1], today)
    items = list(PlanItem.objects.filter(organisation=organisation, year=year).order_by())
    themes = {theme.pk: theme for theme in Theme.objects.filter(organisation=organisation)}
    done = activities(organisation, year, now)
    by_theme: dict[int | None, list[Activity]] = defaultdict(list)
    for activity in done:
        if activity.theme_id in themes:
            activity.theme_name = themes[activity.theme_id].name
        by_theme[activity.theme_id].append(activity)
    lines = []
    for item in sorted(
        items, key=lambda i: (themes[i.theme_id].sort_order, themes[i.theme_id].name, i.months())
    ):
        of_theme = by_theme.get(item.theme_id, [])
        if of_theme:
            state = DONE
        elif item.months()[1] < today:
            state = LATE
        else:
            state = COMING
        lines.append(PlanLine(item, of_theme, state))
    planned = {item.theme_id for item in items}
    unplanned = [activity for activity in done if activity.theme_id not in planned]
    return PlanAgainstDone(organisation, year, as_of, lines, unplanned, themes)
