"""The clearance board's table: its columns, the ordering links of their headers, and each
row's cells, for the page (a plain template loop, ``board.html``) and the files alike."""

from __future__ import annotations

from typing import NamedTuple

from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from people.models import MEMBER_GROUPS

from .board import SORTS
from .clearance import Clearance
from .describe import describe

#: The columns in order: (name, header). Those named in ``board.SORTS`` order the rows.
COLUMNS = (
    ("name", _("Name")),
    ("groups", _("Groups")),
    ("role", _("Shift role")),
    ("cleared", _("Cleared")),
    ("reasons", _("Why not")),
    ("warnings", _("Warnings")),
)


class Header(NamedTuple):
    label: str
    href: str = ""  # the ordering link ("": not orderable)
    order: str = ""  # "asc" or "desc" when the rows are ordered by it


class Cells(NamedTuple):
    """One row's cells as the page shows them (the template escapes them)."""

    name: str
    groups: str
    role: str
    cleared: bool
    reasons: list[str]
    warnings: list[str]


def headers(query: QueryDict, sort: str) -> list[Header]:
    """The columns' headers; an orderable one links to the same page ordered by it, the other
    way round when it orders the rows already."""
    found = []
    for name, label in COLUMNS:
        if name not in SORTS:
            found.append(Header(str(label)))
            continue
        order = {name: "asc", f"-{name}": "desc"}.get(sort, "")
        asked = query.copy()
        asked["sort"] = f"-{name}" if order == "asc" else name
        found.append(Header(str(label), f"?{asked.urlencode()}", order))
    return found


def cells(result: Clearance) -> Cells:
    window = result.role.training_window_months
    return Cells(
        result.person.get_full_name() or result.person.email,
        ", ".join(str(MEMBER_GROUPS[code]) for code in result.person.member_groups),
        result.role.name,
        result.cleared,
        [describe(item, window) for item in result.reasons],
        [describe(item, window) for item in result.warnings],
    )


def values(result: Clearance) -> list[str]:
    """The row as the files hold it (the name first, as ``jour_core.exports.PersonCell`` wants it)."""
    row = cells(result)
    return [
        row.name,
        row.groups,
        row.role,
        gettext("yes") if row.cleared else gettext("no"),
        "; ".join(row.reasons),
        "; ".join(row.warnings),
    ]
