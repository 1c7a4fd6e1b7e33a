"""The clearance board's table (django-tables2)."""

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from people.models import MEMBER_GROUPS

from .clearance import Clearance
from .describe import describe


class ClearanceTable(tables.Table):
    name = tables.Column(verbose_name=_("Name"), accessor="person", order_by=("person__name_key",))
    groups = tables.Column(verbose_name=_("Groups"), accessor="person", orderable=False, empty_values=())
    role = tables.Column(
        verbose_name=_("Shift role"), accessor="role__name", order_by=("role__sort_order", "role__name")
    )
    cleared = tables.Column(verbose_name=_("Cleared"), order_by=("cleared",))
    reasons = tables.Column(verbose_name=_("Why not"), orderable=False, empty_values=())
    warnings = tables.Column(verbose_name=_("Warnings"), orderable=False, empty_values=())

    class Meta:
        attrs = {"class": "listing clearance-board"}
        per_page = 50

    def render_name(self, value):
        return value.get_full_name() or value.email

    def render_groups(self, value):
        return ", ".join(str(MEMBER_GROUPS[code]) for code in value.member_groups)

    def value_groups(self, value):
        return self.render_groups(value)

    def render_cleared(self, value):
        label = _("Cleared") if value else _("Not cleared")
        return format_html(
            '<span class="status-tag {}">{}</span>', "cleared" if value else "not-cleared", label
        )

    def value_cleared(self, value):
        return str(_("yes") if value else _("no"))

    def _texts(self, record: Clearance, items):
        return [describe(item, record.role.training_window_months) for item in items]

    def render_reasons(self, record):
        return format_html_join("", "<div>{}</div>", ((t,) for t in self._texts(record, record.reasons)))

    def value_reasons(self, record):
        return "; ".join(self._texts(record, record.reasons))

    def render_warnings(self, record):
        return format_html_join("", "<div>{}</div>", ((t,) for t in self._texts(record, record.warnings)))

    def value_warnings(self, record):
        return "; ".join(self._texts(record, record.warnings))
