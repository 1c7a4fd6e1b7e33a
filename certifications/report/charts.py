"""The competence report's charts (matplotlib, PNG): training hours per month by group, and
qualification coverage per type and group. The figures come from :mod:`.figures`; these
functions only draw them.

In the external version a count from 1 to 4 is "<5" (``SUPPRESSED``) and a figure that would
give one away is "x" (``HIDDEN``): the charts never draw either as a number. A withheld coverage
cell is a hatched stub marked "<5" or "x" (a real 0 stays a bar of zero). The external hours
chart draws only the hours its tables show, per group or per year, with the same marks: a bar a
month would tell what the tables withhold (6 hours in a month of a 6-hour course: one person).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from jour_core.numbers import number
from people.models import MEMBER_GROUPS, Organisation

from ..applicability import applies
from .figures import GROUPS, HIDDEN, SUPPRESSED, is_withheld, monthly_training_hours, report_period

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CHART_COLOURS = {"volunteer": "#5a2d82", "staff": "#1d6b38", "board": "#b35c00"}


def _figure() -> Figure:
    """An empty chart-sized matplotlib figure, drawn with the Agg backend (no display)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure(figsize=(8, 3.5), layout="constrained")


def _swedish_axis(axes, percent: bool = False) -> None:
    """The value axis's numbers as the tables write them (``jour_core.numbers.number``: "2,5",
    "12 500"; "68 %" for a share), not matplotlib's "2.5"."""
    from matplotlib.ticker import FuncFormatter

    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _position: number(value, percent=percent)))


def _suppressed_patch(colour: str, label: str):
    """A legend entry in the style of a suppressed mark: outlined and hatched, not filled; its
    label wrapped to keep the legend narrow."""
    import textwrap

    from matplotlib.patches import Patch

    return Patch(facecolor="none", edgecolor=colour, hatch=SUPPRESSED_HATCH, label=textwrap.fill(label, 22))


def _legend(figure, handles: list) -> None:
    """The legend, right of the axes (never over a bar): the figure keeps its size, the axes
    give way."""
    figure.legend(handles=handles, loc="outside right upper", frameon=False)


def _png(figure) -> bytes:
    import io

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


#: How a suppressed ("<5") cell is drawn: a stub of this height (percent), outlined in the
#: group's colour and hatched, not filled, with "<5" above it. Its height is no figure.
SUPPRESSED_STUB = 4.0
SUPPRESSED_HATCH = "////"


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


def hours_figure(months: dict[str, dict[str, Decimal]], title: str) -> Figure:
    """The stacked bars of ``chart_bars`` hours by group (the internal version's: the external
    version draws :func:`external_hours_figure`)."""
    labels = list(months)
    figure = _figure()
    axes = figure.subplots()
    bottom = [0.0] * len(labels)
    handles = []
    for group in GROUPS:
        name = str(MEMBER_GROUPS[group])
        values = [float(months[m][group]) for m in labels]
        handles.append(axes.bar(labels, values, bottom=bottom, label=name, color=CHART_COLOURS[group]))
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axes.set_title(title)
    axes.set_ylabel(_("Hours"))
    _swedish_axis(axes)
    axes.tick_params(axis="x", labelrotation=45)
    _legend(figure, handles)
    axes.spines[["top", "right"]].set_visible(False)
    return figure


def hours_chart(organisation: Organisation, start: datetime.date, end: datetime.date) -> bytes:
    """Training hours per month by group, a stacked bar chart (PNG); per year when the period is
    longer than ``CHART_MONTHS``."""
    months = chart_bars(monthly_training_hours(organisation, start, end))
    return _png(hours_figure(months, hours_chart_title(start, end)))


def coverage_percent(valid: int | str, active: int | str) -> float | None:
    """The percent of a group's active people holding a valid qualification, or None when it is
    suppressed: ``valid`` is "<5", or ``active`` is while ``valid`` is not a real 0. A real 0,
    or a group with nobody active, is 0."""
    if is_withheld(valid):
        return None
    if valid == 0 or active == 0:
        return 0.0
    if isinstance(valid, int) and isinstance(active, int):
        return 100 * valid / active
    return None


def coverage_figure(report: dict) -> Figure:
    """Qualification coverage per type and group at the period's end: a bar per group and type
    of the percent of :func:`coverage_percent`; a suppressed cell is a hatched stub marked "<5"
    (never a bar of zero), explained in the legend. A type that applies to some groups only
    (``applies_to``) has no bar for the others: it is not required of them, so their coverage
    of it says nothing."""
    from matplotlib.patches import Patch

    types = [q["type"] for q in report["qualifications"]]
    figure = _figure()
    axes = figure.subplots()
    width = 0.8 / len(GROUPS)
    handles = []
    shown_marks: set[str] = set()
    for index, group in enumerate(GROUPS):
        active = report["people"][group]["active"]
        shown = [applies(q.get("applies_to") or [], (group,)) for q in report["qualifications"]]
        percents = [
            coverage_percent(q["valid"][group], active) if applied else None
            for q, applied in zip(report["qualifications"], shown, strict=True)
        ]
        positions = [i + index * width for i in range(len(types))]
        colour = CHART_COLOURS[group]
        axes.bar(
            [x for x, p in zip(positions, percents, strict=True) if p is not None],
            [p for p in percents if p is not None],
            width=width,
            label=str(MEMBER_GROUPS[group]),
            color=colour,
        )
        # A patch, not the bars: a group whose every cell is suppressed has no bar to show.
        handles.append(Patch(facecolor=colour, label=str(MEMBER_GROUPS[group])))
        marks = [
            (x, SUPPRESSED if SUPPRESSED in (q["valid"][group], active) else HIDDEN)
            for x, p, q, applied in zip(positions, percents, report["qualifications"], shown, strict=True)
            if p is None and applied
        ]
        if marks:
            _suppressed_marks(axes, marks, width, colour)
            shown_marks |= {text for _x, text in marks}
    if SUPPRESSED in shown_marks:
        handles.append(_suppressed_patch("#555555", _("<5: fewer than 5 people, hidden")))
    if HIDDEN in shown_marks:
        handles.append(
            _suppressed_patch("#555555", _("x: hidden, so that a number under 5 cannot be worked out"))
        )
    axes.set_xticks([i + width for i in range(len(types))], types)
    axes.set_ylim(0, 100)
    axes.set_ylabel(_("Percent of active members"))
    _swedish_axis(axes, percent=True)
    axes.set_title(_("Qualification coverage at the end of the period"))
    _legend(figure, handles)
    axes.spines[["top", "right"]].set_visible(False)
    return figure


def _suppressed_marks(
    axes, marks: list[tuple[float, str]], width: float, colour: str, height: float = SUPPRESSED_STUB
) -> None:
    """The marks at their positions: outlined hatched stubs of ``height`` (labelled
    ``_nolegend_``: the legend explains them once), each with its text ("<5", or "x" for a
    figure hidden) above it."""
    positions = [x for x, _text in marks]
    axes.bar(
        positions,
        [height] * len(positions),
        width=width,
        facecolor="none",
        edgecolor=colour,
        hatch=SUPPRESSED_HATCH,
        label="_nolegend_",
        gid="suppressed",
    )
    for x, text in marks:
        axes.text(x, height * 1.25, text, ha="center", va="bottom", fontsize=8, color=colour)


def external_hours_title(report: dict) -> str:
    return _("Training hours per year") if "per_year" in report else _("Training hours per group")


def external_hours_figure(report: dict) -> Figure:
    """The external version's hours: per year (each person once) for a period of several years,
    else per group, drawn from the external report's own figures. A month's bar of one group
    would tell a count the tables withhold (a 6-hour course, 6 hours that month: one person), so
    the external version has none; a withheld figure is a labelled stub, never a bar of 0."""
    if "per_year" in report:
        bars = [(str(year["year"]), year["training_hours_total"], "#444444") for year in report["per_year"]]
    else:
        hours = report["training_hours"]
        bars = [(str(MEMBER_GROUPS[group]), hours[group], CHART_COLOURS[group]) for group in GROUPS]
    figure = _figure()
    axes = figure.subplots()
    shown = [float(value) for _label, value, _colour in bars if not is_withheld(value)]
    axes.bar(
        [n for n, (_label, value, _colour) in enumerate(bars) if not is_withheld(value)],
        shown,
        color=[colour for _label, value, colour in bars if not is_withheld(value)],
        width=0.6,
    )
    height = max(shown, default=0) * 0.04 or SUPPRESSED_STUB
    for n, (_label, value, colour) in enumerate(bars):
        if is_withheld(value):
            _suppressed_marks(axes, [(n, value)], 0.6, colour, height)
    axes.set_xticks(range(len(bars)), [label for label, _value, _colour in bars])
    axes.set_ylabel(_("Hours"))
    _swedish_axis(axes)
    axes.set_title(external_hours_title(report))
    marks = {value for _label, value, _colour in bars if is_withheld(value)}
    handles = []
    if SUPPRESSED in marks:
        handles.append(_suppressed_patch("#555555", _("<5: fewer than 5 people, hidden")))
    if HIDDEN in marks:
        handles.append(
            _suppressed_patch("#555555", _("x: hidden, so that a number under 5 cannot be worked out"))
        )
    if handles:
        _legend(figure, handles)
    axes.spines[["top", "right"]].set_visible(False)
    return figure


def coverage_chart(report: dict) -> bytes:
    """Qualification coverage per type and group at the period's end (PNG)."""
    return _png(coverage_figure(report))


#: The report's charts by name (the report screen's download action for each), in the order shown.
CHARTS = ("chart-hours", "chart-coverage")


def report_chart(report: dict, organisation: Organisation, which: str, external: bool = False) -> bytes:
    """One of the ``CHARTS`` of a computed report, as PNG. The external version's hours chart
    draws only figures its tables show (:func:`external_hours_figure`)."""
    if which == "chart-hours":
        if external:
            return _png(external_hours_figure(report))
        return hours_chart(organisation, *report_period(report))
    if which == "chart-coverage":
        return coverage_chart(report)
    raise ValueError(f"unknown chart {which!r}")


def chart_title(report: dict, which: str, external: bool = False) -> str:
    """The caption of one of the ``CHARTS`` of a computed report."""
    if which == "chart-hours":
        if external:
            return external_hours_title(report)
        return hours_chart_title(*report_period(report))
    return _("Qualification coverage")
