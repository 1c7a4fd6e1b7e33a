"""A qualification's standing on a date: the one place the rule is written.

A qualification is *valid* on D when ``issued_on <= D``, (``expires_on`` is empty or
``D <= expires_on``) and (``revoked_on`` is empty or ``D < revoked_on``). It is *revoked* on D
when ``revoked_on <= D``, and *expired* on D when ``expires_on < D`` and it is not revoked.
Otherwise (issued after D) it is not yet issued. ``D`` is a calendar date in the site's time zone.

Each rule is written twice, side by side: as a condition for querysets and as a plain function
for rows already loaded. ``path`` leads to the qualification along single-valued relations only
(a negated condition across a many-valued relation would mean "none of them", not "this one").
``tests/certifications/test_validity.py`` pins each pair equal on random data.
"""

from __future__ import annotations

import datetime

from django.db.models import Q

VALID = "valid"
REVOKED = "revoked"
EXPIRED = "expired"
NOT_YET_ISSUED = "not_yet_issued"


def valid_on(day: datetime.date, path: str = "") -> Q:
    """Qualifications valid on ``day``, as a condition."""
    return (
        Q(**{f"{path}issued_on__lte": day})
        & (Q(**{f"{path}expires_on__isnull": True}) | Q(**{f"{path}expires_on__gte": day}))
        & ~revoked_by(day, path)
    )


def revoked_by(day: datetime.date, path: str = "") -> Q:
    """Qualifications revoked on or before ``day``, as a condition."""
    return Q(**{f"{path}revoked_on__lte": day})


def expired_by(day: datetime.date, path: str = "") -> Q:
    """Qualifications expired before ``day`` and not revoked, as a condition."""
    return Q(**{f"{path}expires_on__lt": day}) & ~revoked_by(day, path)


def standing_on(
    day: datetime.date,
    issued_on: datetime.date,
    expires_on: datetime.date | None,
    revoked_on: datetime.date | None,
) -> str:
    """``VALID``, ``REVOKED``, ``EXPIRED`` or ``NOT_YET_ISSUED`` on ``day``: the twin of the
    conditions above."""
    if revoked_on is not None and revoked_on <= day:
        return REVOKED
    if expires_on is not None and expires_on < day:
        return EXPIRED
    if issued_on > day:
        return NOT_YET_ISSUED
    return VALID


def is_valid_on(
    day: datetime.date,
    issued_on: datetime.date,
    expires_on: datetime.date | None,
    revoked_on: datetime.date | None,
) -> bool:
    """The twin of :func:`valid_on`."""
    return standing_on(day, issued_on, expires_on, revoked_on) == VALID


#: The three states a query can ask for, and their conditions (the qualification filter, tests).
CONDITIONS = {VALID: valid_on, REVOKED: revoked_by, EXPIRED: expired_by}
