"""The competence report: what the board hands the municipality and funders.

- :mod:`.figures` computes it: one function per section over a shared :class:`ReportPeriod`,
  the external version's suppression, the narrative, and the training hours per month.
- :mod:`.charts` draws its charts (matplotlib).
- :mod:`.made` keeps it with its charts in the cache, for the report screen.
- :mod:`.files` renders it (JSON, HTML, PDF, XLSX, zipped CSV) and freezes it with its files.

What views, commands and other apps use is importable from here.
"""

from .charts import CHART_MONTHS, CHARTS, chart_bars, chart_title, charted_per_year, report_chart
from .figures import (
    ALL_ORGANISATIONS,
    GROUPS,
    ReportPeriod,
    Umbrella,
    competence_report,
    competence_reports,
    monthly_training_hours,
    narrative_key,
    report_period,
    sum_reports,
    summed_report,
    timed_reports,
    umbrella_overview,
    with_edited_narrative,
    year_period,
)
from .files import FORMATS, freeze_report, render_report, report_rows, report_tables
from .made import MadeReport, made_report

__all__ = [
    "ALL_ORGANISATIONS",
    "CHARTS",
    "CHART_MONTHS",
    "FORMATS",
    "GROUPS",
    "MadeReport",
    "ReportPeriod",
    "Umbrella",
    "chart_bars",
    "chart_title",
    "charted_per_year",
    "competence_report",
    "competence_reports",
    "freeze_report",
    "made_report",
    "monthly_training_hours",
    "narrative_key",
    "render_report",
    "report_chart",
    "report_period",
    "report_rows",
    "report_tables",
    "sum_reports",
    "summed_report",
    "timed_reports",
    "umbrella_overview",
    "with_edited_narrative",
    "year_period",
]
