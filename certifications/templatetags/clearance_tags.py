"""Clearances as table cells, written here rather than in templates: the board renders fifty
rows a page, and each variable, filter and include of a template row costs a lookup and an
escape of its own (rendering was about half of a cold board).

- ``{% clearance_cells cleared reasons warnings %}``: one clearance's cells (cleared or not,
  why not, warnings), for a role on a person's page;
- ``{% board_rows rows %}``: the board's rows (``tables.Cells``): name, groups, role, then the
  same cells."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def clearance_cells(cleared: bool, reasons: list[str], warnings: list[str]) -> SafeString:
    """The three cells of a clearance (``reasons`` and ``warnings`` as text), escaped."""
    return _cells(cleared, reasons, warnings, _statuses())


@register.simple_tag
def board_rows(rows: Iterable) -> SafeString:
    """The board's ``<tr>`` elements, one a row (``tables.Cells``), escaped."""
    statuses = _statuses()
    return format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td>{}</tr>",
        (
            (row.name, row.groups, row.role, _cells(row.cleared, row.reasons, row.warnings, statuses))
            for row in rows
        ),
    )


def _statuses() -> tuple[SafeString, SafeString]:
    """The status tags (cleared, not cleared) in the active language."""
    return (
        format_html('<span class="status-tag cleared">{}</span>', gettext("Cleared")),
        format_html('<span class="status-tag not-cleared">{}</span>', gettext("Not cleared")),
    )


def _cells(
    cleared: bool, reasons: list[str], warnings: list[str], statuses: tuple[SafeString, SafeString]
) -> SafeString:
    return format_html(
        "<td>{}</td><td>{}</td><td>{}</td>",
        statuses[0] if cleared else statuses[1],
        format_html_join("", "<div>{}</div>", ((reason,) for reason in reasons)),
        format_html_join("", "<div>{}</div>", ((warning,) for warning in warnings)),
    )
