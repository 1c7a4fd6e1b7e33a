"""Calendar arithmetic for validity and windows."""

from __future__ import annotations

import calendar
import datetime


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months (negative to go back), clamped to the month's
    end: 2026-01-31 + 1 month = 2026-02-28, 2024-01-31 + 1 month = 2024-02-29."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def format_hours(value) -> str:
    """Hours without trailing zeros: 4.50 -> "4.5", 6.00 -> "6", 0 -> "0"."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"
