"""Her standing: her qualifications and the shifts she may work, in words (My training and the
coordinator's page of a person show the same)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from jour_core.pagecache import kept
from people.models import User

from .clearance import Member, clearance_of_members, qualification_row
from .describe import describe, renewal_due
from .models import Qualification, ShiftRole
from .validity import EXPIRED, VALID, standing_on


@dataclass(frozen=True)
class MemberStanding:
    """``qualifications``: ``{"q", "state", "valid", "renewal"}`` per qualification (its state on
    the day, ``certifications/validity.py``; valid on the day;
    ``renewal``: for her latest confidentiality pledge when none is valid, that it is due for
    renewal, in words, else empty); ``roles``: ``{"role", "cleared", "reasons", "warnings"}``
    per shift role, in words."""

    qualifications: list[dict]
    roles: list[dict]


def kept_member_standing(person: User, day: datetime.date) -> MemberStanding:
    """:func:`member_standing`, kept in the cache (for *My training*, which she opens again and
    again) under the data versions (``jour_core/versions.py``) of her organisation (its roles,
    their requirements, her training) and of the organisations of her qualifications' types
    (read with them: one of an organisation she has left is that one's record), the day and
    the language of its words; made afresh without an organisation."""
    organisation = person.organisation  # its data version first, then the data
    qualifications = _qualifications(person, "type__organisation")
    if organisation is None:
        return member_standing(person, day, qualifications)
    versions = [(organisation.pk, organisation.data_version)] + [
        (q.type.organisation_id, q.type.organisation.data_version) for q in qualifications
    ]
    made = lambda: member_standing(person, day, qualifications)  # noqa: E731
    return kept("certifications:standing", versions, made, person.pk, day)


def _qualifications(person: User, related: str = "type") -> list[Qualification]:
    return list(
        Qualification.objects.filter(person=person)
        .select_related(related)
        .order_by("type__name", "-issued_on")
    )


def member_standing(
    person: User, day: datetime.date, qualifications: list[Qualification] | None = None
) -> MemberStanding:
    """Her qualifications and her clearance for each of her organisation's shift roles on
    ``day``. Her qualifications are read once (or given), for the list and for the engine."""
    if qualifications is None:
        qualifications = _qualifications(person)
    roles = []
    if person.organisation_id:
        decided = clearance_of_members(
            (person.organisation_id,),
            day,
            list(ShiftRole.objects.filter(organisation_id=person.organisation_id)),
            [Member.from_user(person)],
            # As ``qualifications_of`` reads them: issued by the day.
            [qualification_row(q) for q in qualifications if q.issued_on <= day],
        )
        roles = [
            {
                "role": c.role,
                "cleared": c.cleared,
                "reasons": [describe(r, c.role.training_window_months) for r in c.reasons],
                "warnings": [describe(w) for w in c.warnings],
            }
            for c in decided
        ]
    states = {q.pk: standing_on(day, q.issued_on, q.expires_on, q.revoked_on) for q in qualifications}
    renewals = _renewals(qualifications, states, day)
    return MemberStanding(
        qualifications=[
            {"q": q, "state": states[q.pk], "valid": states[q.pk] == VALID, "renewal": renewals.get(q.pk, "")}
            for q in qualifications
        ],
        roles=roles,
    )


def _renewals(
    qualifications: list[Qualification], states: dict[int, str], day: datetime.date
) -> dict[int, str]:
    """{qualification id: words} for her latest confidentiality pledge issued by ``day`` when
    none of hers is valid and that one is not revoked: due for renewal since the day it was
    given (as the clearance engine's ``renewal_due`` says it)."""
    pledges = [q for q in qualifications if q.type.is_pledge and q.issued_on <= day]
    if not pledges or any(states[q.pk] == VALID for q in pledges):
        return {}
    latest = max(pledges, key=lambda q: (q.issued_on, q.pk))
    return {latest.pk: renewal_due(latest.issued_on)} if states[latest.pk] == EXPIRED else {}
