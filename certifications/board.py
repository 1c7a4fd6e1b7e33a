"""The clearance board's rows: the engine's answer on a date for one role or all, narrowed to a
member group, to the cleared or the not cleared, and to a search in names and emails. The
board's screen (``ClearanceBoardView``) parses its filters, calls :func:`clearance_board` and
renders; its table orders the rows (``?sort=``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from jour_core.collation import name_key
from people.membership import is_member_on
from people.models import Organisation

from .clearance import Clearance, clearance
from .models import ShiftRole


@dataclass(frozen=True)
class BoardFilters:
    """What the board is asked to show; an empty value does not filter."""

    role: ShiftRole | None = None
    group: str = ""  # a member group's code
    cleared: bool | None = None  # True: only the cleared, False: only the not cleared
    search: str = ""  # part of a name or an email, in any case

    @classmethod
    def from_form(cls, data: dict) -> BoardFilters:
        """The filters of the board's form's cleaned data (empty for a form not sent)."""
        cleared = data.get("cleared")
        return cls(
            role=data.get("role"),
            group=data.get("group") or "",
            cleared={"yes": True, "no": False}.get(cleared) if cleared else None,
            search=data.get("q") or "",
        )


def filter_board(results: list[Clearance], filters: BoardFilters) -> list[Clearance]:
    """The engine's answers the filters keep (the role is the engine's own filter), in order."""
    if filters.group:
        results = [r for r in results if filters.group in r.person.member_groups]
    if filters.cleared is not None:
        results = [r for r in results if r.cleared == filters.cleared]
    if filters.search:
        needle = filters.search.lower()
        results = [r for r in results if needle in f"{r.person.get_full_name()} {r.person.email}".lower()]
    return results


def clearance_board(organisation: Organisation, on: datetime.date, filters: BoardFilters) -> list[Clearance]:
    """The board's rows on a date: every member of the organisation on that date (people who
    have left or not yet joined are not on the board) for the filters' role (every role without
    one), then only those the other filters keep; by name in Swedish order, then the roles'
    order."""
    results = clearance(organisation, on, roles=[filters.role] if filters.role else None)
    members = [r for r in results if is_member_on(r.person.joined_on, r.person.left_on, on)]
    order = {role.pk: n for n, role in enumerate(_roles_in_order(members))}
    members.sort(key=lambda r: (name_key(r.person), order[r.role.pk]))
    return filter_board(members, filters)


def _roles_in_order(results: list[Clearance]) -> list[ShiftRole]:
    return sorted(
        {r.role.pk: r.role for r in results}.values(), key=lambda role: (role.sort_order, role.name)
    )
