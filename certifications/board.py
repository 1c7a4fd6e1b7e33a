"""The clearance board's rows: the engine's answer on a date for one role or all, narrowed to a
member group, to the cleared or the not cleared, and to a search in names and emails, ordered
by name, role or clearance (``?sort=``) and shown 50 a page.

The screen (``ClearanceBoardView``) asks for one page (:func:`board_page`): the rows are the
members × the roles, ordered and narrowed by what needs no engine (name, role, group, search),
and the engine decides only the page's people, unless the cleared filter or the ordering by
clearance needs everyone decided. The files (:func:`clearance_board`) decide everyone."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from django.core.paginator import Page, Paginator

from jour_core.collation import name_key
from people.membership import is_member_on
from people.models import Organisation

from .clearance import Clearance, Member, clearance, members_of, roles_of
from .models import ShiftRole

PER_PAGE = 50


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


class Row(NamedTuple):
    """A person × a role on the board, not yet decided."""

    person: Member
    role: ShiftRole


#: The board's orderings (``?sort=``, ``-`` first for the other way round): each row's key.
SORTS: dict[str, Callable[[Row | Clearance], object]] = {
    "name": lambda row: name_key(row.person),
    "role": lambda row: (row.role.sort_order, row.role.name),
    "cleared": lambda row: row.cleared,
}


def board_sort(asked: str | None) -> str:
    """The ordering asked for when it is one of :data:`SORTS` (``-`` first: the other way
    round), else ``""`` (by name, then the roles' order)."""
    asked = asked or ""
    return asked if asked.removeprefix("-") in SORTS else ""


def filter_board(results: list[Clearance], filters: BoardFilters) -> list[Clearance]:
    """The engine's answers the filters keep (the role is the engine's own filter), in order."""
    return [r for r in _narrowed(results, filters) if filters.cleared in (None, r.cleared)]


def _narrowed(rows: list, filters: BoardFilters) -> list:
    """The rows (anything with a ``person``) the group and the search keep, in order."""
    if filters.group:
        rows = [r for r in rows if filters.group in r.person.member_groups]
    if filters.search:
        needle = filters.search.lower()
        rows = [r for r in rows if needle in f"{r.person.get_full_name()} {r.person.email}".lower()]
    return rows


def clearance_board(
    organisation: Organisation,
    on: datetime.date,
    filters: BoardFilters,
    roles: list[ShiftRole] | None = None,
) -> list[Clearance]:
    """The board's rows on a date, all decided: every member of the organisation on that date
    (people who have left or not yet joined are not on the board) for the filters' role (every
    role without one: ``roles``, the organisation's, read here when not given), then only those
    the other filters keep; by name in Swedish order, then the roles' order."""
    results = clearance(organisation, on, roles=[filters.role] if filters.role else roles)
    members = [r for r in results if is_member_on(r.person.joined_on, r.person.left_on, on)]
    order = {role.pk: n for n, role in enumerate(_roles_in_order(r.role for r in members))}
    members.sort(key=lambda r: (name_key(r.person), order[r.role.pk]))
    return filter_board(members, filters)


@dataclass(frozen=True)
class BoardPage:
    """One page of the board: its rows decided (``page.object_list``), how many rows in all,
    and how many of them are cleared when everyone was decided (None otherwise)."""

    page: Page
    total: int
    cleared: int | None


def board_page(
    organisation: Organisation,
    on: datetime.date,
    filters: BoardFilters,
    sort: str,
    number: str | None,
    roles: list[ShiftRole] | None = None,
) -> BoardPage:
    """Page ``number`` (as ``Paginator.get_page`` reads it) of the board ordered by ``sort``
    (:func:`board_sort`; ``roles`` as for :func:`clearance_board`). The engine decides the
    page's people only, unless the cleared filter or the ordering by clearance needs everyone
    decided; then the cleared are counted too."""
    key = SORTS.get(sort.removeprefix("-"))
    if roles is None and not filters.role:
        roles = roles_of([organisation])
    if filters.cleared is not None or sort.removeprefix("-") == "cleared":
        rows = clearance_board(organisation, on, filters, roles)
        cleared = sum(1 for r in rows if r.cleared)
    else:
        rows, cleared = _board_rows(organisation, on, filters, roles), None
    if key is not None:
        rows = sorted(rows, key=key, reverse=sort.startswith("-"))
    page = Paginator(rows, PER_PAGE).get_page(number)
    if cleared is None:
        page.object_list = _decided(organisation, on, page.object_list)
    return BoardPage(page, len(rows), cleared)


def _board_rows(
    organisation: Organisation, on: datetime.date, filters: BoardFilters, roles: list[ShiftRole]
) -> list[Row]:
    """The rows :func:`clearance_board` gives, in its order, not decided. One query."""
    roles = _roles_in_order([filters.role] if filters.role else roles)
    people = _narrowed(
        [Row(p, None) for p in members_of((organisation.pk,)) if is_member_on(p.joined_on, p.left_on, on)],
        filters,
    )
    people.sort(key=lambda row: name_key(row.person))
    return [Row(row.person, role) for row in people for role in roles]


def _decided(organisation: Organisation, on: datetime.date, rows: list[Row]) -> list[Clearance]:
    """The engine's answers for the rows, in their order: for their people and roles only."""
    if not rows:
        return []
    people = list({row.person.pk: row.person for row in rows}.values())
    roles = list({row.role.pk: row.role for row in rows}.values())
    found = {(r.person.pk, r.role.pk): r for r in clearance(organisation, on, roles=roles, people=people)}
    return [found[row.person.pk, row.role.pk] for row in rows]


def _roles_in_order(roles) -> list[ShiftRole]:
    return sorted({role.pk: role for role in roles}.values(), key=lambda role: (role.sort_order, role.name))
