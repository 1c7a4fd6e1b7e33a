"""The competence report as the report screen shows it (its figures and charts), kept in the
cache: the figures take hundreds of milliseconds to count and the charts to draw, and the board
reads the same report far more often than the records behind it change.

The key holds everything the made report depends on (jour_core/versions.py): each of its
organisations with its data version (the umbrella's report: all of them, so a new organisation
or a change to any gives a new key), the period, the version (internal or external), the
language (the narrative and the charts' words) and today's date (the figures are as of today
while the period lasts). Within a day the figures change by the clock alone when a session they
read ends (a session counts as held once it has ended): the report is kept with the next such
moment (:func:`~.figures.held_next`) and made afresh once it has passed. What the screen shows
around it (the frozen copies, the organisations to pick) is read for each request.
"""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.utils import timezone

from jour_core.pagecache import kept_until
from people.models import Organisation

from .charts import CHARTS, report_chart
from .figures import Umbrella, organisations_of, sum_reports, timed_reports


class MadeReport(NamedTuple):
    report: dict
    #: Each of ``CHARTS`` as PNG.
    charts: dict[str, bytes]


def made_report(
    subject: Organisation | Umbrella, start: datetime.date, end: datetime.date, external: bool = False
) -> MadeReport:
    """The report of ``subject`` for the period with its charts: from the cache while nothing it
    depends on has changed, else counted and drawn (and kept, ``jour_core.pagecache.kept_until``)."""
    organisations = list(organisations_of(subject))  # their data versions first, then the data
    return kept_until(
        "certifications:report",
        [(o.pk, o.data_version) for o in organisations],
        lambda: _made(subject, organisations, start, end, external),
        "umbrella" if isinstance(subject, Umbrella) else "one",
        start,
        end,
        "external" if external else "internal",
        timezone.localdate(),
    )


def _made(
    subject: Organisation | Umbrella,
    organisations: list[Organisation],
    start: datetime.date,
    end: datetime.date,
    external: bool,
) -> tuple[MadeReport, datetime.datetime | None]:
    """The report counted and drawn, and the moment its figures change by the clock alone."""
    if isinstance(subject, Umbrella):
        reports, changes_at = timed_reports(organisations, start, end)
        report = sum_reports(list(reports.values()), external)
    else:
        reports, changes_at = timed_reports(organisations, start, end, external)
        report = reports[subject.pk]
    charts = {which: report_chart(report, subject, which, external) for which in CHARTS}
    return MadeReport(report, charts), changes_at
