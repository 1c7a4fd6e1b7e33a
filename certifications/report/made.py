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
import hashlib
from typing import NamedTuple

from django.core.cache import cache
from django.utils import timezone, translation

from jour_core.conf import app_settings
from people.models import Organisation

from .charts import CHARTS, report_chart
from .figures import Umbrella, organisations_of, sum_reports, timed_reports


class MadeReport(NamedTuple):
    report: dict
    #: Each of ``CHARTS`` as PNG.
    charts: dict[str, bytes]


def report_key(
    subject: Organisation | Umbrella, start: datetime.date, end: datetime.date, external: bool
) -> str:
    """The cache key of the made report of ``subject`` (read its organisations' versions before
    anything else of theirs)."""
    raw = "|".join(
        str(part)
        for part in (
            ",".join(f"{o.pk}:{o.data_version}" for o in organisations_of(subject)),
            "umbrella" if isinstance(subject, Umbrella) else "one",
            start,
            end,
            "external" if external else "internal",
            translation.get_language(),
            timezone.localdate(),
        )
    )
    return "certifications:report:" + hashlib.sha256(raw.encode()).hexdigest()


def made_report(
    subject: Organisation | Umbrella, start: datetime.date, end: datetime.date, external: bool = False
) -> MadeReport:
    """The report of ``subject`` for the period with its charts: from the cache while nothing it
    depends on has changed, else counted and drawn (and kept)."""
    key = report_key(subject, start, end, external) if app_settings.JOUR_PAGE_CACHE_SECONDS else None
    entry = cache.get(key) if key else None
    if entry is not None:
        changes_at, made = entry
        if changes_at is None or timezone.now() < changes_at:
            return made
    organisations = list(organisations_of(subject))
    if isinstance(subject, Umbrella):
        reports, changes_at = timed_reports(organisations, start, end)
        report = sum_reports(list(reports.values()), external)
    else:
        reports, changes_at = timed_reports(organisations, start, end, external)
        report = reports[subject.pk]
    made = MadeReport(report, {which: report_chart(report, subject, which, external) for which in CHARTS})
    if key:
        cache.set(key, (changes_at, made), app_settings.JOUR_PAGE_CACHE_SECONDS)
    return made
