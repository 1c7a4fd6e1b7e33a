"""Admin list columns every app uses.

Wagtail's ``DateColumn`` writes a date relative to now ("3 veckor sedan"), and a date still to
come reads "Precis nu": an expiry next spring, a run starting in March. A register's dates are
days, written as days: :class:`DayColumn`. ``tests/security/test_url_access.py``'s sibling
``tests/test_day_columns.py`` walks every admin listing for Wagtail's relative ones."""

from __future__ import annotations

from wagtail.admin.ui.tables import Column


class DayColumn(Column):
    """A date (or the local date of a moment) as the day itself, "2027-03-01"; empty when none."""

    cell_template_name = "jour_core/day_cell.html"
