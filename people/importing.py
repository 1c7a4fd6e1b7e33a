"""Importing people from a spreadsheet (CSV).

``parse_people_csv`` reads and checks the whole file without touching the database except
to look up existing emails; ``apply_people_import`` writes it in one transaction. A file
with any problem imports nothing. Problems are reported as ``line N: column: message``
where N is the row number a spreadsheet shows (the header is line 1).
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from .bounds import clean_field, parse_date
from .models import MEMBER_GROUPS, Organisation, PersonManager, User, group_field
from .versions import bulk_create_with_history, bulk_update_with_history

REQUIRED_COLUMNS = ("email", "first_name", "last_name", "groups", "joined_on")
OPTIONAL_COLUMNS = ("left_on", "protected_identity")
ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
YES = {"yes", "ja", "y", "j", "true", "1"}
NO = {"no", "nej", "n", "false", "0", ""}


@dataclass(frozen=True)
class ImportProblem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.column}: {self.message}"


@dataclass(frozen=True)
class PersonRow:
    line: int
    email: str
    first_name: str
    last_name: str
    groups: frozenset[str]
    joined_on: datetime.date
    left_on: datetime.date | None
    protected_identity: bool

    def group_labels(self) -> list[str]:
        return [str(label) for code, label in MEMBER_GROUPS.items() if code in self.groups]


@dataclass
class ParsedImport:
    rows: list[PersonRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    #: Emails of rows that update an existing person of the organisation.
    existing_emails: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def to_create(self) -> list[PersonRow]:
        return [row for row in self.rows if row.email not in self.existing_emails]

    @property
    def to_update(self) -> list[PersonRow]:
        return [row for row in self.rows if row.email in self.existing_emails]


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int


def decode_csv(data: bytes) -> str:
    """UTF-8 text with or without a byte-order mark; anything else is refused."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(_("the file is not UTF-8 text; save it as 'CSV UTF-8' and try again")) from exc


def sniff_delimiter(header_line: str) -> str:
    """Swedish Excel writes semicolons, most other programs commas."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _parse_date(value: str, column: str) -> datetime.date:
    """A date in the form YYYY-MM-DD, checked by the register's field ``column`` (its bounds)."""
    day, errors = clean_field(User, column, parse_date(value))
    if errors:
        raise ValueError(" ".join(errors))
    return day


def read_csv(
    text: str, required: tuple[str, ...], optional: tuple[str, ...], problems: list[ImportProblem]
) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV file with a header, as ``(line, {column: stripped value})``.

    Header problems (empty file, unknown, missing or repeated columns) and rows with more cells
    than the header are added to ``problems``; with a header problem no rows are returned.
    Blank rows are skipped; ``line`` is the row number a spreadsheet shows (the header is 1).
    """
    lines = text.splitlines()
    # newline="": a line break inside a quoted cell is part of the cell, a lone \r ends a row.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(lines[0] if lines else ""))
    try:
        records = list(reader)
    except csv.Error as exc:  # e.g. a cell longer than the csv module reads
        problems.append(
            ImportProblem(
                reader.line_num or 1, "file", _("the file cannot be read as CSV: %(error)s") % {"error": exc}
            )
        )
        return []
    if not records or not any(cell.strip() for cell in records[0]):
        problems.append(ImportProblem(1, "header", _("the file is empty; a header row is required")))
        return []
    header = [cell.strip().lower() for cell in records[0]]
    known = required + optional
    before = len(problems)
    for name in header:
        if name not in known:
            problems.append(
                ImportProblem(
                    1,
                    "header",
                    _("unknown column '%(name)s'; expected %(columns)s")
                    % {"name": name, "columns": ", ".join(known)},
                )
            )
    for name in required:
        if name not in header:
            problems.append(ImportProblem(1, "header", _("missing column '%(name)s'") % {"name": name}))
    for name in sorted({name for name in header if header.count(name) > 1}):
        problems.append(
            ImportProblem(1, "header", _("column '%(name)s' appears more than once") % {"name": name})
        )
    if len(problems) > before:
        return []
    rows = []
    for line, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # a blank row in the spreadsheet
        if len(record) > len(header):
            problems.append(
                ImportProblem(
                    line,
                    "row",
                    _("%(cells)d cells but the header has %(columns)d columns")
                    % {"cells": len(record), "columns": len(header)},
                )
            )
            continue
        rows.append(
            (line, {name: (record[i].strip() if i < len(record) else "") for i, name in enumerate(header)})
        )
    return rows


def parse_people_csv(text: str, organisation: Organisation | None) -> ParsedImport:
    """Check every row of ``text``; collect every problem rather than stopping at the first.

    ``organisation`` is the organisation imported into (``None`` when it does not exist yet):
    rows whose email belongs to it update that person; an email registered with another
    organisation is a problem.
    """
    result = ParsedImport()
    rows = read_csv(text, REQUIRED_COLUMNS, OPTIONAL_COLUMNS, result.problems)
    seen: dict[str, int] = {}
    for index, values in rows:
        row = _parse_row(index, values, seen, result.problems)
        if row is not None:
            result.rows.append(row)

    emails = [row.email for row in result.rows]
    taken = dict(User.objects.filter(email__in=emails).values_list("email", "organisation_id"))
    for row in result.rows:
        if row.email not in taken:
            continue
        if organisation is not None and taken[row.email] == organisation.pk:
            result.existing_emails.add(row.email)
        else:
            result.problems.append(
                ImportProblem(
                    row.line,
                    "email",
                    _("%(email)s is already registered with another organisation") % {"email": row.email},
                )
            )
    result.problems.sort(key=lambda problem: problem.line)
    if result.problems:
        result.rows = []
    return result


def _parse_row(
    line: int, values: dict[str, str], seen: dict[str, int], problems: list[ImportProblem]
) -> PersonRow | None:
    before = len(problems)

    def problem(column: str, message: str) -> None:
        problems.append(ImportProblem(line, column, message))

    email = PersonManager.normalize_email(values["email"])
    if not email:
        problem("email", _("an email address is required"))
    else:
        try:
            validate_email(email)
        except ValidationError:
            problem("email", _("'%(value)s' is not a valid email address") % {"value": values["email"]})
        else:
            # The rest as the register's own field checks it in the admin (at most 254 characters).
            for message in clean_field(User, "email", email)[1]:
                problem("email", message)
            if email in seen:
                problem(
                    "email",
                    _("%(email)s appears twice in the file (also on line %(line)d)")
                    % {"email": email, "line": seen[email]},
                )
            else:
                seen[email] = line

    first_name, last_name = values["first_name"], values["last_name"]
    if not first_name:
        problem("first_name", _("a first name is required"))
    for column, value in (("first_name", first_name), ("last_name", last_name)):
        if value:
            for message in clean_field(User, column, value)[1]:
                problem(column, message)

    groups: set[str] = set()
    for part in values["groups"].replace(",", ";").split(";"):
        code = part.strip().lower()
        if not code:
            continue
        if code in MEMBER_GROUPS:
            groups.add(code)
        else:
            problem(
                "groups",
                _("unknown group '%(value)s'; use volunteer, staff or board separated by ';'")
                % {"value": part.strip()},
            )

    joined_on = left_on = None
    if not values["joined_on"]:
        problem("joined_on", _("a date is required (YYYY-MM-DD)"))
    else:
        try:
            joined_on = _parse_date(values["joined_on"], "joined_on")
        except ValueError as exc:
            problem("joined_on", str(exc))
    if values.get("left_on"):
        try:
            left_on = _parse_date(values["left_on"], "left_on")
        except ValueError as exc:
            problem("left_on", str(exc))
    if joined_on and left_on and left_on < joined_on:
        problem(
            "left_on",
            _("%(left_on)s is before joined_on %(joined_on)s") % {"left_on": left_on, "joined_on": joined_on},
        )

    protected = values.get("protected_identity", "").lower()
    if protected not in YES | NO:
        problem(
            "protected_identity", _("'%(value)s' is not yes or no") % {"value": values["protected_identity"]}
        )

    if len(problems) > before:
        return None
    return PersonRow(
        line=line,
        email=email,
        first_name=first_name,
        last_name=last_name,
        groups=frozenset(groups),
        joined_on=joined_on,
        left_on=left_on,
        protected_identity=protected in YES,
    )


def _apply_row(person: User, row: PersonRow) -> None:
    person.first_name = row.first_name
    person.last_name = row.last_name
    person.joined_on = row.joined_on
    person.left_on = row.left_on
    person.protected_identity = row.protected_identity
    for code in MEMBER_GROUPS:
        setattr(person, group_field(code), code in row.groups)


#: The change reason on the history rows the import writes (shown in words by people.history).
IMPORT_REASON = "people import"

UPDATED_FIELDS = ["first_name", "last_name", "joined_on", "left_on", "protected_identity"] + [
    group_field(code) for code in MEMBER_GROUPS
]


@transaction.atomic
def apply_people_import(
    parsed: ParsedImport, organisation: Organisation, by: User | None = None
) -> ImportSummary:
    """Write a checked import: create the new people, update the existing ones by email. Every
    created or updated person gets a history row, with ``by`` as who made the change."""
    if not parsed.ok:
        raise ValueError("refusing to apply an import with problems")
    existing = {
        person.email: person
        for person in User.objects.select_for_update().filter(
            organisation=organisation, email__in=[row.email for row in parsed.to_update]
        )
    }
    new_people = []
    for row in parsed.to_create:
        person = User(email=row.email, organisation=organisation)
        person.set_unusable_password()
        _apply_row(person, row)
        new_people.append(person)
    bulk_create_with_history(new_people, User, default_user=by, default_change_reason=IMPORT_REASON)
    changed = []
    for row in parsed.to_update:
        person = existing[row.email]
        before = [getattr(person, name) for name in UPDATED_FIELDS]
        _apply_row(person, row)
        if [getattr(person, name) for name in UPDATED_FIELDS] != before:
            changed.append(person)
    # Only people whose row differs are written, so a re-import adds no empty history rows.
    bulk_update_with_history(
        changed, User, UPDATED_FIELDS, default_user=by, default_change_reason=IMPORT_REASON
    )
    return ImportSummary(created=len(new_people), updated=len(existing))
