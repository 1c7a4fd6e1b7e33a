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


class NumberColumn(Column):
    """A number as people read it (``jour_core.numbers.number``: "2,5", "6", "12 500"), not
    Wagtail's "2,50" or "6,00"."""

    def get_cell_context_data(self, instance, parent_context):
        from .numbers import number

        context = super().get_cell_context_data(instance, parent_context)
        context["value"] = number(context["raw_value"])
        return context


class YesNoColumn(Column):
    """A yes/no field as "Ja" or "Nej" (Wagtail's plain column writes Python's True and False)."""

    def get_cell_context_data(self, instance, parent_context):
        from django.utils.translation import gettext

        context = super().get_cell_context_data(instance, parent_context)
        raw = context["raw_value"]
        context["value"] = "" if raw is None else gettext("Yes") if raw else gettext("No")
        return context
