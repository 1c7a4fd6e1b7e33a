"""The competence report's figures: what the board hands the municipality and funders.

``competence_report(organisation, start, end, external=False)`` computes every section for a
period in a fixed number of queries and returns plain data (dicts and lists) shaped like the
JSON of ``manage.py competence_report``. The external version (for funders) holds no names or
emails, shows every count from 1 to 4 as "<5" (and the hours beside it too), and hides as "x" a
total that would let a reader work such a count out from its parts (:func:`external_version`).

The report reads its facts once (:class:`Facts`: the people, their qualifications and training,
the sessions, records, completions and enrolments, in eleven queries with the roles however many
organisations, people and years there are), and each section counts them in Python for every
organisation at once, by organisation id, over a :class:`ReportPeriod` (the organisations, the
dates, and the period or one of its years). The rules it counts by are written once: who is
active (``people/membership.py``), what is valid (``certifications/validity.py``), the hours and
who is cleared (``certifications/clearance.py``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from courses.models import (
    Completion,
    CourseKind,
    Enrolment,
    EnrolmentStatus,
)
from courses.scheduling import held_within
from jour_core.exports import Pseudonyms
from jour_core.numbers import number, percent
from people.membership import is_member_on, members_on
from people.models import MEMBER_GROUPS, Organisation

from ..applicability import applies
from ..clearance import (
    COURSE,
    RECORD,
    SESSION,
    Member,
    Scope,
    SessionRow,
    Training,
    clearance_of_members,
    collector_paused,
    earliest_window,
    members_of,
    qualifications_of,
    roles_of,
    sessions_of,
    trainings,
)
from ..dates import format_hours
from ..models import Qualification, QualificationType, ShiftRole, TrainingRecord
from ..validity import is_valid_on, valid_on

GROUPS = list(MEMBER_GROUPS)
SUPPRESSED = "<5"
#: In the external version, a figure at 5 or more hidden because, beside the others, it would
#: let a reader work out a count that is "<5" (secondary suppression).
HIDDEN = "x"
#: What the external version's files say of "<5" and "x" under their title.
WITHHELD_NOTE = gettext_lazy(
    "External version: counts from 1 to 4 are shown as <5, and x marks a figure not shown so that "
    "such a count cannot be worked out from the others."
)
#: What ``organisation`` says in a report summed over every organisation (the umbrella's).
ALL_ORGANISATIONS = "all"
#: The umbrella's overview counts the qualifications that lapse within this many days.
LAPSING_DAYS = 60


def year_period(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def report_period(report: dict) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a computed (or stored) report's period."""
    period = report["period"]
    return datetime.date.fromisoformat(period["start"]), datetime.date.fromisoformat(period["end"])


def suppress(count: int) -> int | str:
    """A count from 1 to 4 becomes "<5" in the external version (0 and 5 or more are shown)."""
    return SUPPRESSED if 1 <= count <= 4 else count


def _suppress_groups(counts: dict[str, int]) -> dict[str, int | str]:
    return {group: suppress(n) for group, n in counts.items()}


def _hours_of(hours: float | int | str, people: int | str) -> float | int | str:
    """Hours beside a count of people: suppressed or hidden with it (6 hours a person and 18 in
    all tell that 3 trained)."""
    return people if people in (SUPPRESSED, HIDDEN) else hours


def is_withheld(value) -> bool:
    """Whether a figure of the external version is not shown: "<5" or hidden ("x")."""
    return value in (SUPPRESSED, HIDDEN)


def external_version(report: dict) -> dict:
    """The report for funders: no names, every count of people from 1 to 4 as "<5", and the
    hours of any group or line whose count of people is suppressed as "<5" too; then the totals
    that would give a suppressed count away (a total and its parts) hidden as "x"
    (:func:`_hide_totals`), so that no figure lets a reader work out a count from 1 to 4."""
    basic = report["basic_training"]
    trained = _suppress_groups(report["trained"])
    people = report["people"]
    external = {
        **report,
        "people": {
            **{group: _suppress_groups(people[group]) for group in GROUPS},
            "shift_workers": suppress(people["shift_workers"]),
            "board_only": suppress(people["board_only"]),
        },
        "total_active": suppress(report["total_active"]),
        "basic_training": {
            **basic,
            **{key: suppress(basic[key]) for key in ("runs", "sessions", "participants", "completed")},
        },
        "basic_holders": suppress(report["basic_holders"]),
        "continuing_education": [_external_line(item) for item in report["continuing_education"]],
        "trained": trained,
        "training_hours": {
            key: _hours_of(value, trained[key]) for key, value in report["training_hours"].items()
        },
        "hours_distribution": {
            "zero": suppress(report["hours_distribution"]["zero"]),
            "met_minimum": _suppress_groups(report["hours_distribution"]["met_minimum"]),
        },
        "qualifications": [
            {**item, "valid": _suppress_groups(item["valid"]), "lapsed": suppress(item["lapsed"])}
            for item in report["qualifications"]
        ],
        "pledge": _suppress_groups(report["pledge"]),
        "clearance": [
            {**item, "cleared": suppress(item["cleared"]), "shift_workers": suppress(item["shift_workers"])}
            for item in report["clearance"]
        ],
    }
    if "per_year" in report:
        external["per_year"] = [_external_year(year) for year in report["per_year"]]
    external.pop("hours_per_person", None)
    _hide_totals(external)
    return external


class _Cell(NamedTuple):
    """A figure of the external report: where it is (a dict, and its key there)."""

    within: dict
    key: str

    @property
    def value(self):
        return self.within[self.key]

    @property
    def place(self) -> tuple[int, str]:
        return id(self.within), self.key

    def hide(self) -> None:
        self.within[self.key] = HIDDEN


class _Sum(NamedTuple):
    """A total shown beside its parts (people may be in several parts: a reader who takes the
    parts as apart may still work a count out). ``parts_first``: hide a part rather than the
    total (the period's main figures against its years)."""

    total: _Cell
    parts: list[_Cell]
    parts_first: bool = False

    def hide_one(self) -> bool:
        """Hide the total or (``parts_first``, or the total not shown) the smallest shown part;
        whether there was one to hide."""
        shown = sorted((c for c in self.parts if not is_withheld(c.value) and c.value), key=lambda c: c.value)
        if not is_withheld(self.total.value) and (not self.parts_first or not shown):
            self.total.hide()
        elif shown:
            shown[0].hide()
        else:
            return False
        return True


#: What a reader knows of a hidden figure ("x"): 5 or more.
_UNBOUNDED = 10**9


def _hide_totals(external: dict) -> None:
    """Secondary suppression: while a reader could pin a "<5" to one value from the totals and
    their parts (:func:`_pinned`), hide one more figure of a sum that bears on it ("x"): a total
    before a part, where one is still shown. A count hidden hides the hours beside it."""
    sums = _sums(external)
    while pinned := _pinned(sums):
        if not _hide_one_more(sums, pinned):
            break  # nothing left to hide: every figure beside the "<5" is withheld already
    people = external["people"]
    for row in external["clearance"]:
        row["shift_workers"] = people["shift_workers"]
    trained, hours = external["trained"], external["training_hours"]
    for key in hours:
        hours[key] = _hours_of(hours[key], trained[key])
    for year in external.get("per_year", []):
        year["training_hours_total"] = _hours_of(year["training_hours_total"], year["trained"])


def _hide_one_more(sums: list[_Sum], pinned: set[tuple[int, str]]) -> bool:
    """Hide one figure against the pinned ones: the total of a sum they are in, or else of a sum
    that bears on them; or else a part. Whether one was hidden."""
    direct = [total for total in sums if pinned & {cell.place for cell in (total.total, *total.parts)}]
    around = _around(sums, pinned)
    for candidates in (direct, around):
        for total in candidates:
            if not is_withheld(total.total.value) and not total.parts_first:
                total.total.hide()
                return True
    return any(total.hide_one() for total in direct + around)


def _around(sums: list[_Sum], places: set[tuple[int, str]]) -> list[_Sum]:
    """The sums that bear on the figures at ``places``: those they are in, and those that share
    a figure with one of these, and so on (in the order of ``sums``)."""
    reached, found = set(places), True
    while found:
        found = False
        for total in sums:
            cells = {cell.place for cell in (total.total, *total.parts)}
            if cells & reached and not cells <= reached:
                reached |= cells
                found = True
    return [total for total in sums if reached & {cell.place for cell in (total.total, *total.parts)}]


def _pinned(sums: list[_Sum]) -> set[tuple[int, str]]:
    """The places of the "<5" figures a reader can pin to one value, taking every total as the
    sum of its parts: the bounds each figure can take (a shown figure its value, "<5" 1 to 4,
    "x" 5 or more), narrowed through the sums until they settle. A sum its figures cannot meet
    (people in two groups) counts as pinning its "<5" figures: hiding one more of it is safe."""
    bounds: dict[tuple[int, str], tuple[int, int]] = {}
    for total in sums:
        for cell in (total.total, *total.parts):
            value = cell.value
            bounds[cell.place] = (
                (1, 4) if value == SUPPRESSED else (5, _UNBOUNDED) if value == HIDDEN else (value, value)
            )
    broken: set[tuple[int, str]] = set()
    changed = True
    while changed:
        changed = False
        for total in sums:
            places = [cell.place for cell in (total.total, *total.parts)]
            narrowed = _narrow([bounds[place] for place in places])
            if narrowed is None:
                broken.update(places)
                continue
            for place, new in zip(places, narrowed, strict=True):
                if new != bounds[place]:
                    bounds[place], changed = new, True
    return {
        cell.place
        for total in sums
        for cell in (total.total, *total.parts)
        if cell.value == SUPPRESSED
        and (bounds[cell.place][0] == bounds[cell.place][1] or cell.place in broken)
    }


def _narrow(ranges: list[tuple[int, int]]) -> list[tuple[int, int]] | None:
    """The bounds of a total (first) and its parts, each narrowed by the others' (the total is
    the sum of the parts); None when they cannot meet."""
    (low, high), parts = ranges[0], ranges[1:]
    parts_low, parts_high = sum(lo for lo, _hi in parts), sum(hi for _lo, hi in parts)
    low, high = max(low, parts_low), min(high, parts_high)
    narrowed = [(low, high)]
    for lo, hi in parts:
        narrowed.append((max(lo, low - (parts_high - hi)), min(hi, high - (parts_low - lo))))
    if any(lo > hi for lo, hi in narrowed):
        return None
    return narrowed


def _sums(external: dict) -> list[_Sum]:
    """The totals the external report shows beside their parts."""
    people = external["people"]
    sums = [
        _Sum(_Cell(people, "shift_workers"), [_Cell(people[group], "active") for group in SHIFT_GROUPS]),
        _Sum(_Cell(external, "total_active"), [_Cell(people, "shift_workers"), _Cell(people, "board_only")]),
        _Sum(_Cell(external["trained"], "total"), [_Cell(external["trained"], group) for group in GROUPS]),
    ]
    for line in external["continuing_education"]:
        sums.append(
            _Sum(_Cell(line, "participants_total"), [_Cell(line["participants"], group) for group in GROUPS])
        )
    years = external.get("per_year", [])
    for key, total in (
        ("sessions", _Cell(external["basic_training"], "sessions")),
        ("participants", _Cell(external["basic_training"], "participants")),
        ("completed", _Cell(external["basic_training"], "completed")),
        ("trained", _Cell(external["trained"], "total")),
    ):
        if years:
            sums.append(_Sum(total, [_Cell(year, key) for year in years], parts_first=True))
    return sums


def _external_year(year: dict) -> dict:
    trained = suppress(year["trained"])
    return {
        **year,
        **{key: suppress(year[key]) for key in ("sessions", "participants", "completed")},
        "trained": trained,
        "training_hours_total": _hours_of(year["training_hours_total"], trained),
    }


def _external_line(item: dict) -> dict:
    total = suppress(item["participants_total"])
    return {
        **item,
        "participants": _suppress_groups(item["participants"]),
        "participants_total": total,
        "hours": _hours_of(item["hours"], total),
    }


def _hours(value: Decimal | None) -> float | int:
    text = format_hours(value or Decimal(0))
    return float(text) if "." in text else int(text)


@dataclass(frozen=True)
class ReportPeriod:
    """What every section of the report works on: the organisations, the period's first and last
    day, the day its figures are as of and the moment it is made.

    A report is about what happened: its figures are as of ``as_of``, the period's end or, while
    the period lasts, today. A session counts as held once it has ended (before ``now``); one
    still to come is only planned. Who is active, which qualifications are valid and who is
    cleared are judged on ``as_of``; records and completions count up to it."""

    organisations: tuple[Organisation, ...]
    start: datetime.date
    end: datetime.date
    ids: tuple[int, ...]
    as_of: datetime.date
    now: datetime.datetime

    @classmethod
    def of(
        cls, organisations, start: datetime.date, end: datetime.date, now: datetime.datetime | None = None
    ) -> ReportPeriod:
        organisations = tuple(organisations)
        ids = tuple(o.pk for o in organisations)
        now = now or timezone.now()
        as_of = min(end, timezone.localdate(now))
        return cls(organisations, start, end, ids, as_of, now)

    @property
    def until(self) -> tuple[datetime.date, datetime.date]:
        """The dates the records and completions of the period count within."""
        return self.start, self.as_of

    def part(self, year: int) -> ReportPeriod:
        """The part of the period within one calendar year, as of the same moment."""
        return ReportPeriod.of(
            self.organisations,
            max(self.start, datetime.date(year, 1, 1)),
            min(self.end, datetime.date(year, 12, 31)),
            now=self.now,
        )


def counted(
    part: ReportPeriod, training: Iterable[Training], people: dict[int, Member]
) -> list[tuple[Training, Member]]:
    """The training the report counts in ``part`` (the period or a year of it), each with its
    person: of one of the organisations' people (``people``, by id), given by her own
    organisation (its record, run or course), dated in the part until its ``as_of`` and, for a
    session, held (ended)."""
    start, as_of, now = part.start, part.as_of, part.now
    return [
        (item, person)
        for item in training
        if (person := people.get(item.person)) is not None
        and item.organisation == person.organisation_id
        and start <= item.day <= as_of
        and (item.ends_at is None or item.ends_at <= now)
    ]


@dataclass(frozen=True)
class Facts:
    """What the report reads, once and in a fixed number of queries, and its sections count
    (for the period and for each of its years)."""

    #: The day the figures are as of (the period's).
    as_of: datetime.date
    #: Every person of the organisations, by name.
    members: list[Member]
    #: Their qualifications issued until ``as_of`` (:func:`qualifications_of`).
    held: list[tuple]
    #: Their training from the earliest hours window of a role, or the period's start, until
    #: ``as_of`` (:func:`trainings`): the report counts some (:func:`counted`), the
    #: clearance engine all.
    training: list[Training]
    #: The organisations' sessions (not cancelled) from the training's first day to the end.
    sessions: dict[int, SessionRow]
    #: The organisations' live training records of the period until ``as_of``:
    #: (id, organisation, title, provider, date, hours).
    records: list[tuple]
    #: (organisation, completed_on) of each completion of a basic course in the period.
    completed_basic: list[tuple[int, datetime.date]]
    #: (run, organisation, person) of the enrolments in basic runs with a session held in it.
    enrolled: list[tuple[int, int, int]]

    @cached_property
    def people(self) -> dict[int, Member]:
        """``members`` by id."""
        return {person.pk: person for person in self.members}

    @cached_property
    def active(self) -> dict[int, Member]:
        """The people active on ``as_of``, by id (in the order of ``members``)."""
        return {p.pk: p for p in self.members if is_member_on(p.joined_on, p.left_on, self.as_of)}

    @cached_property
    def shift_workers(self) -> set[int]:
        """The ids of the active volunteers and staff (who work shifts)."""
        return {pk for pk, person in self.active.items() if works_shifts(person)}

    @classmethod
    def read(cls, period: ReportPeriod, roles: list[ShiftRole]) -> Facts:
        """Eight queries (the training: two)."""
        ids = period.ids
        members = members_of(ids, by_name=True)
        first = min(period.start, earliest_window(roles, period.as_of) or period.start)
        sessions = sessions_of(held_within(first, period.end) & Q(run__organisation__in=ids))
        basic_runs = {
            s.run
            for s in sessions.values()
            if s.kind == CourseKind.BASIC and s.ends_at <= period.now and s.day >= period.start
        }
        return cls(
            as_of=period.as_of,
            members=members,
            held=qualifications_of(Scope(ids), period.as_of),
            training=trainings(Scope(ids), first, period.as_of, sessions),
            sessions=sessions,
            records=list(
                TrainingRecord.objects.filter(organisation__in=ids, date__range=period.until)
                .order_by()
                .values_list("pk", "organisation_id", "title", "provider", "date", "hours")
            ),
            completed_basic=list(
                Completion.objects.filter(
                    course__organisation__in=ids,
                    course__kind=CourseKind.BASIC,
                    completed_on__range=period.until,
                ).values_list("course__organisation_id", "completed_on")
            ),
            enrolled=list(
                Enrolment.objects.filter(
                    status=EnrolmentStatus.ENROLLED, run__in=sorted(basic_runs)
                ).values_list("run_id", "run__organisation_id", "person_id")
            ),
        )

    @cached_property
    def _counted(self) -> dict[tuple[datetime.date, datetime.date], list[tuple[Training, Member]]]:
        return {}

    def counted(self, part: ReportPeriod) -> list[tuple[Training, Member]]:
        """The training the report counts in ``part`` (:func:`counted`), worked out once per part."""
        key = (part.start, part.end)
        if key not in self._counted:
            self._counted[key] = counted(part, self.training, self.people)
        return self._counted[key]

    def hours(self, part: ReportPeriod) -> dict[int, Decimal]:
        """Each person's hours in ``part`` (the report's: :meth:`counted`)."""
        hours: dict[int, Decimal] = defaultdict(Decimal)
        for item, _person in self.counted(part):
            hours[item.person] += item.hours
        return hours


def competence_report(
    organisation: Organisation, start: datetime.date, end: datetime.date, external: bool = False
) -> dict:
    return competence_reports([organisation], start, end, external=external)[organisation.pk]


def competence_reports(
    organisations: list[Organisation], start: datetime.date, end: datetime.date, external: bool = False
) -> dict[int, dict]:
    """The report of every organisation for the period, by organisation id, in a fixed number
    of queries however many organisations, people and years there are (:class:`Facts`)."""
    return timed_reports(organisations, start, end, external)[0]


def timed_reports(
    organisations: list[Organisation], start: datetime.date, end: datetime.date, external: bool = False
) -> tuple[dict[int, dict], datetime.datetime | None]:
    """:func:`competence_reports`, with the moment their figures change by the clock alone
    within today (:func:`held_next`): for whoever keeps them."""
    if end < start:
        raise ValueError("the period ends before it starts")
    period = ReportPeriod.of(organisations, start, end)
    with collector_paused():
        reports, facts = _competence_reports(period, external)
    return reports, held_next(period, facts)


def held_next(period: ReportPeriod, facts: Facts) -> datetime.datetime | None:
    """The next end of a session the report read (a session counts once it has ended), or None.
    Within a day nothing else the figures count by moves: the date (``as_of``) moves at
    midnight."""
    return min((s.ends_at for s in facts.sessions.values() if s.ends_at > period.now), default=None)


def _competence_reports(period: ReportPeriod, external: bool) -> tuple[dict[int, dict], Facts]:
    """Every section, each for all the organisations at once, then one report per organisation,
    with the facts they were counted from. The people and their qualifications are read once:
    several sections count them."""
    roles = roles_of(list(period.organisations))
    facts = Facts.read(period, roles)
    people = people_per_group(period, facts)
    basic = basic_training(period, facts)
    continuing = continuing_education(period, facts)
    hours = training_hours(period, roles, facts)
    qualifications = qualifications_per_type(period, facts)
    years = per_year(period, facts)
    clearance = clearance_per_role(period, roles, facts)
    reports = {}
    for organisation in period.organisations:
        pk = organisation.pk
        report = {
            "organisation": organisation.slug,
            "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
            "as_of": period.as_of.isoformat(),
            **people[pk],
            "basic_training": basic[pk],
            "continuing_education": continuing[pk],
            **hours[pk],
            **qualifications[pk],
            "clearance": [
                {**row, "shift_workers": people[pk]["people"]["shift_workers"]} for row in clearance[pk]
            ],
        }
        if years[pk]:
            report["per_year"] = years[pk]
        if external:
            report = external_version(report)
        report["narrative"] = narrative(report, organisation.name)
        reports[pk] = report
    return reports, facts


# The sections -------------------------------------------------------------------------------------

#: Who works shifts: active volunteers and staff (each person once). Shares are of them; members
#: who are only on the board are shown on their own.
SHIFT_GROUPS = ("volunteer", "staff")


def works_shifts(person: Member) -> bool:
    return any(group in SHIFT_GROUPS for group in person.member_groups)


def people_per_group(period: ReportPeriod, facts: Facts) -> dict[int, dict]:
    """Per organisation, its ``people`` (per group: active on ``as_of``, joined and left during
    the period until then; ``shift_workers``, the active volunteers and staff, and ``board_only``,
    each person once) and ``total_active`` (each person once)."""
    start, as_of = period.until
    figures = {
        pk: {
            "people": {
                **{group: {"active": 0, "joined": 0, "left": 0} for group in GROUPS},
                "shift_workers": 0,
                "board_only": 0,
            },
            "total_active": 0,
        }
        for pk in period.ids
    }
    for person in facts.members:
        figure = figures[person.organisation_id]
        counts = figure["people"]
        active = person.pk in facts.active
        for group in person.member_groups:
            counts[group]["active"] += active
            counts[group]["joined"] += person.joined_on is not None and start <= person.joined_on <= as_of
            counts[group]["left"] += person.left_on is not None and start <= person.left_on <= as_of
        if active:
            figure["total_active"] += 1
            shifts = person.pk in facts.shift_workers
            counts["shift_workers"] += shifts
            counts["board_only"] += not shifts and "board" in person.member_groups
    return figures


def basic_training(part: ReportPeriod, facts: Facts) -> dict[int, dict]:
    """Per organisation, the basic training's runs, sessions and hours held in ``part`` (the
    period or a year of it), the sessions still planned in it, its participants (enrolled in a
    run with a session held in it) and those who completed it."""
    figures = {
        pk: {
            "runs": set(),
            "sessions": 0,
            "hours": Decimal(0),
            "participants": set(),
            "completed": 0,
            "planned": 0,
        }
        for pk in part.ids
    }
    for session in facts.sessions.values():
        if session.kind != CourseKind.BASIC or not part.start <= session.day <= part.end:
            continue
        figure = figures[session.organisation]
        if session.ends_at <= part.now:
            figure["runs"].add(session.run)
            figure["sessions"] += 1
            figure["hours"] += session.hours
        else:
            figure["planned"] += 1
    for run, organisation, person in facts.enrolled:
        if run in figures[organisation]["runs"]:
            figures[organisation]["participants"].add(person)
    for organisation, day in facts.completed_basic:
        figures[organisation]["completed"] += part.start <= day <= part.as_of
    return {
        pk: {
            "runs": len(figure["runs"]),
            "sessions": figure["sessions"],
            "hours": _hours(figure["hours"]),
            "participants": len(figure["participants"]),
            "completed": figure["completed"],
            "planned_sessions": figure["planned"],
        }
        for pk, figure in figures.items()
    }


def continuing_education(part: ReportPeriod, facts: Facts) -> dict[int, list[dict]]:
    """Per organisation, the continuing education of ``part`` (the period or a year of it) in
    date order, each line with its participants per group and in all (each person once):

    - external records grouped by title, provider and date (a line may hold records nobody
      attended; a line of several records shows the largest of their hours, where the training
      hours add each record up);
    - its own continuing-education runs with a session held in it (the date of the first, the
      hours of all);
    - its self-paced courses completed in it (the date of the first completion, the course's
      hours)."""
    names = {o.pk: o.name for o in part.organisations}
    lines: dict[tuple, dict] = {}
    record_lines: dict[int, tuple] = {}
    for pk, organisation, title, provider, day, hours in facts.records:
        if part.start <= day <= part.as_of:
            key = (RECORD, organisation, title, provider, day)
            line = lines.setdefault(key, _line(organisation, title, provider, day))
            line["hours"] = max(line["hours"], hours)
            record_lines[pk] = key
    for session in facts.sessions.values():
        held = session.ends_at <= part.now and part.start <= session.day <= part.end
        if held and session.kind == CourseKind.CONTINUING:
            key = (SESSION, session.run)
            line = lines.get(key) or lines.setdefault(
                key, _line(session.organisation, session.title, names[session.organisation], session.day)
            )
            line["date"] = min(line["date"], session.day)
            line["hours"] += session.hours
    for item, person in facts.counted(part):
        if item.kind == COURSE:
            key = (COURSE, item.source)
            line = lines.get(key) or lines.setdefault(
                key, _line(item.organisation, item.title, names[item.organisation], item.day)
            )
            line["date"] = min(line["date"], item.day)
            line["hours"] = max(line["hours"], item.hours)
        else:
            key = record_lines.get(item.source) if item.kind == RECORD else (SESSION, item.source)
            line = lines.get(key)
        if line is not None:
            line["people"][person.pk] = person.member_groups
    continuing: dict[int, list[dict]] = {pk: [] for pk in part.ids}
    for line in lines.values():
        people = line.pop("people")
        organisation = line.pop("organisation")
        continuing[organisation].append(
            {
                **line,
                "date": line["date"].isoformat(),
                "hours": _hours(line["hours"]),
                "participants": {group: sum(group in g for g in people.values()) for group in GROUPS},
                "participants_total": len(people),
            }
        )
    return {
        pk: sorted(items, key=lambda item: (item["date"], item["title"], item["provider"], item["hours"]))
        for pk, items in continuing.items()
    }


def _line(organisation: int, title: str, provider: str, day: datetime.date) -> dict:
    """A line of continuing education as it is added up."""
    return {
        "organisation": organisation,
        "title": title,
        "provider": provider,
        "date": day,
        "hours": Decimal(0),
        "people": {},
    }


def training_hours(period: ReportPeriod, roles: list[ShiftRole], facts: Facts) -> dict[int, dict]:
    """Per organisation: ``training_hours`` per group and ``total`` (each person once),
    ``trained`` (how many people had hours, per group and in all), ``hours_distribution`` over
    the active volunteers and staff (how many had none, how many met each role's minimum) and
    ``hours_per_person`` (each active person, in the order of ``members``; the external version
    drops it)."""
    hours = facts.hours(period)
    minimums = {
        pk: {r.name: r.min_training_hours for r in roles if r.organisation_id == pk and r.min_training_hours}
        for pk in period.ids
    }
    figures = {pk: _empty_hours(minimums[pk]) for pk in period.ids}
    # One pseudonym per protected person within one organisation's report: numbered among her
    # organisation's, so a number says nothing about the others in the same call.
    counted = [p for p in facts.members if p.pk in hours or p.pk in facts.active]
    pseudonyms = {
        pk: Pseudonyms(p for p in counted if p.protected_identity and p.organisation_id == pk)
        for pk in period.ids
    }
    labels = {group: str(label) for group, label in MEMBER_GROUPS.items()}
    for person in counted:
        pk = person.organisation_id
        figure, value = figures[pk], hours.get(person.pk, Decimal(0))
        if value:
            for key in [*person.member_groups, "total"]:
                figure["training_hours"][key] += value
                figure["trained"][key] += 1
        if person.pk in facts.active:
            name = pseudonyms[pk](person) if person.protected_identity else person.get_full_name()
            groups = [labels[group] for group in person.member_groups]
            figure["hours_per_person"].append({"name": name, "groups": groups, "hours": _hours(value)})
            if person.pk in facts.shift_workers:
                _distribute(figure["hours_distribution"], minimums[pk], value)
    for figure in figures.values():
        figure["training_hours"] = {key: _hours(value) for key, value in figure["training_hours"].items()}
    return figures


def _empty_hours(minimums: dict[str, Decimal]) -> dict:
    return {
        "training_hours": {**dict.fromkeys(GROUPS, Decimal(0)), "total": Decimal(0)},
        "trained": {**dict.fromkeys(GROUPS, 0), "total": 0},
        "hours_distribution": {"zero": 0, "met_minimum": dict.fromkeys(minimums, 0)},
        "hours_per_person": [],
    }


def _distribute(distribution: dict, minimums: dict[str, Decimal], hours: Decimal) -> None:
    """Count an active volunteer's or staff member's hours: none, and each role's minimum met."""
    distribution["zero"] += not hours
    for name, minimum in minimums.items():
        distribution["met_minimum"][name] += hours >= minimum


def qualifications_per_type(period: ReportPeriod, facts: Facts) -> dict[int, dict]:
    """Per organisation, counted over ``facts.held`` (:func:`qualifications_of`: every qualification
    of the organisations' people issued on or before ``as_of``) for its people active then:

    - ``qualifications``: its qualification types (by name), each with the member groups it
      applies to (``applies_to``, empty for all: ``certifications/applicability.py``), the
      people holding one valid on ``as_of``, per group, and how many of those it applies to
      held one but have none valid (lapsed);
    - ``basic_holders``: the active volunteers and staff holding a valid qualification granted
      by a basic-training course;
    - ``pledge``: the confidentiality pledge (the types marked ``is_pledge``) of the active
      volunteers and staff: how many hold a current one, how many fell due for renewal in the
      period until ``as_of``, and how many of those were renewed on time (a later pledge given
      on or before the day the old one fell due).

    One query (the types)."""
    start, as_of = period.until
    types = {
        row[0]: row
        for row in QualificationType.objects.filter(organisation__in=period.ids)
        .order_by("name", "pk")
        .values_list("pk", "organisation_id", "name", "granted_by_course__kind", "is_pledge", "applies_to")
    }
    active = facts.active
    holders: dict[int, set[int]] = defaultdict(set)
    valid: dict[int, set[int]] = defaultdict(set)
    pledges: dict[tuple[int, int], list[tuple]] = defaultdict(list)
    for row in facts.held:
        person_id, type_id, issued, expires, revoked, _pk = row
        person, qtype = active.get(person_id), types.get(type_id)
        if person is None or qtype is None or qtype[1] != person.organisation_id:
            continue
        holders[type_id].add(person_id)
        if is_valid_on(as_of, issued, expires, revoked):
            valid[type_id].add(person_id)
        if qtype[4] and person_id in facts.shift_workers:
            pledges[person_id, type_id].append(row)
    figures = {
        pk: {
            "qualifications": [],
            "basic_holders": set(),
            "pledge": {"current": set(), "due": 0, "renewed_on_time": 0},
        }
        for pk in period.ids
    }
    for type_id, organisation_id, name, course_kind, is_pledge, groups in types.values():
        figure = figures[organisation_id]
        people = [active[pk] for pk in valid[type_id]]
        lapsed = holders[type_id] - valid[type_id]
        figure["qualifications"].append(
            {
                "type": name,
                "applies_to": groups,
                "valid": {group: sum(group in p.member_groups for p in people) for group in GROUPS},
                "lapsed": sum(applies(groups, active[pk].member_groups) for pk in lapsed),
            }
        )
        shift_workers = {p.pk for p in people} & facts.shift_workers
        if course_kind == CourseKind.BASIC:
            figure["basic_holders"] |= shift_workers
        if is_pledge:
            figure["pledge"]["current"] |= shift_workers
    for rows in pledges.values():
        pledge = figures[types[rows[0][1]][1]]["pledge"]
        for _person, _type, issued, expires, _revoked, _pk in rows:
            if expires is not None and start <= expires <= as_of:
                pledge["due"] += 1
                pledge["renewed_on_time"] += any(issued < later[2] <= expires for later in rows)
    for figure in figures.values():
        figure["basic_holders"] = len(figure["basic_holders"])
        figure["pledge"]["current"] = len(figure["pledge"]["current"])
    return figures


def per_year(period: ReportPeriod, facts: Facts) -> dict[int, list[dict]]:
    """Per organisation, when the period spans more than one calendar year, the main figures of
    each year's part of it side by side (the municipality follows up every four years): the
    basic training's sessions, hours, participants and completions, the continuing-education
    lines and the training hours (each person once), counted over the same facts."""
    years = range(period.start.year, period.end.year + 1)
    rows: dict[int, list[dict]] = {pk: [] for pk in period.ids}
    if len(years) < 2:
        return rows
    for year in years:
        part = period.part(year)
        basic = basic_training(part, facts)
        lines = continuing_education(part, facts)
        totals: dict[int, Decimal] = defaultdict(Decimal)
        trained: dict[int, int] = defaultdict(int)
        for person, value in facts.hours(part).items():
            if value:
                totals[facts.people[person].organisation_id] += value
                trained[facts.people[person].organisation_id] += 1
        for pk in period.ids:
            rows[pk].append(
                {
                    "year": year,
                    **{key: basic[pk][key] for key in ("sessions", "hours", "participants", "completed")},
                    "continuing_education_lines": len(lines[pk]),
                    "training_hours_total": _hours(totals.get(pk)),
                    "trained": trained.get(pk, 0),
                }
            )
    return rows


def clearance_per_role(period: ReportPeriod, roles: list[ShiftRole], facts: Facts) -> dict[int, list[dict]]:
    """Per organisation, each shift role with how many active volunteers and staff are cleared
    for it on ``as_of``: the clearance engine on the people, qualifications and training the
    report read."""
    cleared: dict[int, int] = defaultdict(int)
    # Only they are counted: the engine need not decide for the others.
    shift_workers = [facts.active[pk] for pk in facts.active if pk in facts.shift_workers]
    for result in clearance_of_members(
        period.ids, period.as_of, roles, shift_workers, facts.held, facts.training
    ):
        if result.cleared:
            cleared[result.role.id] += 1
    per_organisation: dict[int, list[dict]] = {pk: [] for pk in period.ids}
    for role in roles:
        if role.organisation_id in per_organisation:
            per_organisation[role.organisation_id].append({"role": role.name, "cleared": cleared[role.id]})
    return per_organisation


def narrative(report: dict, organisation: str) -> str:
    """How the association ensures its people are competent, in words made only from the
    figures; in the external version no sentence holds a figure that is suppressed."""
    parts = [
        _(
            "%(org)s ensures that its staff and volunteers are competent and suitable through its own basic "
            "training, a study circle, and continuing education."
        )
        % {"org": organisation},
        _("Figures as of %(date)s.") % {"date": report["as_of"]},
    ]
    sentences = (_study_circle(report), _continuing(report), _basic_share(report), _pledge(report))
    parts += [sentence for sentence in sentences if sentence]
    return " ".join(parts)


def _shown(*values) -> bool:
    return not any(is_withheld(value) for value in values)


def _study_circle(report: dict) -> str:
    basic = report["basic_training"]
    if not basic["sessions"] or not _shown(basic["sessions"], basic["participants"], basic["completed"]):
        return ""
    return " ".join(
        [
            ngettext(
                "During the period the study circle met once, %(hours)s hours in all.",
                "During the period the study circle met %(sessions)s times, %(hours)s hours in all.",
                basic["sessions"],
            )
            % {"sessions": basic["sessions"], "hours": _spoken_hours(basic["hours"])},
            ngettext(
                "It had %(participants)s participant; %(completed)s completed it.",
                "It had %(participants)s participants; %(completed)s completed it.",
                basic["participants"],
            )
            % {"participants": basic["participants"], "completed": basic["completed"]},
        ]
    )


def _continuing(report: dict) -> str:
    lines = report["continuing_education"]
    if not lines:
        return ""
    providers = sorted({item["provider"] for item in lines if item["provider"]})
    return ngettext(
        "Continuing education: %(count)s course or event, arranged by %(providers)s.",
        "Continuing education: %(count)s courses and events, arranged by %(providers)s.",
        len(lines),
    ) % {"count": len(lines), "providers": spoken_list(providers)}


def _basic_share(report: dict) -> str:
    workers, holders, board = (
        report["people"]["shift_workers"],
        report["basic_holders"],
        report["people"]["board_only"],
    )
    if not workers or not _shown(workers, holders):
        return ""
    sentence = _("%(share)s of the active volunteers and staff hold the basic qualification on %(date)s.") % {
        "share": percent(round(100 * holders / workers)),
        "date": report["as_of"],
    }
    if board and _shown(board):
        sentence += " " + ngettext(
            "%(count)s board member who does not work shifts is not counted.",
            "%(count)s board members who do not work shifts are not counted.",
            board,
        ) % {"count": board}
    return sentence


def _pledge(report: dict) -> str:
    pledge, workers = report["pledge"], report["people"]["shift_workers"]
    if not workers or not _shown(workers, *pledge.values()):
        return ""
    sentence = ngettext(
        "%(current)s of the %(workers)s active volunteers and staff has a current confidentiality pledge.",
        "%(current)s of the %(workers)s active volunteers and staff have a current confidentiality pledge.",
        pledge["current"],
    ) % {"current": pledge["current"], "workers": workers}
    if pledge["due"]:
        sentence += " " + ngettext(
            "%(due)s pledge was due for renewal in the period; %(renewed)s was renewed on time.",
            "%(due)s pledges were due for renewal in the period; %(renewed)s were renewed on time.",
            pledge["due"],
        ) % {"due": pledge["due"], "renewed": pledge["renewed_on_time"]}
    return sentence


def spoken_list(items: list[str]) -> str:
    """ "A, B and C" in the active language."""
    if len(items) < 2:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def _spoken_hours(hours: float | int) -> str:
    """Hours with the decimal comma the narrative is read with."""
    return number(hours)


def narrative_key(report: dict, external: bool) -> str:
    """What a narrative is written for: the report's period and version."""
    start, end = report_period(report)
    return f"{start}|{end}|{'external' if external else 'internal'}"


def with_edited_narrative(report: dict, narrative: str, written_for: str | None, external: bool) -> dict:
    """The report with the narrative a person edited, if she wrote it for this period and version
    (``written_for`` is the :func:`narrative_key` she was shown). Otherwise the generated one:
    switching either starts again from it, so internal figures never leak into the external."""
    narrative = narrative.strip()
    if narrative and written_for == narrative_key(report, external):
        return {**report, "narrative": narrative}
    return report


def monthly_training_hours(
    subject: Organisation | Umbrella, start: datetime.date, end: datetime.date
) -> dict:
    """Training hours per month (YYYY-MM, every month of the period) and group: the report's
    ``training_hours`` (the training it counts, :func:`counted`), by month. Three
    queries."""
    months: dict[str, dict[str, Decimal]] = {}
    day = start.replace(day=1)
    while day <= end:
        months[day.strftime("%Y-%m")] = dict.fromkeys(GROUPS, Decimal(0))
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    period = ReportPeriod.of(organisations_of(subject), start, end)
    people = {person.pk: person for person in members_of(period.ids)}
    for item, person in counted(period, trainings(Scope(period.ids), start, period.as_of), people):
        totals = months[item.day.strftime("%Y-%m")]
        for group in person.member_groups:
            totals[group] += item.hours
    return months


# The umbrella: every organisation at once ---------------------------------------------------------


@dataclass(frozen=True)
class Umbrella:
    """Every organisation at once, where the report's files and charts are made for one
    organisation: it has a ``name`` as an organisation has, and no ``pk``."""

    organisations: tuple[Organisation, ...]
    pk = None

    @property
    def name(self) -> str:
        return _("All organisations")


def organisations_of(subject: Organisation | Umbrella) -> tuple[Organisation, ...]:
    """The organisations a report is of."""
    return subject.organisations if isinstance(subject, Umbrella) else (subject,)


def summed_report(
    organisations: list[Organisation], start: datetime.date, end: datetime.date, external: bool = False
) -> dict:
    """One report for all ``organisations``: their internal figures summed (a person belongs to
    one organisation, so sums of people count each once), then, for the external version, the
    suppression applied to the sums. No one's hours are listed by name."""
    return sum_reports(list(competence_reports(organisations, start, end).values()), external)


def sum_reports(reports: list[dict], external: bool = False) -> dict:
    """The internal ``reports`` of several organisations summed, as :func:`summed_report`."""
    total = _summed(reports) if reports else {}
    if external:
        total = external_version(total)
    total["narrative"] = narrative(total, _("All organisations"))
    return total


def _summed(reports: list[dict]) -> dict:
    first = reports[0]
    people = {
        **{group: _sum_dicts([r["people"][group] for r in reports]) for group in GROUPS},
        **_sum_dicts([{k: r["people"][k] for k in ("shift_workers", "board_only")} for r in reports]),
    }
    summed = {
        "organisation": ALL_ORGANISATIONS,
        "period": first["period"],
        "as_of": first["as_of"],
        "people": people,
        "total_active": sum(r["total_active"] for r in reports),
        "basic_training": _sum_dicts([r["basic_training"] for r in reports]),
        "continuing_education": sorted(
            (line for r in reports for line in r["continuing_education"]),
            key=lambda item: (item["date"], item["title"], item["provider"], item["hours"]),
        ),
        "training_hours": _sum_dicts([r["training_hours"] for r in reports]),
        "trained": _sum_dicts([r["trained"] for r in reports]),
        "hours_distribution": {
            "zero": sum(r["hours_distribution"]["zero"] for r in reports),
            "met_minimum": _sum_dicts([r["hours_distribution"]["met_minimum"] for r in reports]),
        },
        "qualifications": _sum_by(reports, "qualifications", "type", ("valid", "lapsed")),
        "basic_holders": sum(r["basic_holders"] for r in reports),
        "pledge": _sum_dicts([r["pledge"] for r in reports]),
        "clearance": _sum_by(reports, "clearance", "role", ("cleared", "shift_workers")),
    }
    if "per_year" in first:
        summed["per_year"] = [
            {
                "year": years[0]["year"],
                **_sum_dicts([{k: v for k, v in y.items() if k != "year"} for y in years]),
            }
            for years in zip(*(r["per_year"] for r in reports), strict=True)
        ]
    return summed


def _sum_dicts(dicts: list[dict]) -> dict:
    """Key by key: numbers added (hours exactly, as decimals), dicts of numbers added in turn."""
    keys = list(dict.fromkeys(key for d in dicts for key in d))
    result = {}
    for key in keys:
        values = [d[key] for d in dicts if key in d]
        if isinstance(values[0], dict):
            result[key] = _sum_dicts(values)
        else:
            total = sum(Decimal(str(value)) for value in values)
            result[key] = int(total) if total == int(total) else float(total)
    return result


def _sum_by(reports: list[dict], section: str, name: str, keys: tuple[str, ...]) -> list[dict]:
    """The section's rows of every report, those of the same ``name`` added up, by name."""
    rows: dict[str, list[dict]] = defaultdict(list)
    for report in reports:
        for row in report[section]:
            rows[row[name]].append({key: row[key] for key in keys})
    return [{name: key, **_sum_dicts(group)} for key, group in sorted(rows.items())]


def umbrella_overview(organisations: list[Organisation], today: datetime.date) -> list[dict]:
    """One row per organisation, as of ``today``: its active volunteers and staff, the share of
    them with the basic training, the share cleared for each of its roles, and the valid
    qualifications of its active people that lapse within 60 days. A fixed number of queries."""
    reports = competence_reports(organisations, today, today)
    lapsing = dict(
        Qualification.objects.filter(
            members_on(today, "person__"),
            valid_on(today),
            type__organisation__in=[o.pk for o in organisations],
            person__organisation_id=F("type__organisation_id"),
            expires_on__range=(
                today + datetime.timedelta(days=1),
                today + datetime.timedelta(days=LAPSING_DAYS),
            ),
        )
        .values("type__organisation_id")
        .annotate(n=Count("pk"))
        .values_list("type__organisation_id", "n")
    )
    return [
        {
            "organisation": organisation.name,
            "shift_workers": (workers := reports[organisation.pk]["people"]["shift_workers"]),
            "basic_share": _share(reports[organisation.pk]["basic_holders"], workers),
            "cleared_share": {
                row["role"]: _share(row["cleared"], workers) for row in reports[organisation.pk]["clearance"]
            },
            "lapsing": lapsing.get(organisation.pk, 0),
        }
        for organisation in sorted(organisations, key=lambda o: o.name)
    ]


def _share(part: int, whole: int) -> int | None:
    """A whole percentage, or ``None`` when there is nothing to take a share of."""
    return round(100 * part / whole) if whole else None
