"""Scheduling a run: sessions on a weekly rhythm, in local wall-clock time."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from jour_core.versions import organisation_changed

from .models import CourseRun, Session, SessionStatus


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_datetime(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """``day`` at ``time`` on the clock in Europe/Stockholm, as an aware datetime.

    The UTC offset is the one in force on that day, so 18:00 stays 18:00 on both sides of a
    daylight-saving change.
    """
    return datetime.datetime.combine(day, time, tzinfo=local_tz())


def held_within(start: datetime.date, end: datetime.date, path: str = "") -> Q:
    """Sessions held (not cancelled) on the local dates [start, end], as a condition; ``path``
    leads to the session, e.g. ``"session__"`` from attendance. A condition on joins rather than
    a subquery, so that the databases start from the period's sessions."""
    return Q(
        **{
            f"{path}starts_at__gte": local_datetime(start, datetime.time.min),
            f"{path}starts_at__lt": local_datetime(end + datetime.timedelta(days=1), datetime.time.min),
        }
    ) & ~Q(**{f"{path}status": SessionStatus.CANCELLED})


def weekly_dates(first: datetime.date, count: int, every_days: int = 7) -> list[datetime.date]:
    return [first + datetime.timedelta(days=every_days * i) for i in range(count)]


@transaction.atomic
def generate_sessions(
    run: CourseRun,
    first_date: datetime.date,
    start_time: datetime.time,
    end_time: datetime.time,
    unit_numbers: Iterable[int] | None = None,
    every_days: int = 7,
) -> list[Session]:
    """One session per unit, ``every_days`` apart from ``first_date``, all at the same local times."""
    if end_time <= start_time:
        raise ValueError("a session must end after it starts")
    if unit_numbers is None:
        unit_numbers = sorted(run.course.units.values_list("number", flat=True))
    numbers = list(unit_numbers)
    sessions = [
        Session(
            run=run,
            unit_number=number,
            starts_at=local_datetime(day, start_time),
            ends_at=local_datetime(day, end_time),
        )
        for number, day in zip(numbers, weekly_dates(first_date, len(numbers), every_days), strict=True)
    ]
    created = Session.objects.bulk_create(sessions)
    organisation_changed([run.organisation_id])  # a bulk write sends no signals
    return created
