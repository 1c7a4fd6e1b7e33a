"""The report's charts never draw a suppressed count ("<5") as a number: the coverage chart marks
it, and the hours chart leaves out a group whose people or hours are suppressed. The figures are
built from hand-made report dicts and inspected (bars' heights, hatches and the texts drawn);
the PNGs are saved to ``test-artifacts/charts/`` to be looked at."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from matplotlib.colors import to_rgba

from certifications.report import charts
from certifications.report.charts import (
    CHART_COLOURS,
    SUPPRESSED_STUB,
    coverage_figure,
    coverage_percent,
    hours_figure,
    report_chart,
)
from certifications.report.figures import SUPPRESSED

ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "charts"
GROUP_AT = {"volunteer": 0, "staff": 1, "board": 2}  # the bars' order within a type
WIDTH = 0.8 / 3


def save(figure, name: str) -> bytes:
    png = charts._png(figure)
    assert png.startswith(b"\x89PNG")
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    (ARTEFACTS / name).write_bytes(png)
    return png


def external_report(**changes) -> dict:
    """An external report as the figures give it: 20 volunteers, 6 staff and "<5" board members
    active; Grundutbildning valid for 15 volunteers and "<5" staff and board; Tystnadslöfte for
    6 staff and a real 0 volunteers and board."""
    report = {
        "organisation": "jour-a",
        "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "people": {
            "volunteer": {"active": 20, "joined": 6, "left": 0},
            "staff": {"active": 6, "joined": 0, "left": 0},
            "board": {"active": SUPPRESSED, "joined": 0, "left": SUPPRESSED},
        },
        "total_active": 29,
        "training_hours": {"volunteer": 64, "staff": 30, "board": SUPPRESSED, "total": 94},
        "qualifications": [
            {"type": "Grundutbildning", "valid": {"volunteer": 15, "staff": SUPPRESSED, "board": SUPPRESSED}},
            {"type": "Tystnadslöfte", "valid": {"volunteer": 0, "staff": 6, "board": 0}},
        ],
    }
    return {**report, **changes}


def bars(axes) -> dict[tuple[int, str], object]:
    """The axes' bars by (type index, group), from their x position."""
    found = {}
    for patch in axes.patches:
        centre = patch.get_x() + patch.get_width() / 2
        for group, at in GROUP_AT.items():
            index = round(centre - at * WIDTH)
            if abs(centre - (index + at * WIDTH)) < 1e-6:
                assert (index, group) not in found, "two bars in one cell"
                found[index, group] = patch
    assert len(found) == len(axes.patches)
    return found


def legend_texts(axes) -> list[str]:
    """The legend's entries (the figure's, right of the axes), each on one line."""
    (legend,) = axes.figure.legends
    return [" ".join(text.get_text().split()) for text in legend.get_texts()]


def test_coverage_percent_tells_a_real_zero_from_a_suppressed_count():
    assert coverage_percent(15, 20) == 75
    assert coverage_percent(0, 20) == 0  # a real 0 is a number
    assert coverage_percent(0, SUPPRESSED) == 0  # none of a small group: still a real 0
    assert coverage_percent(0, 0) == 0
    assert coverage_percent(SUPPRESSED, 20) is None
    assert coverage_percent(SUPPRESSED, SUPPRESSED) is None
    assert coverage_percent(SUPPRESSED, 0) is None  # never a 0 for "<5"
    assert coverage_percent(3, SUPPRESSED) is None  # a percent of "<5" is no figure


def test_the_coverage_chart_marks_a_suppressed_cell_and_keeps_a_real_zero():
    figure = coverage_figure(external_report())
    save(figure, "coverage-external.png")
    (axes,) = figure.axes
    cells = bars(axes)
    assert len(cells) == 6  # every cell has a bar or a mark

    # Real figures: solid bars of the percent, in the group's colour.
    assert cells[0, "volunteer"].get_height() == pytest.approx(75)
    assert cells[1, "staff"].get_height() == pytest.approx(100)
    for cell in ((0, "volunteer"), (1, "staff"), (1, "volunteer"), (1, "board")):
        group = cell[1]
        assert cells[cell].get_facecolor() == to_rgba(CHART_COLOURS[group])
        assert not cells[cell].get_hatch() and cells[cell].get_gid() != "suppressed"
    # A real 0 stays a bar of zero, with no mark.
    assert cells[1, "volunteer"].get_height() == 0
    assert cells[1, "board"].get_height() == 0

    # "<5": an outlined, hatched stub (not filled) of a fixed height with "<5" above it.
    for cell in ((0, "staff"), (0, "board")):
        stub = cells[cell]
        assert stub.get_gid() == "suppressed" and stub.get_hatch()
        assert stub.get_height() == SUPPRESSED_STUB > 0
        assert stub.get_facecolor()[3] == 0  # not filled
        assert stub.get_edgecolor() == to_rgba(CHART_COLOURS[cell[1]])
    marks = sorted((round(text.get_position()[0], 6), text.get_text()) for text in axes.texts)
    centres = sorted(round(cells[cell].get_x() + WIDTH / 2, 6) for cell in ((0, "staff"), (0, "board")))
    assert marks == [(x, SUPPRESSED) for x in centres]  # "<5" above each stub, nowhere else
    assert {text.get_position()[1] for text in axes.texts} == {SUPPRESSED_STUB + 1}

    assert legend_texts(axes) == ["Volontär", "Anställd", "Styrelse", "<5: färre än 5 personer, visas inte"]
    # The title, axis and ticks are as they were.
    assert axes.get_title() == "Kvalifikationer vid periodens slut, andel per grupp"
    assert axes.get_ylabel() == "Procent av de aktiva medlemmarna"
    assert axes.get_ylim() == (0, 100)
    assert [tick.get_text() for tick in axes.get_xticklabels()] == ["Grundutbildning", "Tystnadslöfte"]


def test_a_group_with_every_cell_suppressed_still_has_its_legend_entry():
    report = external_report(
        qualifications=[
            {"type": "Grundutbildning", "valid": {"volunteer": 15, "staff": 6, "board": SUPPRESSED}}
        ]
    )
    figure = coverage_figure(report)
    (axes,) = figure.axes
    assert bars(axes)[0, "board"].get_gid() == "suppressed"
    assert legend_texts(axes)[:3] == ["Volontär", "Anställd", "Styrelse"]


def test_the_internal_coverage_chart_has_no_marks_and_no_note():
    report = external_report(
        people={
            group: {"active": n, "joined": 0, "left": 0}
            for group, n in (("volunteer", 20), ("staff", 6), ("board", 3))
        },
        qualifications=[{"type": "Grundutbildning", "valid": {"volunteer": 15, "staff": 3, "board": 0}}],
    )
    figure = coverage_figure(report)
    (axes,) = figure.axes
    cells = bars(axes)
    assert [cells[0, g].get_height() for g in GROUP_AT] == pytest.approx([75, 50, 0])
    assert not axes.texts and all(patch.get_gid() != "suppressed" for patch in axes.patches)
    assert legend_texts(axes) == ["Volontär", "Anställd", "Styrelse"]


MONTHS = {
    "2026-01": {"volunteer": Decimal(6), "staff": Decimal(18), "board": Decimal("2.5")},
    "2026-02": {"volunteer": Decimal(0), "staff": Decimal(0), "board": Decimal(0)},
    "2026-03": {"volunteer": Decimal(10), "staff": Decimal(6), "board": Decimal(0)},
}


def test_the_internal_hours_chart_stacks_every_group():
    figure = hours_figure(MONTHS, "Fortbildningstimmar per månad")
    (axes,) = figure.axes
    assert len(axes.patches) == 3 * 3
    assert max(patch.get_y() + patch.get_height() for patch in axes.patches) == 26.5
    assert legend_texts(axes) == ["Volontär", "Anställd", "Styrelse"]


def test_the_external_hours_chart_draws_only_what_its_tables_show(org_a):
    """No bar a month: per group, the table's hours, a withheld one as a labelled stub."""
    figure = charts.external_hours_figure(external_report())
    save(figure, "hours-external.png")
    (axes,) = figure.axes
    heights = [patch.get_height() for patch in axes.patches if patch.get_gid() != "suppressed"]
    assert heights == [64, 30]  # volunteers and staff, as the table shows them
    (stub,) = [patch for patch in axes.patches if patch.get_gid() == "suppressed"]
    assert stub.get_x() + stub.get_width() / 2 == pytest.approx(2)  # the board's place
    assert [text.get_text() for text in axes.texts] == ["<5"]
    assert axes.get_title() == "Fortbildningstimmar per grupp"
    assert legend_texts(axes) == ["<5: färre än 5 personer, visas inte"]
    png = report_chart(external_report(), org_a, "chart-hours", external=True)
    assert png.startswith(b"\x89PNG")


def test_the_external_version_never_gets_the_monthly_chart(org_a, monkeypatch):
    """report_chart draws the external version's hours from its tables, never a bar a month."""
    drawn = []
    monkeypatch.setattr(
        charts, "external_hours_figure", lambda report: drawn.append(report) or hours_figure({}, "")
    )
    monkeypatch.setattr(charts, "hours_chart", lambda *args: pytest.fail("the monthly chart"))
    report_chart(external_report(), org_a, "chart-hours", external=True)
    assert drawn == [external_report()]


def test_the_external_hours_chart_of_several_years_marks_a_hidden_year():
    years = [
        {"year": 2024, "training_hours_total": 40},
        {"year": 2025, "training_hours_total": SUPPRESSED},
        {"year": 2026, "training_hours_total": "x"},
    ]
    figure = charts.external_hours_figure(external_report(per_year=years))
    save(figure, "hours-external-years.png")
    (axes,) = figure.axes
    assert [patch.get_height() for patch in axes.patches if patch.get_gid() != "suppressed"] == [40]
    assert sorted(text.get_text() for text in axes.texts) == ["<5", "x"]
    assert axes.get_title() == "Fortbildningstimmar per år"
    assert len(legend_texts(axes)) == 2
