"""What the tests of a rule's two forms (a condition for querysets and its plain twin) share:
hypothesis settings for examples that write to the database, and dates around one day."""

from __future__ import annotations

import datetime

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

TWINS = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def days_around(day: datetime.date, reach: int = 2) -> st.SearchStrategy[datetime.date]:
    """``day`` and the days up to ``reach`` either side: where a rule's boundaries are."""
    return st.integers(min_value=-reach, max_value=reach).map(
        lambda offset: day + datetime.timedelta(days=offset)
    )
