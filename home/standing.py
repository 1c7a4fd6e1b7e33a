"""My training, the certifications' part: her qualifications and the shifts she may work."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from certifications.clearance import clearance
from certifications.describe import describe
from certifications.models import Qualification
from certifications.validity import is_valid_on
from people.models import User


@dataclass(frozen=True)
class MemberStanding:
    """``qualifications``: ``{"q", "valid"}`` per qualification (valid on the day);
    ``roles``: ``{"role", "cleared", "reasons", "warnings"}`` per shift role, in words."""

    qualifications: list[dict]
    roles: list[dict]


def member_standing(person: User, day: datetime.date) -> MemberStanding:
    """Her qualifications and her clearance for each of her organisation's shift roles on ``day``."""
    qualifications = (
        Qualification.objects.filter(person=person)
        .select_related("type")
        .order_by("type__name", "-issued_on")
    )
    roles = []
    if person.organisation_id:
        roles = [
            {
                "role": c.role,
                "cleared": c.cleared,
                "reasons": [describe(r, c.role.training_window_months) for r in c.reasons],
                "warnings": [describe(w) for w in c.warnings],
            }
            for c in clearance(person.organisation, day, people=[person])
        ]
    return MemberStanding(
        qualifications=[
            {"q": q, "valid": is_valid_on(day, q.issued_on, q.expires_on, q.revoked_on)}
            for q in qualifications
        ],
        roles=roles,
    )
