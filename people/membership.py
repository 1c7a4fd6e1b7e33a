"""Membership on a date: the one place the rule is written.

A person is a *member* (active) on D when she joined on or before D and had not left before it:
``joined_on <= D`` and (``left_on`` is empty or ``D <= left_on``). After ``left_on`` she has
*left*; otherwise, before ``joined_on`` (or while no date of joining is known), she has *not yet
joined*. ``D`` is a calendar date in the site's time zone.

Each rule is written twice, side by side: as a condition for querysets (``path`` leads to the
person, e.g. ``"person__"``) and as a plain function for rows already loaded.
``tests/people/test_membership.py`` pins each pair equal on random data.
"""

from __future__ import annotations

import datetime

from django.db.models import Q

ACTIVE = "active"
LEFT = "left"
NOT_YET_JOINED = "future"


def members_on(day: datetime.date, path: str = "") -> Q:
    """Members on ``day``, as a condition."""
    return Q(**{f"{path}joined_on__lte": day}) & (
        Q(**{f"{path}left_on__isnull": True}) | Q(**{f"{path}left_on__gte": day})
    )


def left_before(day: datetime.date, path: str = "") -> Q:
    """People who had left before ``day``, as a condition."""
    return Q(**{f"{path}left_on__lt": day})


def not_yet_joined(day: datetime.date, path: str = "") -> Q:
    """People who have not left and have not (or not knowingly) joined by ``day``."""
    return ~left_before(day, path) & (
        Q(**{f"{path}joined_on__isnull": True}) | Q(**{f"{path}joined_on__gt": day})
    )


def membership_on(joined_on: datetime.date | None, left_on: datetime.date | None, day: datetime.date) -> str:
    """``ACTIVE``, ``LEFT`` or ``NOT_YET_JOINED`` on ``day``: the twin of the three conditions."""
    if left_on is not None and left_on < day:
        return LEFT
    if joined_on is None or joined_on > day:
        return NOT_YET_JOINED
    return ACTIVE


def is_member_on(joined_on: datetime.date | None, left_on: datetime.date | None, day: datetime.date) -> bool:
    """The twin of :func:`members_on`."""
    return membership_on(joined_on, left_on, day) == ACTIVE


#: The three states and their conditions, for filters and the tests.
CONDITIONS = {ACTIVE: members_on, LEFT: left_before, NOT_YET_JOINED: not_yet_joined}
