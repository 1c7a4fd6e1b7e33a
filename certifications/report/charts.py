"""The competence report's charts (matplotlib, PNG): training hours per month by group, and
qualification coverage per type and group. The figures come from :mod:`.figures`; these
functions only draw them."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from people.models import MEMBER_GROUPS, Organisation

from .figures import GROUPS, monthly_training_hours, report_period

CHART_COLOURS = {"volunteer": "#5a2d82", "staff": "#1d6b38", "board": "#b35c00"}


def _png(figure) -> bytes:
    import io

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


#: A period of more months than this is charted per year (a bar per month would take seconds to
#: draw and could not be read).
CHART_MONTHS = 36


def charted_per_year(start: datetime.date, end: datetime.date) -> bool:
    """Whether the hours chart of the months from ``start`` to ``end`` has a bar per year: the
    period has more calendar months than ``CHART_MONTHS``."""
    return (end.year - start.year) * 12 + end.month - start.month + 1 > CHART_MONTHS


def chart_bars(months: dict[str, dict[str, Decimal]]) -> dict[str, dict[str, Decimal]]:
    """The monthly hours (YYYY-MM, every month of a period) as they are charted: per month, or
    per year (YYYY) for a long period."""
    first, last = (datetime.date.fromisoformat(f"{month}-01") for month in (min(months), max(months)))
    if not charted_per_year(first, last):
        return months
    years: dict[str, dict[str, Decimal]] = {}
    for month, hours in months.items():
        year = years.setdefault(month[:4], dict.fromkeys(GROUPS, Decimal(0)))
        for group in GROUPS:
            year[group] += hours[group]
    return years


def hours_chart_title(start: datetime.date, end: datetime.date) -> str:
    """What the hours chart of a period shows: hours per month, or per year (as ``chart_bars``
    draws it)."""
    return _("Training hours per year") if charted_per_year(start, end) else _("Training hours per month")


def hours_chart(organisation: Organisation, start: datetime.date, end: datetime.date) -> bytes:
    """Training hours per month by group, a stacked bar chart (PNG); per year when the period is
    longer than ``CHART_MONTHS``."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    monthly = monthly_training_hours(organisation, start, end)
    months = chart_bars(monthly)
    labels = list(months)
    figure = Figure(figsize=(8, 3.5))
    axes = figure.subplots()
    bottom = [0.0] * len(labels)
    for group in GROUPS:
        values = [float(months[m][group]) for m in labels]
        axes.bar(labels, values, bottom=bottom, label=str(MEMBER_GROUPS[group]), color=CHART_COLOURS[group])
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axes.set_title(hours_chart_title(start, end))
    axes.set_ylabel(_("Hours"))
    axes.tick_params(axis="x", labelrotation=45)
    axes.legend(frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure)


def coverage_chart(report: dict) -> bytes:
    """Qualification coverage per type and group at the period's end (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    types = [q["type"] for q in report["qualifications"]]
    figure = Figure(figsize=(8, 3.5))
    axes = figure.subplots()
    width = 0.8 / len(GROUPS)
    for index, group in enumerate(GROUPS):
        active = report["people"][group]["active"]
        values = []
        for q in report["qualifications"]:
            valid = q["valid"][group]
            # In the external version small counts are "<5": they are drawn as 0.
            numeric = valid if isinstance(valid, int) and isinstance(active, int) and active else 0
            values.append(100 * numeric / active if numeric else 0)
        positions = [i + index * width for i in range(len(types))]
        axes.bar(positions, values, width=width, label=str(MEMBER_GROUPS[group]), color=CHART_COLOURS[group])
    axes.set_xticks([i + width for i in range(len(types))], types)
    axes.set_ylim(0, 100)
    axes.set_ylabel(_("Percent of active members"))
    axes.set_title(_("Qualification coverage at the end of the period"))
    axes.legend(frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure)


#: The report's charts by name (the report screen's download action for each), in the order shown.
CHARTS = ("chart-hours", "chart-coverage")


def report_chart(report: dict, organisation: Organisation, which: str) -> bytes:
    """One of the ``CHARTS`` of a computed report, as PNG."""
    if which == "chart-hours":
        return hours_chart(organisation, *report_period(report))
    if which == "chart-coverage":
        return coverage_chart(report)
    raise ValueError(f"unknown chart {which!r}")


def chart_title(report: dict, which: str) -> str:
    """The caption of one of the ``CHARTS`` of a computed report."""
    if which == "chart-hours":
        return hours_chart_title(*report_period(report))
    return _("Qualification coverage")
