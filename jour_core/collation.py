"""Names in Swedish order: the one place the rule is written.

Swedish sorts the alphabet's last three letters after z, in this order: å, ä, ö (so "Åsa"
comes after "Zelda", never between "Anna" and "Berit"). Other accents sort with their base
letter (é as e, ü as y, æ as ä, ø as ö), and case only breaks ties.

Two ways to the same order:

- in the database, ``Collate(field, SWEDISH)``: on PostgreSQL the ICU collation
  ``sv-SE-x-icu``; on SQLite a collation of that name made from :func:`swedish_key`, given to
  every new connection (``jour_core.apps``);
- in Python, :func:`swedish_key` as a sort key (rows already loaded, e.g. the clearance
  engine's).

:func:`by_name` orders a queryset of people (or of rows leading to people) by last name, first
name and id (two people of the same name: the one added first first); :func:`name_key` is its
twin for people already loaded. ``tests/test_swedish_order.py`` pins the two equal.
"""

from __future__ import annotations

import functools
import unicodedata

from django.db.models import F, QuerySet
from django.db.models.functions import Collate

#: The collation's name, the same on PostgreSQL (ICU) and SQLite (registered here).
SWEDISH = "sv-SE-x-icu"

# å, ä, ö after z (z is 0x7a): the code points just after it, in Swedish order.
_LAST_LETTERS = {"å": "{", "ä": "|", "ö": "}", "æ": "|", "ø": "}"}
_LIKE = {"ü": "y", "ß": "ss", "đ": "d", "ð": "d", "þ": "th", "ł": "l"}


@functools.lru_cache(maxsize=4096)
def swedish_key(text: str | None) -> tuple[str, str]:
    """A sort key that puts ``text`` in Swedish order: its letters, then its case as the tie."""
    folded = (text or "").casefold()
    letters = []
    for char in folded:
        if char in _LAST_LETTERS:
            letters.append(_LAST_LETTERS[char])
        elif char in _LIKE:
            letters.append(_LIKE[char])
        else:
            # Other accents sort as their base letter: é as e, ñ as n.
            base = unicodedata.normalize("NFD", char)
            letters.append("".join(c for c in base if not unicodedata.combining(c)) or char)
    return "".join(letters), (text or "")


def compare(a: str | None, b: str | None) -> int:
    """The SQLite collation's comparison (-1, 0, 1) by :func:`swedish_key`."""
    key_a, key_b = swedish_key(a), swedish_key(b)
    return (key_a > key_b) - (key_a < key_b)


def register_sqlite_collation(sender, connection, **kwargs) -> None:
    """``connection_created``: give a new SQLite connection the Swedish collation."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SWEDISH, compare)


def by_name(queryset: QuerySet, path: str = "") -> QuerySet:
    """``queryset`` ordered by the names of the people reached by ``path`` (e.g. ``"person__"``)
    in Swedish order: last name, first name, then id."""
    return queryset.order_by(*name_ordering(path))


def name_ordering(path: str = "") -> list:
    """The ordering of :func:`by_name`, for ``order_by`` or a listing's ``ordering``."""
    return [
        Collate(F(f"{path}last_name"), SWEDISH),
        Collate(F(f"{path}first_name"), SWEDISH),
        F(f"{path}pk"),
    ]


def name_key(person) -> tuple:
    """The twin of :func:`by_name` for a person already loaded (any object with ``last_name``,
    ``first_name`` and ``pk``)."""
    return (swedish_key(person.last_name), swedish_key(person.first_name), person.pk)


def swedish_ordering(ordering: str | list | tuple | None) -> list | None:
    """A listing's ``ordering`` (``"-person__last_name"``, ``["last_name", "first_name"]``)
    with its names in Swedish order: a last name brings the first name and id after it (see
    :func:`name_ordering`); None when it names no name."""
    terms = [ordering] if isinstance(ordering, str) else list(ordering or ())
    if not any(isinstance(t, str) and t.lstrip("-").endswith(("last_name", "first_name")) for t in terms):
        return None
    result: list = []
    for term in terms:
        if not isinstance(term, str):
            result.append(term)
            continue
        descending, field = term.startswith("-"), term.lstrip("-")
        if field.endswith("last_name"):
            parts = name_ordering(field[: -len("last_name")])
        elif field.endswith("first_name"):
            parts = [Collate(F(field), SWEDISH)]
        else:
            parts = [F(field)]
        result += [p.desc() if descending else p.asc() for p in parts]
    return result
