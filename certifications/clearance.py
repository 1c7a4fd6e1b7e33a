"""The clearance engine: who may work which shift role on a given date, and why not.

This is the only place the rule is written; it is built from two rules written once each in
their own modules. For person P, role R and date D (calendar dates in Europe/Stockholm):

- P is *active* on D when ``joined_on <= D`` and (``left_on`` is empty or ``D <= left_on``)
  (``people/membership.py``).
- A qualification is *valid* on D when ``issued_on <= D``, (``expires_on`` is empty or
  ``D <= expires_on``) and (``revoked_on`` is empty or ``D < revoked_on``)
  (``certifications/validity.py``).
- Hours on D = hours of external training records, of attended (present or late) sessions of
  continuing-education courses (their unit's hours) and of completed self-paced
  continuing-education courses (the course's hours, the sum of its units', on the completion's
  date; ``courses/hours.py``), dated within [D − window months, D].
- P is *cleared* for R on D when active, holding a valid qualification of every type R requires,
  and having at least R's minimum hours.
- Reasons, in order: ``inactive``; per required type in R's order ``missing:<type>`` (none issued
  on or before D), ``revoked:<type>`` (none valid, the most recently issued one revoked on or
  before D), ``expired:<type>`` (none valid otherwise); then ``hours:<have>/<need>``.
- Warnings for a cleared person: ``expiring:<type>:<YYYY-MM-DD>`` when the latest ``expires_on``
  among the valid qualifications of a required type falls in (D, D + 30 days].

A whole organisation, or many at once, is computed in a fixed number of queries, whatever
their size: qualifications are read once per person and type, hours are summed by the database.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import operator
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from courses.hours import COURSE_HOURS, self_paced_completions
from courses.models import (
    ATTENDED_MARKS,
    Attendance,
    CourseKind,
    with_unit_hours,
)
from courses.scheduling import held_within, local_datetime
from people.membership import is_member_on
from people.models import MEMBER_GROUPS, Organisation, User, group_field

from .dates import add_months, format_hours
from .models import Qualification, ShiftRole, ShiftRoleRequirement, TrainingRecord
from .validity import EXPIRED, REVOKED, VALID, is_valid_on, standing_on

EXPIRY_WARNING_DAYS = 30


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason or warning, with what a UI needs to say it in words."""

    code: str  # inactive, missing, revoked, expired, hours, expiring
    type_name: str = ""
    on: datetime.date | None = None  # the date of the revocation, expiry or coming expiry
    have: Decimal | None = None
    need: Decimal | None = None

    def __str__(self) -> str:
        if self.code == "inactive":
            return "inactive"
        if self.code == "hours":
            return f"hours:{format_hours(self.have)}/{format_hours(self.need)}"
        if self.code == "expiring":
            return f"expiring:{self.type_name}:{self.on.isoformat()}"
        return f"{self.code}:{self.type_name}"


@dataclass(slots=True)
class Clearance:
    """One person × one role on a date: cleared or not, and why. (Not frozen only because a
    frozen dataclass is several times slower to make, and the engine makes thousands.)"""

    person: Member
    role: ShiftRole
    on: datetime.date
    cleared: bool
    reasons: tuple[Reason, ...] = ()
    warnings: tuple[Reason, ...] = ()
    hours: Decimal = Decimal(0)

    @property
    def reason_codes(self) -> list[str]:
        return [str(r) for r in self.reasons]

    @property
    def warning_codes(self) -> list[str]:
        return [str(w) for w in self.warnings]


@dataclass(frozen=True, slots=True)
class Member:
    """A person as the engine and its screens need her: read as plain values, because making
    ten thousand full ``User`` objects costs more than deciding their clearance."""

    pk: int
    email: str
    first_name: str
    last_name: str
    organisation_id: int | None
    joined_on: datetime.date | None
    left_on: datetime.date | None
    protected_identity: bool
    member_groups: tuple[str, ...]

    FIELDS = (
        "pk",
        "email",
        "first_name",
        "last_name",
        "organisation_id",
        "joined_on",
        "left_on",
        "protected_identity",
        *(group_field(code) for code in MEMBER_GROUPS),
    )

    @classmethod
    def from_row(cls, row: tuple) -> Member:
        """From the values of ``FIELDS``: eight fields, then one flag per member group."""
        return cls(*row[:8], tuple(code for code, flag in zip(MEMBER_GROUPS, row[8:], strict=True) if flag))

    @classmethod
    def from_user(cls, user: User) -> Member:
        return cls.from_row(tuple(getattr(user, name) for name in cls.FIELDS))

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class _Standing(NamedTuple):
    """A person's standing in one qualification type on D, as the reasons need it (a named
    tuple: the engine hashes thousands of them)."""

    code: str  # VALID, REVOKED or EXPIRED (validity.py): also the reason's code
    on: datetime.date | None = None  # revoked or expired on; for "valid" the last expiry (None: never)


@dataclass
class _Facts:
    """What the engine knows about one person, loaded in bulk."""

    standing: dict[int, _Standing] = field(default_factory=dict)  # by qualification type
    hours: dict[datetime.date, Decimal] = field(default_factory=dict)  # by window start


def window_start(on: datetime.date, months: int) -> datetime.date:
    return add_months(on, -months)


def roles_of(organisations: Iterable[Organisation]) -> list[ShiftRole]:
    """The shift roles of the organisations, in their order. One query."""
    return list(ShiftRole.objects.filter(organisation__in=list(organisations)))


def clearance(
    organisation: Organisation,
    on: datetime.date,
    roles: Iterable[ShiftRole] | None = None,
    people: Iterable[User] | None = None,
) -> list[Clearance]:
    """Every person (default: all of the organisation's people) × every role (default: all of
    its roles), sorted by email, then by the roles' order. Six queries at most."""
    return clearance_for_organisations([organisation], on, roles=roles, people=people)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while the engine or the report makes tens of
    thousands of small objects with no reference cycles: its passes over them (and over all of
    Django) took a quarter to a third of the time at umbrella scale (README "Performance"). Reference
    counting still frees everything; the collector is switched back on afterwards, if it was on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def clearance_for_organisations(
    organisations: Iterable[Organisation],
    on: datetime.date,
    roles: Iterable[ShiftRole] | None = None,
    people: Iterable[User] | None = None,
) -> list[Clearance]:
    """Every person of the organisations (default: all of their people) × every role of her
    own organisation (default: all of them), by organisation in the order given, then by
    email, then by the roles' order. Six queries at most, however many organisations."""
    with collector_paused():
        return _clearance_for_organisations(list(organisations), on, roles, people)


def _clearance_for_organisations(
    organisations: list[Organisation],
    on: datetime.date,
    roles: Iterable[ShiftRole] | None,
    people: Iterable[User] | None,
) -> list[Clearance]:
    order = {o.pk: n for n, o in enumerate(organisations)}
    roles = list(roles) if roles is not None else roles_of(organisations)
    if people is None:
        rows = User.objects.filter(organisation__in=organisations).order_by().values_list(*Member.FIELDS)
        people = [Member.from_row(row) for row in rows]
        scope = Scope(tuple(order))
    else:
        people = [Member.from_user(person) for person in people]
        scope = Scope(tuple(order), tuple(p.pk for p in people))
    people = sorted(
        (p for p in people if p.organisation_id in order), key=lambda p: (order[p.organisation_id], p.email)
    )
    if not roles or not people:
        return []
    plans = _plans(roles, on)
    planned: dict[int, list[tuple[ShiftRole, _Plan]]] = defaultdict(list)
    for role in roles:
        planned[role.organisation_id].append((role, plans[role.pk]))
    facts = _load_facts(scope, plans, on)
    empty = _Facts()
    words = _Words(on)
    results: list[Clearance] = []
    for person in people:
        results += _decide(person, planned[person.organisation_id], on, facts.get(person.pk, empty), words)
    return results


@dataclass(frozen=True)
class Scope:
    """Whose facts the engine loads: the people of these organisations, or only these people
    of them. The queries go from the organisations' sessions and records to the people."""

    organisation_ids: tuple[int, ...]
    person_ids: tuple[int, ...] | None = None

    def people(self, path: str = "") -> Q:
        """The condition on the person reached by ``path`` (e.g. ``"person__"``)."""
        condition = Q(**{f"{path}organisation_id__in": self.organisation_ids})
        if self.person_ids is not None:
            condition &= Q(**{f"{path}id__in": self.person_ids})
        return condition


def _load_facts(scope: Scope, plans: dict[int, _Plan], on: datetime.date) -> dict[int, _Facts]:
    """Standing per qualification type and hours per window, for the people in ``scope``.
    One to three queries."""
    facts: dict[int, _Facts] = defaultdict(_Facts)
    type_ids = {type_id for plan in plans.values() for type_id, _name in plan.types}
    held: dict[tuple[int, int], list[tuple]] = defaultdict(list)
    # All of the people's qualifications, read person by person along the (person, type,
    # issued_on) index; a list of type ids here would make the database probe every type for
    # every person. Types no role asks for are left out here.
    for row in (
        Qualification.objects.filter(scope.people("person__"), issued_on__lte=on)
        .order_by()
        .values_list("person_id", "type_id", "issued_on", "expires_on", "revoked_on", "pk")
    ):
        if row[1] in type_ids:
            held[row[0], row[1]].append(row)
    for (person_id, type_id), rows in held.items():
        facts[person_id].standing[type_id] = _standing(rows, on)

    starts = sorted({plan.window_start for plan in plans.values() if plan.window_start is not None})
    if starts:
        for person_id, hours in training_hours(scope, starts, on):
            into = facts[person_id].hours
            for start, value in hours.items():
                into[start] = into.get(start, Decimal(0)) + value
    return facts


_ISSUED_THEN_PK = operator.itemgetter(2, 5)


def _standing(rows: list[tuple], on: datetime.date) -> _Standing:
    """From the (person, type, issued_on, expires_on, revoked_on, pk) of a person's
    qualifications of one type issued on or before D (so only expiry and revocation decide
    validity here)."""
    valid = False
    last_expiry: datetime.date | None = None  # of the valid ones; None if one never expires
    for _person, _type, issued, expires, revoked, _pk in rows:
        if is_valid_on(on, issued, expires, revoked):
            if expires is None or not valid or (last_expiry is not None and expires > last_expiry):
                last_expiry = expires
            valid = True
    if valid:
        return _Standing(VALID, last_expiry)
    _person, _type, issued, expires, revoked_on, _pk = max(rows, key=_ISSUED_THEN_PK)  # the latest issued
    if standing_on(on, issued, expires, revoked_on) == REVOKED:
        return _Standing(REVOKED, revoked_on)
    return _Standing(EXPIRED, max((row[3] for row in rows if row[3] is not None), default=None))


def training_hours(
    scope: Scope, starts: list[datetime.date], end: datetime.date
) -> list[tuple[int, dict[datetime.date, Decimal]]]:
    """(person, {window start: hours}) for the people in ``scope``: hours of external training
    records, of self-paced continuing-education courses completed (the course's hours,
    ``courses/hours.py``) and of attended continuing-education sessions (their unit's hours)
    dated within [start, end], for every start. A person may have several rows (add them up).
    Two queries: the dated hours (records and completions, one union) and the sessions'."""
    first = min(starts)
    records = TrainingRecord.attendees.through.objects.filter(
        scope.people("user__"),
        trainingrecord__date__range=(first, end),
        trainingrecord__deleted_at__isnull=True,  # the trash does not count
    )
    completions = self_paced_completions(first, end, scope.organisation_ids).filter(scope.people("person__"))
    dated = _dated_hours(records, "user_id", "trainingrecord__date", "trainingrecord__hours", starts).union(
        _dated_hours(completions, "person_id", "completed_on", COURSE_HOURS, starts), all=True
    )
    return _by_window(dated, starts) + _session_hours(scope, starts, end)


def _dated_hours(rows: QuerySet, person: str, date: str, hours: str, starts: list[datetime.date]) -> QuerySet:
    """Rows of dated hours (the fields ``person``, ``date`` and ``hours`` name) summed per person
    and window: (person, hours from the first start, from the second, …)."""
    windows = [f"w{n}" for n in range(len(starts))]
    return (
        rows.values(person)
        .annotate(
            **{
                window: Sum(hours, filter=Q(**{f"{date}__gte": start}))
                for window, start in zip(windows, starts, strict=True)
            }
        )
        .order_by()
        .values_list(person, *windows)
    )


def _by_window(rows, starts: list[datetime.date]) -> list[tuple[int, dict[datetime.date, Decimal]]]:
    """(person, {window start: hours}) from rows of a person and her hours per window."""
    return [
        (row[0], {start: Decimal(str(value)) for start, value in zip(starts, row[1:], strict=True) if value})
        for row in rows
    ]


def _session_hours(
    scope: Scope, starts: list[datetime.date], end: datetime.date
) -> list[tuple[int, dict[datetime.date, Decimal]]]:
    """(person, {window start: hours}) of attended continuing-education sessions (their unit's
    hours), summed per person by the database."""
    attended, hours = with_unit_hours(
        Attendance.objects.filter(
            _continuing_education_sessions(min(starts), end, "session__"),
            scope.people("person__"),
            mark__in=ATTENDED_MARKS,
            session__run__organisation_id__in=scope.organisation_ids,
        )
    )
    windows = [f"w{n}" for n in range(len(starts))]
    rows = (
        attended.values("person_id")
        .annotate(
            **{
                window: Sum(hours, filter=Q(session__starts_at__gte=local_datetime(start, datetime.time.min)))
                for window, start in zip(windows, starts, strict=True)
            }
        )
        .order_by()
        .values_list("person_id", *windows)
    )
    return _by_window(rows, starts)


def _continuing_education_sessions(start: datetime.date, end: datetime.date, path: str = "") -> Q:
    """Held sessions of a unit of a continuing-education course, dated within [start, end]
    (local dates); ``path`` leads from the rows to the session."""
    return held_within(start, end, path) & Q(
        **{f"{path}run__course__kind": CourseKind.CONTINUING, f"{path}unit_number__isnull": False}
    )


def continuing_education_events(
    person_ids: list[int], start: datetime.date, end: datetime.date
) -> list[tuple[int, datetime.date, Decimal]]:
    """(person, local date, hours) for every attended session of a continuing-education course
    (its unit's hours) and every self-paced completion (the course's hours) dated within
    [start, end]: sessions first, then completions. Two queries."""
    attended, hours = with_unit_hours(
        Attendance.objects.filter(
            _continuing_education_sessions(start, end, "session__"),
            person_id__in=person_ids,
            mark__in=ATTENDED_MARKS,
        )
    )
    rows = attended.values_list("person_id", "session__starts_at", hours)
    completed = self_paced_completions(start, end).filter(person_id__in=person_ids)
    return [
        (person_id, timezone.localtime(starts_at).date(), Decimal(str(hours or 0)))
        for person_id, starts_at, hours in rows
    ] + [
        (person_id, day, Decimal(str(hours or 0)))
        for person_id, day, hours in completed.values_list("person_id", "completed_on", COURSE_HOURS)
    ]


@dataclass(frozen=True)
class _Plan:
    """What a role asks, worked out once per call: the required types in order (id, name),
    the minimum hours and the start of their window."""

    types: tuple[tuple[int, str], ...]
    need: Decimal | None
    window_start: datetime.date | None


def _plans(roles: list[ShiftRole], on: datetime.date) -> dict[int, _Plan]:
    """Each role's plan, by role id; the required types in one query."""
    types: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for role_id, type_id, name in (
        ShiftRoleRequirement.objects.filter(role__in=roles)
        .order_by("role_id", "sort_order", "pk")
        .values_list("role_id", "qualification_type_id", "qualification_type__name")
    ):
        types[role_id].append((type_id, name))
    return {
        role.pk: _Plan(
            tuple(types[role.pk]),
            role.min_training_hours or None,
            window_start(on, role.training_window_months) if role.min_training_hours else None,
        )
        for role in roles
    }


INACTIVE = Reason("inactive")


class _Words:
    """The reasons and warnings of one run of the engine, each made once and shared (they do
    not change): thousands of people miss the same type or fall short of the same hours."""

    def __init__(self, on: datetime.date) -> None:
        self.on = on
        self.warn_until = on + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
        self.types: dict[tuple[int, _Standing | None], tuple[Reason | None, Reason | None]] = {}
        self.hours: dict[tuple[Decimal, Decimal], Reason] = {}

    def of_type(self, type_id: int, type_name: str, standing: _Standing | None) -> tuple:
        """(the reason, or else the warning) a standing in one type gives."""
        key = (type_id, standing)
        found = self.types.get(key)
        if found is None:
            found = self.types[key] = _type_reason(standing, type_name, self.on, self.warn_until)
        return found

    def short_of_hours(self, have: Decimal, need: Decimal) -> Reason:
        found = self.hours.get((have, need))
        if found is None:
            found = self.hours[have, need] = Reason("hours", have=have, need=need)
        return found


def _decide(
    person: Member, roles: list[tuple[ShiftRole, _Plan]], on: datetime.date, facts: _Facts, words: _Words
) -> list[Clearance]:
    """One person × her organisation's roles."""
    inactive = () if is_member_on(person.joined_on, person.left_on, on) else (INACTIVE,)
    standing = facts.standing
    results = []
    for role, plan in roles:
        reasons = list(inactive)
        warnings = []
        for type_id, type_name in plan.types:
            reason, warning = words.of_type(type_id, type_name, standing.get(type_id))
            if reason is not None:
                reasons.append(reason)
            elif warning is not None:
                warnings.append(warning)
        hours = Decimal(0)
        if plan.need:
            hours = facts.hours.get(plan.window_start, Decimal(0))
            if hours < plan.need:
                reasons.append(words.short_of_hours(hours, plan.need))
        cleared = not reasons
        results.append(
            Clearance(person, role, on, cleared, tuple(reasons), tuple(warnings) if cleared else (), hours)
        )
    return results


def _type_reason(
    standing: _Standing | None, type_name: str, on: datetime.date, warn_until: datetime.date
) -> tuple[Reason | None, Reason | None]:
    """(the reason, or else the warning) a person's standing in one type gives."""
    if standing is None:
        return Reason("missing", type_name), None
    if standing.code != VALID:
        return Reason(standing.code, type_name, on=standing.on), None
    if standing.on is not None and on < standing.on <= warn_until:
        return None, Reason("expiring", type_name, on=standing.on)
    return None, None
