"""The clearance engine: who may work which shift role on a given date, and why not.

This is the only place the rule is written. For person P, role R and date D (calendar dates in
Europe/Stockholm):

- P is *active* on D when ``joined_on <= D`` and (``left_on`` is empty or ``D <= left_on``).
- A qualification is *valid* on D when ``issued_on <= D``, (``expires_on`` is empty or
  ``D <= expires_on``) and (``revoked_on`` is empty or ``D < revoked_on``).
- Hours on D = hours of external training records and of attended (present or late) sessions of
  continuing-education courses (their unit's hours), dated within [D − window months, D].
- P is *cleared* for R on D when active, holding a valid qualification of every type R requires,
  and having at least R's minimum hours.
- Reasons, in order: ``inactive``; per required type in R's order ``missing:<type>`` (none issued
  on or before D), ``revoked:<type>`` (none valid, the most recently issued one revoked on or
  before D), ``expired:<type>`` (none valid otherwise); then ``hours:<have>/<need>``.
- Warnings for a cleared person: ``expiring:<type>:<YYYY-MM-DD>`` when the latest ``expires_on``
  among the valid qualifications of a required type falls in (D, D + 30 days].

A whole organisation is computed in a fixed number of queries, whatever its size.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from courses.models import ATTENDED_MARKS, Attendance, CourseKind, CourseUnit, SessionStatus
from courses.scheduling import local_datetime
from people.models import Organisation, User

from .dates import add_months, format_hours
from .models import Qualification, ShiftRole, ShiftRoleRequirement, TrainingRecord

EXPIRY_WARNING_DAYS = 30


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Clearance:
    person: User
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


@dataclass
class _Facts:
    """What the engine knows about one person, loaded in bulk."""

    qualifications: dict[int, list[Qualification]] = field(default_factory=lambda: defaultdict(list))
    hour_events: list[tuple[datetime.date, Decimal]] = field(default_factory=list)


def is_active(person: User, on: datetime.date) -> bool:
    return (
        person.joined_on is not None
        and person.joined_on <= on
        and (person.left_on is None or on <= person.left_on)
    )


def is_valid(qualification: Qualification, on: datetime.date) -> bool:
    return (
        qualification.issued_on <= on
        and (qualification.expires_on is None or on <= qualification.expires_on)
        and (qualification.revoked_on is None or on < qualification.revoked_on)
    )


def window_start(on: datetime.date, months: int) -> datetime.date:
    return add_months(on, -months)


def roles_for(organisation: Organisation) -> list[ShiftRole]:
    return list(
        ShiftRole.objects.filter(organisation=organisation).prefetch_related(
            Prefetch(
                "requirements",
                queryset=ShiftRoleRequirement.objects.select_related("qualification_type").order_by(
                    "sort_order"
                ),
            )
        )
    )


def clearance(
    organisation: Organisation,
    on: datetime.date,
    roles: Iterable[ShiftRole] | None = None,
    people: Iterable[User] | None = None,
) -> list[Clearance]:
    """Every person (default: all of the organisation's people) × every role (default: all of
    its roles), sorted by email, then by the roles' order. Six queries at most."""
    roles = list(roles) if roles is not None else roles_for(organisation)
    if people is None:
        people = User.objects.filter(organisation=organisation).order_by("email")
    people = sorted(people, key=lambda p: p.email)
    if not roles or not people:
        return []
    facts = _load_facts(people, roles, on)
    return [_decide(person, role, on, facts[person.pk]) for person in people for role in roles]


def _load_facts(people: list[User], roles: list[ShiftRole], on: datetime.date) -> dict[int, _Facts]:
    facts: dict[int, _Facts] = defaultdict(_Facts)
    person_ids = [p.pk for p in people]
    type_ids = {req.qualification_type_id for role in roles for req in role.requirements.all()}
    for qualification in Qualification.objects.filter(
        person_id__in=person_ids, type_id__in=type_ids, issued_on__lte=on
    ):
        facts[qualification.person_id].qualifications[qualification.type_id].append(qualification)

    windows = [role.training_window_months for role in roles if role.min_training_hours]
    if not windows:
        return facts
    start = window_start(on, max(windows))
    for person_id, day, hours in TrainingRecord.attendees.through.objects.filter(
        user_id__in=person_ids,
        trainingrecord__date__range=(start, on),
        trainingrecord__deleted_at__isnull=True,  # the trash does not count
    ).values_list("user_id", "trainingrecord__date", "trainingrecord__hours"):
        facts[person_id].hour_events.append((day, hours))
    for event in continuing_education_events(person_ids, start, on):
        facts[event[0]].hour_events.append(event[1:])
    return facts


def continuing_education_events(
    person_ids: list[int], start: datetime.date, end: datetime.date
) -> list[tuple[int, datetime.date, Decimal]]:
    """(person, local date, unit hours) for every attended session of a continuing-education
    course dated within [start, end]. Two queries."""
    rows = list(
        Attendance.objects.filter(
            person_id__in=person_ids,
            mark__in=ATTENDED_MARKS,
            session__run__course__kind=CourseKind.CONTINUING,
            session__unit_number__isnull=False,
            session__starts_at__gte=local_datetime(start, datetime.time.min),
            session__starts_at__lt=local_datetime(end + datetime.timedelta(days=1), datetime.time.min),
        )
        .exclude(session__status=SessionStatus.CANCELLED)
        .values_list("person_id", "session__starts_at", "session__run__course_id", "session__unit_number")
    )
    if not rows:
        return []
    hours = {
        (course_id, number): value
        for course_id, number, value in CourseUnit.objects.filter(
            course_id__in={row[2] for row in rows}
        ).values_list("course_id", "number", "hours")
    }
    return [
        (person_id, timezone.localtime(starts_at).date(), hours.get((course_id, number), Decimal(0)))
        for person_id, starts_at, course_id, number in rows
    ]


def _decide(person: User, role: ShiftRole, on: datetime.date, facts: _Facts) -> Clearance:
    reasons: list[Reason] = []
    warnings: list[Reason] = []
    if not is_active(person, on):
        reasons.append(Reason("inactive"))
    for requirement in role.requirements.all():
        qtype = requirement.qualification_type
        held = facts.qualifications.get(qtype.pk, [])  # all issued on or before D
        valid = [q for q in held if is_valid(q, on)]
        if not held:
            reasons.append(Reason("missing", qtype.name))
        elif not valid:
            latest = max(held, key=lambda q: (q.issued_on, q.pk))
            if latest.revoked_on is not None and latest.revoked_on <= on:
                reasons.append(Reason("revoked", qtype.name, on=latest.revoked_on))
            else:
                expired = max((q.expires_on for q in held if q.expires_on is not None), default=None)
                reasons.append(Reason("expired", qtype.name, on=expired))
        elif all(q.expires_on is not None for q in valid):
            last = max(q.expires_on for q in valid)
            if on < last <= on + datetime.timedelta(days=EXPIRY_WARNING_DAYS):
                warnings.append(Reason("expiring", qtype.name, on=last))
    hours = Decimal(0)
    if role.min_training_hours:
        start = window_start(on, role.training_window_months)
        hours = sum((h for day, h in facts.hour_events if start <= day <= on), Decimal(0))
        if hours < role.min_training_hours:
            reasons.append(Reason("hours", have=hours, need=role.min_training_hours))
    cleared = not reasons
    return Clearance(person, role, on, cleared, tuple(reasons), tuple(warnings) if cleared else (), hours)
