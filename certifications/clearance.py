"""The clearance engine: who may work which shift role on a given date, and why not.

This is the only place the rule is written; it is built from three rules written once each in
their own modules (active, valid, and whom a type applies to). For person P, role R and date D
(calendar dates in Europe/Stockholm):

- P is *active* on D when ``joined_on <= D`` and (``left_on`` is empty or ``D <= left_on``)
  (``people/membership.py``).
- A qualification is *valid* on D when ``issued_on <= D``, (``expires_on`` is empty or
  ``D <= expires_on``) and (``revoked_on`` is empty or ``D < revoked_on``)
  (``certifications/validity.py``).
- Hours on D = hours of external training records, of attended (present or late) sessions of
  continuing-education courses (their unit's hours) and of completed self-paced
  continuing-education courses (the course's hours, the sum of its units', on the completion's
  date; ``courses/hours.py``), dated within [D − window months, D].
- A type R requires is required of P only when it applies to her member groups
  (``certifications/applicability.py``): a type lists the groups it applies to, none for
  everyone; it applies to P when it lists none, when she is in any of its groups (a person in
  several groups: one of them is enough), or when she is in no group at all (held to every
  requirement). A type that does not apply to P is left out of her requirements: no reason, no
  warning.
- P is *cleared* for R on D when active, holding a valid qualification of every type R requires
  of her, and having at least R's minimum hours.
- Reasons, in order: ``inactive``; per type required of P in R's order ``missing:<type>``
  (none issued on or before D), ``revoked:<type>`` (none valid, the most recently issued one
  revoked on or before D), ``expired:<type>`` (none valid otherwise); then
  ``hours:<have>/<need>``.
  The confidentiality pledge (the type marked ``is_pledge``) never expires: it is given and
  renewed as a routine, so where another type would give ``expired`` it gives
  ``renewal_due:<type>``, dated the day the most recently issued one was given (last renewed).
- Warnings for a cleared person: ``expiring:<type>:<YYYY-MM-DD>`` when the latest ``expires_on``
  among the valid qualifications of a type required of P falls in (D, D + 30 days]; for the pledge
  ``renew_by:<type>:<YYYY-MM-DD>`` (the day it is to be renewed by).

A whole organisation, or many at once, is computed in a fixed number of queries, whatever
their size: the people, their qualifications and their training (:func:`trainings`: a
session's date and hours read once per session, not once per mark) are read as plain values and
decided in Python. The competence report reads them once for its own figures too and hands
them to the engine (:func:`clearance_of_members`).
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

from django.db.models import Q, Value
from django.utils import timezone

from courses.hours import COURSE_HOURS, self_paced_completions
from courses.models import (
    ATTENDED_MARKS,
    Attendance,
    CourseKind,
    Session,
    with_unit_hours,
)
from courses.scheduling import held_within
from jour_core.collation import by_name as in_swedish_order
from jour_core.collation import name_key
from people.membership import is_member_on
from people.models import MEMBER_GROUPS, Organisation, User, group_field

from .applicability import applies
from .dates import add_months, format_hours
from .models import Qualification, ShiftRole, ShiftRoleRequirement, TrainingRecord
from .validity import EXPIRED, REVOKED, VALID, is_valid_on, standing_on

EXPIRY_WARNING_DAYS = 30

#: The pledge's reason (due for renewal) and warning (to be renewed by a coming day), in place of
#: another type's ``expired`` and ``expiring``.
RENEWAL_DUE, RENEW_BY = "renewal_due", "renew_by"
EXPIRING = "expiring"


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason or warning, with what a UI needs to say it in words."""

    code: str  # inactive, missing, revoked, expired, renewal_due, hours, expiring, renew_by
    type_name: str = ""
    #: The date of the revocation, the expiry or the coming expiry; for the pledge the day it was
    #: last given (``renewal_due``) or the day it is to be renewed by (``renew_by``).
    on: datetime.date | None = None
    have: Decimal | None = None
    need: Decimal | None = None

    def __str__(self) -> str:
        if self.code == "inactive":
            return "inactive"
        if self.code == "hours":
            return f"hours:{format_hours(self.have)}/{format_hours(self.need)}"
        if self.code in (EXPIRING, RENEW_BY):
            return f"{self.code}:{self.type_name}:{self.on.isoformat()}"
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


class Member(NamedTuple):
    """A person as the engine and its screens need her: read as plain values, because making
    ten thousand full ``User`` objects costs more than deciding their clearance (a named tuple:
    several times faster to make than a frozen dataclass)."""

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
        flags = row[8:]
        groups = _GROUPS_OF.get(flags)
        if groups is None:
            groups = _GROUPS_OF[flags] = tuple(
                code for code, flag in zip(MEMBER_GROUPS, flags, strict=True) if flag
            )
        return cls(*row[:8], groups)

    @classmethod
    def from_user(cls, user: User) -> Member:
        return cls.from_row(tuple(getattr(user, name) for name in cls.FIELDS))

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def name_key(self) -> tuple:
        """Her place in a list by name, in Swedish order (``jour_core/collation.py``)."""
        return name_key(self)

    def __str__(self) -> str:
        return self.get_full_name() or self.email


#: The member groups of each combination of group flags (in ``MEMBER_GROUPS`` order).
_GROUPS_OF: dict[tuple, tuple[str, ...]] = {}


class _Standing(NamedTuple):
    """A person's standing in one qualification type on D, as the reasons need it (a named
    tuple: the engine hashes thousands of them)."""

    code: str  # VALID, REVOKED, EXPIRED (validity.py) or RENEWAL_DUE: also the reason's code
    #: Revoked or expired on; for RENEWAL_DUE the day the latest was given; for VALID the last
    #: expiry (None: never).
    on: datetime.date | None = None


@dataclass
class _Facts:
    """What the engine knows about one person, loaded in bulk."""

    standing: dict[int, _Standing] = field(default_factory=dict)  # by qualification type
    hours: dict[datetime.date, Decimal] = field(default_factory=dict)  # by window start


def window_start(on: datetime.date, months: int) -> datetime.date:
    return add_months(on, -months)


def earliest_window(roles: Iterable[ShiftRole], on: datetime.date) -> datetime.date | None:
    """The first day of the longest hours window among the roles on ``on`` (``None``: no
    role asks for hours): read :func:`trainings` from it for :func:`clearance_of_members`."""
    starts = [window_start(on, r.training_window_months) for r in roles if r.min_training_hours]
    return min(starts, default=None)


def roles_of(organisations: Iterable[Organisation]) -> list[ShiftRole]:
    """The shift roles of the organisations, in their order. One query."""
    return list(ShiftRole.objects.filter(organisation__in=list(organisations)))


def clearance(
    organisation: Organisation,
    on: datetime.date,
    roles: Iterable[ShiftRole] | None = None,
    people: Iterable[User | Member] | None = None,
) -> list[Clearance]:
    """Every person (default: all of the organisation's people) × every role (default: all of
    its roles), sorted by email, then by the roles' order. Seven queries at most."""
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
    people: Iterable[User | Member] | None = None,
) -> list[Clearance]:
    """Every person of the organisations (default: all of their people) × every role of her
    own organisation (default: all of them), by organisation in the order given, then by
    email, then by the roles' order. Seven queries at most, however many organisations."""
    organisations = list(organisations)
    with collector_paused():
        roles = list(roles) if roles is not None else roles_of(organisations)
        if people is None:
            scope = Scope(tuple(o.pk for o in organisations))
            members = members_of(scope.organisation_ids)
        else:
            members = [p if isinstance(p, Member) else Member.from_user(p) for p in people]
            scope = Scope(tuple(o.pk for o in organisations), tuple(p.pk for p in members))
        if not roles or not members:
            return []
        return _decide_all(scope, on, roles, members, qualifications_of(scope, on))


def clearance_of_members(
    organisation_ids: tuple[int, ...],
    on: datetime.date,
    roles: list[ShiftRole],
    members: list[Member],
    qualifications: list[tuple],
    training: list[Training] | None = None,
) -> list[Clearance]:
    """The engine for people, qualifications and training already read (:func:`members_of`,
    :func:`qualifications_of` and :func:`trainings` from the earliest window or before, for all
    the people of these organisations on ``on``), as the competence report reads them once for
    its own figures too; in the same order as :func:`clearance_for_organisations`. One query
    (the roles' requirements); and the training's three when it is not given (read here for
    these members only, as :func:`clearance_for_organisations` reads it for the people given)."""
    if not roles or not members:
        return []
    scope = Scope(organisation_ids, None if training is not None else tuple(m.pk for m in members))
    return _decide_all(scope, on, roles, members, qualifications, training)


def members_of(organisation_ids: tuple[int, ...], by_name: bool = False) -> list[Member]:
    """Every person of the organisations, in no order or (``by_name``) by last name, first
    name and id in Swedish order. One query."""
    rows = User.objects.filter(organisation__in=organisation_ids)
    rows = (in_swedish_order(rows) if by_name else rows.order_by()).values_list(*Member.FIELDS)
    return [Member.from_row(row) for row in rows]


#: What the engine reads of a qualification, in this order (:func:`qualifications_of`).
QUALIFICATION_FIELDS = ("person_id", "type_id", "issued_on", "expires_on", "revoked_on", "pk")


def qualification_row(qualification: Qualification) -> tuple:
    """A qualification already read, as :func:`qualifications_of` gives it."""
    return tuple(getattr(qualification, name) for name in QUALIFICATION_FIELDS)


def qualifications_of(scope: Scope, on: datetime.date) -> list[tuple]:
    """(person, type, issued_on, expires_on, revoked_on, pk) of every qualification issued to
    the people in ``scope`` on or before ``on``, read person by person along the (person, type,
    issued_on) index (a list of type ids here would make the database probe every type for
    every person). One query."""
    return list(
        Qualification.objects.filter(scope.people("person__"), issued_on__lte=on)
        .order_by()
        .values_list(*QUALIFICATION_FIELDS)
    )


def _decide_all(
    scope: Scope,
    on: datetime.date,
    roles: list[ShiftRole],
    members: list[Member],
    qualifications: list[tuple],
    training: list[Training] | None = None,
) -> list[Clearance]:
    order = {pk: n for n, pk in enumerate(scope.organisation_ids)}
    people = sorted(
        (p for p in members if p.organisation_id in order), key=lambda p: (order[p.organisation_id], p.email)
    )
    plans = _plans(roles, on)
    planned: dict[int, list[tuple[ShiftRole, _Plan]]] = defaultdict(list)
    for role in roles:
        planned[role.organisation_id].append((role, plans[role.pk]))
    facts = _load_facts(scope, plans, on, qualifications, training)
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


def _load_facts(
    scope: Scope,
    plans: dict[int, _Plan],
    on: datetime.date,
    qualifications: list[tuple],
    training: list[Training] | None = None,
) -> dict[int, _Facts]:
    """Standing per qualification type (from ``qualifications``, :func:`qualifications_of`)
    and hours per window (from ``training``, :func:`trainings` read from the earliest window or
    before; read here when not given), for the people in ``scope``. Two queries at most."""
    facts: dict[int, _Facts] = defaultdict(_Facts)
    pledge = {required.id: required.pledge for plan in plans.values() for required in plan.types}
    held: dict[tuple[int, int], list[tuple]] = defaultdict(list)
    for row in qualifications:  # types no role asks for are left out here
        if row[1] in pledge:
            held[row[0], row[1]].append(row)
    for (person_id, type_id), rows in held.items():
        facts[person_id].standing[type_id] = _standing(rows, on, pledge[type_id])

    starts = sorted({plan.window_start for plan in plans.values() if plan.window_start is not None})
    if starts:
        if training is None:
            training = trainings(scope, starts[0], on)
        for person_id, hours in hours_in_windows(training, starts, on).items():
            facts[person_id].hours = hours
    return facts


_ISSUED_THEN_PK = operator.itemgetter(2, 5)


def _standing(rows: list[tuple], on: datetime.date, pledge: bool = False) -> _Standing:
    """From the (person, type, issued_on, expires_on, revoked_on, pk) of a person's
    qualifications of one type issued on or before D (so only expiry and revocation decide
    validity here). The pledge (``pledge``) does not expire: it is due for renewal, since the
    day the latest was given."""
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
    if pledge:
        return _Standing(RENEWAL_DUE, issued)
    return _Standing(EXPIRED, max((row[3] for row in rows if row[3] is not None), default=None))


class Training(NamedTuple):
    """One dated piece of a person's training, as her hours count it: an external training
    record she attended (``RECORD``: ``source`` is the record), an attended session of a
    continuing-education course (``SESSION``: ``source`` is the run) or a self-paced
    continuing-education course she completed (``COURSE``: ``source`` is the course)."""

    person: int
    day: datetime.date  # the local date
    hours: Decimal
    kind: str
    source: int
    organisation: int  # the record's, the run's or the course's
    title: str  # the record's or the course's (a session's: its course's)
    ends_at: datetime.datetime | None = None  # a session's end (the report counts it once ended)


RECORD, SESSION, COURSE = "record", "session", "course"


class SessionRow(NamedTuple):
    """A session (not cancelled) as hours and the report count it."""

    run: int
    organisation: int  # the run's
    kind: str  # the course's
    title: str  # the course's
    day: datetime.date  # the local date
    ends_at: datetime.datetime
    hours: Decimal  # its unit's


def sessions_of(condition: Q) -> dict[int, SessionRow]:
    """The sessions that meet ``condition``, by id. One query."""
    rows, unit_hours = with_unit_hours(Session.objects.filter(condition), session="", join=True)
    return {
        pk: SessionRow(
            run, organisation, kind, title, timezone.localtime(starts_at).date(), ends_at, _decimal(hours)
        )
        for pk, run, organisation, kind, title, starts_at, ends_at, hours in rows.order_by().values_list(
            "pk",
            "run_id",
            "run__organisation_id",
            "run__course__kind",
            "run__course__title",
            "starts_at",
            "ends_at",
            unit_hours,
        )
    }


def trainings(
    scope: Scope, start: datetime.date, end: datetime.date, sessions: dict[int, SessionRow] | None = None
) -> list[Training]:
    """The training of the people in ``scope`` dated within [start, end] (local dates):
    external training records of any organisation (not in the trash), self-paced
    continuing-education courses completed (the course's hours, ``courses/hours.py``) and
    attended continuing-education sessions of the scope's organisations' runs (their unit's
    hours, held or still to come that day). ``sessions`` (:func:`sessions_of`) holds those
    sessions, or more; read here when not given. Three queries: the dated rows (records and
    completions, one union), the sessions and the attendance."""
    records = TrainingRecord.attendees.through.objects.filter(
        scope.people("user__"),
        trainingrecord__date__range=(start, end),
        trainingrecord__deleted_at__isnull=True,
    ).values_list(
        "user_id",
        "trainingrecord__date",
        "trainingrecord__hours",
        Value(RECORD),
        "trainingrecord_id",
        "trainingrecord__organisation_id",
        "trainingrecord__title",
    )
    # Of the scope's organisations' people (her course is of her own organisation).
    completions = self_paced_completions(start, end, scope.organisation_ids)
    if scope.person_ids is not None:
        completions = completions.filter(person_id__in=scope.person_ids)
    completions = completions.values_list(
        "person_id",
        "completed_on",
        COURSE_HOURS,
        Value(COURSE),
        "course_id",
        "course__organisation_id",
        "course__title",
    )
    dated = [
        Training(person, day, _decimal(hours), *rest)
        for person, day, hours, *rest in records.union(completions, all=True)
    ]
    held = continuing_education_sessions(start, end, scope.organisation_ids, "session__")
    if sessions is None:
        sessions = sessions_of(continuing_education_sessions(start, end, scope.organisation_ids))
        if scope.person_ids is not None:
            # A few people (a page of the board, a person's page): their marks of the sessions
            # just read, by id. No joins to build and plan again; a third of the time at
            # umbrella scale on PostgreSQL.
            held = Q(session_id__in=list(sessions))
    attended = Attendance.objects.filter(held, scope.people("person__"), mark__in=ATTENDED_MARKS).values_list(
        "person_id", "session_id"
    )
    for person, session_id in attended:
        session = sessions[session_id]
        dated.append(
            Training(
                person,
                session.day,
                session.hours,
                SESSION,
                session.run,
                session.organisation,
                session.title,
                session.ends_at,
            )
        )
    return dated


def _decimal(value) -> Decimal:
    """Hours as a decimal (SQLite may give a float for a sum or a union's column)."""
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))


def hours_in_windows(
    training: Iterable[Training], starts: list[datetime.date], end: datetime.date
) -> dict[int, dict[datetime.date, Decimal]]:
    """{person: {window start: hours}}: each person's hours dated within [start, end], for
    every start (of :func:`trainings`, read from the earliest start or before)."""
    hours: dict[int, dict[datetime.date, Decimal]] = defaultdict(dict)
    for item in training:
        if item.day > end or not item.hours:
            continue
        into = hours[item.person]
        for start in starts:
            if item.day >= start:
                into[start] = into.get(start, Decimal(0)) + item.hours
    return hours


def continuing_education_sessions(
    start: datetime.date, end: datetime.date, organisation_ids: tuple[int, ...], path: str = ""
) -> Q:
    """Sessions (not cancelled) of the organisations' runs of continuing-education courses,
    dated within [start, end] (local dates); ``path`` leads from the rows to the session. (A
    session of no unit counts no hours: ``with_unit_hours``.)"""
    return held_within(start, end, path) & Q(
        **{
            f"{path}run__course__kind": CourseKind.CONTINUING,
            f"{path}run__organisation_id__in": organisation_ids,
        }
    )


class _Required(NamedTuple):
    """A type a role requires, as the engine needs it."""

    id: int
    name: str
    pledge: bool  # the confidentiality pledge: due for renewal, never expired
    groups: tuple[str, ...]  # the member groups it applies to; empty: everyone


@dataclass(frozen=True)
class _Plan:
    """What a role asks, worked out once per call: the required types in order, the minimum
    hours and the start of their window."""

    types: tuple[_Required, ...]
    need: Decimal | None
    window_start: datetime.date | None
    #: The types required of a person in each combination of member groups, worked out once
    #: per combination (:meth:`required_of`); only when a type applies to some groups only.
    restricted: bool = False
    _of_groups: dict[tuple[str, ...], tuple[_Required, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def required_of(self, member_groups: tuple[str, ...]) -> tuple[_Required, ...]:
        """The types, in order, required of a person in ``member_groups``."""
        if not self.restricted:
            return self.types
        found = self._of_groups.get(member_groups)
        if found is None:
            found = self._of_groups[member_groups] = tuple(
                required for required in self.types if applies(required.groups, member_groups)
            )
        return found


def _plans(roles: list[ShiftRole], on: datetime.date) -> dict[int, _Plan]:
    """Each role's plan, by role id; the required types in one query."""
    types: dict[int, list[_Required]] = defaultdict(list)
    for role_id, type_id, name, pledge, groups in (
        ShiftRoleRequirement.objects.filter(role__in=roles)
        .order_by("role_id", "sort_order", "pk")
        .values_list(
            "role_id",
            "qualification_type_id",
            "qualification_type__name",
            "qualification_type__is_pledge",
            "qualification_type__applies_to",
        )
    ):
        types[role_id].append(_Required(type_id, name, pledge, tuple(groups or ())))
    return {
        role.pk: _Plan(
            tuple(types[role.pk]),
            role.min_training_hours or None,
            window_start(on, role.training_window_months) if role.min_training_hours else None,
            restricted=any(required.groups for required in types[role.pk]),
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

    def of_type(self, required: _Required, standing: _Standing | None) -> tuple:
        """(the reason, or else the warning) a standing in one type gives."""
        key = (required.id, standing)
        found = self.types.get(key)
        if found is None:
            found = self.types[key] = _type_reason(standing, required, self.on, self.warn_until)
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
        for required in plan.required_of(person.member_groups):
            reason, warning = words.of_type(required, standing.get(required.id))
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
    standing: _Standing | None, required: _Required, on: datetime.date, warn_until: datetime.date
) -> tuple[Reason | None, Reason | None]:
    """(the reason, or else the warning) a person's standing in one type gives."""
    if standing is None:
        return Reason("missing", required.name), None
    if standing.code != VALID:
        return Reason(standing.code, required.name, on=standing.on), None
    if standing.on is not None and on < standing.on <= warn_until:
        return None, Reason(RENEW_BY if required.pledge else EXPIRING, required.name, on=standing.on)
    return None, None
