"""``{% clearance_cells cleared reasons warnings %}``: one clearance's cells (cleared or not, why
not, warnings), for a row of the clearance board and a role on a person's page alike.

Written here rather than as an included template: the board renders it fifty times a page, and
an include costs a template's rendering each time (a tenth of the board's own rendering)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def clearance_cells(cleared: bool, reasons: list[str], warnings: list[str]) -> SafeString:
    """The three cells of a clearance (``reasons`` and ``warnings`` as text), escaped."""
    if cleared:
        status = format_html('<span class="status-tag cleared">{}</span>', gettext("Cleared"))
    else:
        status = format_html('<span class="status-tag not-cleared">{}</span>', gettext("Not cleared"))
    return format_html(
        "<td>{}</td><td>{}</td><td>{}</td>",
        status,
        format_html_join("", "<div>{}</div>", ((reason,) for reason in reasons)),
        format_html_join("", "<div>{}</div>", ((warning,) for warning in warnings)),
    )
