"""Importing people from a spreadsheet (CSV).

``parse_people_csv`` reads and checks the whole file without touching the database except
to look up existing emails (one query for the whole file); ``apply_people_import`` writes it
in one transaction, in batches. A file with any problem imports nothing. Problems are reported
as ``line N: column: message`` where N is the row number a spreadsheet shows (the header is
line 1).

Between the admin's preview and its confirmation the uploaded file waits in a
:class:`~people.models.PendingImport` (``keep_pending_import``, ``find_pending_import``,
``import_pending``); the page carries only its token.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import re
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Lookup
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from jour_core.exports import Sheet
from jour_core.reading import UnreadableFile, csv_records, decode_text, read_spreadsheet

from .bounds import clean_field, parse_date
from .conf import app_settings
from .models import MEMBER_GROUPS, Organisation, PendingImport, PersonManager, User, group_field

#: Marks a column that is read and not imported (the register export's phone and status).
IGNORED = "-"
REQUIRED_COLUMNS = ("email", "first_name", "last_name", "groups", "joined_on")
OPTIONAL_COLUMNS = ("left_on", "protected_identity")
YES = {"yes", "ja", "y", "j", "true", "sant", "1"}
NO = {"no", "nej", "n", "false", "falskt", "0", ""}
#: Swedish headers besides the fields' names in Swedish and English (``people_columns``).
SWEDISH_COLUMNS = {
    "e-post": "email",
    "epost": "email",
    "e-postadress": "email",
    "mejl": "email",
    "förnamn": "first_name",
    "efternamn": "last_name",
    "grupp": "groups",
    "grupper": "groups",
    "medlem sedan": "joined_on",
    "startdatum": "joined_on",
    "slutdatum": "left_on",
    "gick med": "joined_on",
    "slutade": "left_on",
    "skyddad identitet": "protected_identity",
    "skyddade personuppgifter": "protected_identity",
    "telefon": IGNORED,
    "telefonnummer": IGNORED,
    "status": IGNORED,
}
#: Group names besides the codes and the groups' names in Swedish and English.
SWEDISH_GROUPS = {
    "volontärer": "volunteer",
    "ideell": "volunteer",
    "anställd": "staff",
    "anställda": "staff",
    "personal": "staff",
    "styrelsen": "board",
    "styrelseledamot": "board",
}

#: The fields an import sets on a person who is in the register already, in the order of
#: :meth:`PersonRow.values`.
UPDATED_FIELDS = ["first_name", "last_name", "joined_on", "left_on", "protected_identity"] + [
    group_field(code) for code in MEMBER_GROUPS
]
#: Rows per INSERT or UPDATE statement (Django makes SQLite's smaller: its parameter limit).
BATCH_SIZE = 1000


@dataclass(frozen=True)
class ImportProblem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.column}: {self.message}"


#: A file with this many problems is not read further: a list that long helps nobody, and a
#: 2 MB file of a million one-cell lines would otherwise make millions of them.
MAX_PROBLEMS = 1000


def too_many_problems(problems: list[ImportProblem], line: int) -> bool:
    """Whether ``problems`` is full; the first time it is, a last problem says where reading
    stopped. For the loops over a file's rows (the people import, the records import)."""
    if len(problems) < MAX_PROBLEMS:
        return False
    if problems[-1].column != "file":
        problems.append(
            ImportProblem(
                line,
                "file",
                ngettext(
                    "more than %(count)d problem: the lines from here on were not checked",
                    "more than %(count)d problems: the lines from here on were not checked",
                    MAX_PROBLEMS,
                )
                % {"count": MAX_PROBLEMS},
            )
        )
    return True


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

    def values(self) -> tuple:
        """The row's values of ``UPDATED_FIELDS``, in that order."""
        return (
            self.first_name,
            self.last_name,
            self.joined_on,
            self.left_on,
            self.protected_identity,
            *(code in self.groups for code in MEMBER_GROUPS),
        )


@dataclass(frozen=True)
class ImportCounts:
    """What a checked file would do: its rows, and of them the new people, the people whose
    row differs from the register (updated) and those it matches already (unchanged)."""

    rows: int
    new: int
    updated: int
    unchanged: int


@dataclass
class ParsedImport:
    rows: list[PersonRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    #: Emails of rows that update an existing person of the organisation.
    existing_emails: set[str] = field(default_factory=set)
    #: Of those, the rows that match the register already (importing them changes nothing).
    unchanged_emails: set[str] = field(default_factory=set)
    #: The lines an export wrote for a protected person (her pseudonym, no email): left out.
    protected_lines: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def counts(self) -> ImportCounts:
        existing, unchanged = len(self.existing_emails), len(self.unchanged_emails)
        return ImportCounts(len(self.rows), len(self.rows) - existing, existing - unchanged, unchanged)

    def change(self, row: PersonRow) -> str:
        """What importing ``row`` does: ``"new"``, ``"updated"`` or ``"unchanged"``."""
        if row.email not in self.existing_emails:
            return "new"
        return "unchanged" if row.email in self.unchanged_emails else "updated"


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int


def decode_csv(data: bytes) -> str:
    """UTF-8 text with or without a byte-order mark (or Windows-1252); anything else is refused."""
    return decode_text(data)


def header_name(text: str) -> str:
    """A header as it is compared: any case, spacing, and a trailing ':' or '*' ignored."""
    return " ".join(text.replace("_", " ").split()).strip(" :*").casefold()


def read_csv(
    text: str | list[list[str]],
    required: tuple[str, ...],
    optional: tuple[str, ...],
    problems: list[ImportProblem],
    aliases: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
) -> list[tuple[int, dict[str, str]]]:
    """The rows of a file with a header (CSV text, or the rows :func:`read_spreadsheet` read),
    as ``(line, {column: stripped value})``.

    ``aliases`` maps other headers (Swedish, the export's) to a column, or to ``IGNORED``;
    ``labels`` is filled with each column's header as the file writes it (for problems).
    Header problems (empty file, unknown, missing or repeated columns) and rows with more cells
    than the header are added to ``problems``; with a header problem no rows are returned.
    Blank rows are skipped; ``line`` is the row number a spreadsheet shows (the header is 1).
    """
    if isinstance(text, str):
        try:
            records = csv_records(text)
        except UnreadableFile as exc:
            problems.append(ImportProblem(exc.line, "file", str(exc)))
            return []
    else:
        records = text
    if not records or not any(cell.strip() for cell in records[0]):
        problems.append(ImportProblem(1, "header", _("the file is empty; a header row is required")))
        return []
    written = [cell.strip() for cell in records[0]]
    header = _read_header(written, required, optional, problems, aliases or {})
    if header is None:
        return []
    if labels is not None:
        labels.update((name, cell) for name, cell in zip(header, written, strict=True) if name != IGNORED)
    rows = []
    for line, record in enumerate(records[1:], start=2):
        if too_many_problems(problems, line):
            break
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
        cells = {name: (record[i].strip() if i < len(record) else "") for i, name in enumerate(header)}
        cells.pop(IGNORED, None)
        rows.append((line, cells))
    return rows


def _read_header(
    written: list[str],
    required: tuple[str, ...],
    optional: tuple[str, ...],
    problems: list[ImportProblem],
    aliases: dict[str, str],
) -> list[str] | None:
    """The header's columns (``IGNORED`` for a column read and not imported), or ``None`` with
    its problems added: unknown, missing or repeated columns, too many of them."""
    known = required + optional
    names = {header_name(name): name for name in known} | {
        header_name(other): name for other, name in aliases.items()
    }
    header = [names.get(header_name(cell), header_name(cell)) for cell in written]
    if len(header) > len(known) + header.count(IGNORED):  # one problem, not one per column
        problems.append(
            ImportProblem(
                1,
                "header",
                ngettext(
                    "the header has %(count)d column; expected at most %(columns)s",
                    "the header has %(count)d columns; expected at most %(columns)s",
                    len(header),
                )
                % {"count": len(header), "columns": ", ".join(known)},
            )
        )
        return None
    before = len(problems)
    for name, cell in zip(header, written, strict=True):
        if name not in known and name != IGNORED:
            problems.append(
                ImportProblem(
                    1,
                    "header",
                    _("unknown column '%(name)s'; expected %(columns)s")
                    % {"name": cell, "columns": ", ".join(known)},
                )
            )
    for name in required:
        if name not in header:
            problems.append(ImportProblem(1, "header", _("missing column '%(name)s'") % {"name": name}))
    for name in sorted(name for name, count in Counter(header).items() if count > 1 and name != IGNORED):
        problems.append(
            ImportProblem(1, "header", _("column '%(name)s' appears more than once") % {"name": name})
        )
    return None if len(problems) > before else header


def _in_both_languages(texts: Callable[[], dict[str, str]]) -> dict[str, str]:
    """``texts()`` (a name -> code) in Swedish and in English, names as headers compare."""
    found = {}
    for language in ("en", "sv"):
        with translation.override(language):
            found.update((header_name(str(name)), code) for name, code in texts().items())
    return found


def people_columns() -> dict[str, str]:
    """Every header the people import reads, and its column: the fields' names in Swedish and
    English, the register export's own headings, and ``SWEDISH_COLUMNS``."""
    fields = ("email", "first_name", "last_name", "joined_on", "left_on", "protected_identity")

    def names() -> dict[str, str]:
        return {
            **{User._meta.get_field(name).verbose_name: name for name in fields},
            _("Groups"): "groups",
            User._meta.get_field("phone").verbose_name: IGNORED,
            _("Status"): IGNORED,
        }

    return _in_both_languages(names) | SWEDISH_COLUMNS


def group_names() -> dict[str, str]:
    """Every name of a member group the import reads: codes, names in Swedish and English."""
    return (
        {code: code for code in MEMBER_GROUPS}
        | _in_both_languages(lambda: {label: code for code, label in MEMBER_GROUPS.items()})
        | SWEDISH_GROUPS
    )


def pseudonym_pattern() -> re.Pattern:
    """ "Skyddad identitet 3" (or "Protected identity 3"): how an export shows a protected person."""
    texts = []
    for language in ("en", "sv"):
        with translation.override(language):
            texts.append(
                re.escape(_("Protected identity %(number)d")).replace(re.escape("%(number)d"), r"\d+")
            )
    return re.compile("|".join(texts), re.IGNORECASE)


def template_sheet() -> Sheet:
    """The import's template: the columns under the headers the register export writes, an
    example row, and a list to pick a group from (XLSX)."""
    fields = ("email", "first_name", "last_name", "groups", "joined_on", "left_on", "protected_identity")
    headers = [
        _("Groups") if name == "groups" else capfirst(User._meta.get_field(name).verbose_name)
        for name in fields
    ]
    volunteer = str(MEMBER_GROUPS["volunteer"])
    example = [
        "anna.andersson@example.org",
        "Anna",
        "Andersson",
        volunteer,
        datetime.date(2025, 1, 15),
        None,
        False,
    ]
    groups = [str(label) for label in MEMBER_GROUPS.values()]
    return Sheet(headers, [example], title=_("People"), choices={fields.index("groups"): groups})


def parse_people_file(data: bytes, name: str, organisation: Organisation | None) -> ParsedImport:
    """An uploaded file (CSV or XLSX) checked as :func:`parse_people_csv` checks CSV text.
    Raises ``jour_core.reading.UnreadableFile`` for a file that is neither."""
    return parse_people_csv(read_spreadsheet(data, name), organisation)


def parse_people_csv(text: str | list[list[str]], organisation: Organisation | None) -> ParsedImport:
    """Check every row of ``text`` (CSV text, or rows read from a file); collect every problem
    rather than stopping at the first.

    ``organisation`` is the organisation imported into (``None`` when it does not exist yet):
    rows whose email belongs to it update that person; an email registered with another
    organisation is a problem. A row an export wrote for a protected person (no email, her
    pseudonym for a name) is left out: she stays as she is (``protected_lines``).
    """
    result = ParsedImport()
    labels: dict[str, str] = {}
    rows = read_csv(text, REQUIRED_COLUMNS, OPTIONAL_COLUMNS, result.problems, people_columns(), labels)
    seen: dict[str, int] = {}
    groups, pseudonym = group_names(), pseudonym_pattern()
    for index, values in rows:
        if too_many_problems(result.problems, index):
            break
        if not values["email"] and pseudonym.fullmatch(values["first_name"]):
            result.protected_lines.append(index)
            continue
        row = _parse_row(index, values, seen, result.problems, groups)
        if row is not None:
            result.rows.append(row)

    # One query for the whole file: who is registered already, where, and with what values.
    taken: dict[str, int | None] = {}
    registered: dict[str, tuple] = {}
    if result.rows:
        for email, organisation_id, *values in (
            User.objects.filter(OneOf(F("email"), [row.email for row in result.rows]))
            .order_by()
            .values_list("email", "organisation_id", *UPDATED_FIELDS)
        ):
            taken[email], registered[email] = organisation_id, tuple(values)
    for row in result.rows:
        if row.email not in taken:
            continue
        if organisation is not None and taken[row.email] == organisation.pk:
            result.existing_emails.add(row.email)
            if row.values() == registered[row.email]:
                result.unchanged_emails.add(row.email)
        else:
            result.problems.append(
                ImportProblem(
                    row.line,
                    "email",
                    _(
                        "%(email)s belongs to a person in another organisation; ask the umbrella "
                        "administrator, who can move the person to your organisation"
                    )
                    % {"email": row.email},
                )
            )
    # A problem names its column as the file's header does ("E-post" in a Swedish file).
    result.problems = [
        dataclasses.replace(problem, column=labels.get(problem.column, problem.column))
        for problem in sorted(result.problems, key=lambda problem: problem.line)
    ]
    if result.problems:
        result.rows = []
        result.existing_emails, result.unchanged_emails = set(), set()
    return result


class OneOf(Lookup):
    """``OneOf(F("email"), values)``: the field's value is one of ``values``, passed as one
    parameter, so that one query serves any number of values. (An ``IN`` list takes a parameter
    per value, and SQLite refuses more than 999 or 32,766 of them, depending on its build.)

    PostgreSQL gets an array, ``= ANY(%s)``: with a constant array it probes the index or hashes
    the array, whatever its statistics say. (A subquery over the array, ``IN (SELECT …)``, was
    planned as a nested loop when the statistics said the table was nearly empty, as they did
    after a large import was rolled back and vacuumed: 78,000 × 78,000 comparisons, minutes.)
    SQLite gets a JSON array, ``IN (SELECT value FROM json_each(%s))``, which it always turns
    into an index.
    """

    lookup_name = "one_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        # The column comes from Django's compiler; the values are a parameter.
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [*params, json.dumps(list(self.rhs))]  # noqa: S608

    def as_postgresql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*params, list(self.rhs)]


#: Adds a problem of the row being checked: ``report(column, message)``.
Report = Callable[[str, str], None]


def _parse_row(
    line: int,
    values: dict[str, str],
    seen: dict[str, int],
    problems: list[ImportProblem],
    groups: dict[str, str],
) -> PersonRow | None:
    """One row as a :class:`PersonRow`, or ``None`` when any of its cells has a problem (each
    one added to ``problems``). ``seen`` holds the line of each email met so far in the file."""
    before = len(problems)

    def problem(column: str, message: str) -> None:
        problems.append(ImportProblem(line, column, message))

    email = _parse_email(values["email"], line, seen, problem)
    first_name, last_name = values["first_name"], values["last_name"]
    _check_names(first_name, last_name, problem)
    codes = _parse_groups(values["groups"], groups, problem)
    joined_on, left_on = _parse_dates(values["joined_on"], values.get("left_on"), problem)
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
        groups=frozenset(codes),
        joined_on=joined_on,
        left_on=left_on,
        protected_identity=protected in YES,
    )


def _parse_email(value: str, line: int, seen: dict[str, int], problem: Report) -> str:
    """The normalised email: required, valid, as the register's field accepts it, once per file."""
    email = PersonManager.normalize_email(value)
    if not email:
        problem("email", _("an email address is required"))
        return email
    try:
        validate_email(email)
    except ValidationError:
        problem("email", _("'%(value)s' is not a valid email address") % {"value": value})
        return email
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
    return email


def _check_names(first_name: str, last_name: str, problem: Report) -> None:
    """A first name is required; both as the register's fields accept them."""
    if not first_name:
        problem("first_name", _("a first name is required"))
    for column, value in (("first_name", first_name), ("last_name", last_name)):
        if value:
            for message in clean_field(User, column, value)[1]:
                problem(column, message)


def _parse_groups(value: str, names: dict[str, str], problem: Report) -> set[str]:
    """The member groups' codes from their names (``group_names``: "volontär", "Styrelse",
    "staff", any case), separated by ';' or ','."""
    groups: set[str] = set()
    for part in value.replace(",", ";").split(";"):
        name = header_name(part)
        if not name:
            continue
        if name in names:
            groups.add(names[name])
        else:
            problem(
                "groups",
                _("unknown group '%(value)s'; use %(groups)s, separated by ';' or ','")
                % {
                    "value": part.strip(),
                    "groups": ", ".join(str(label).lower() for label in MEMBER_GROUPS.values()),
                },
            )
    return groups


def _parse_dates(
    joined: str, left: str | None, problem: Report
) -> tuple[datetime.date | None, datetime.date | None]:
    """(joined_on, left_on): joined_on required, left_on optional and not before it."""
    joined_on = left_on = None
    if not joined:
        problem("joined_on", _("a date is required (YYYY-MM-DD)"))
    else:
        try:
            joined_on = parse_date(joined)
        except ValueError as exc:
            problem("joined_on", str(exc))
    if left:
        try:
            left_on = parse_date(left)
        except ValueError as exc:
            problem("left_on", str(exc))
    if joined_on and left_on and left_on < joined_on:
        problem(
            "left_on",
            _("%(left_on)s is before joined_on %(joined_on)s") % {"left_on": left_on, "joined_on": joined_on},
        )
    return joined_on, left_on


def _apply_row(person: User, row: PersonRow) -> None:
    for name, value in zip(UPDATED_FIELDS, row.values(), strict=True):
        setattr(person, name, value)


def _unusable_password() -> str:
    """What ``set_unusable_password`` stores (the unusable prefix and 40 random characters),
    from one call to the system's random source rather than 40: Django's way took about a
    quarter of a 78,000-row import."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


#: The change reason on the history rows the import writes (shown in words by people.history).
IMPORT_REASON = "people import"


@transaction.atomic
def apply_people_import(
    parsed: ParsedImport, organisation: Organisation, by: User | None = None
) -> ImportSummary:
    """Write a checked import: create the new people, update the existing ones by email. Every
    created or updated person gets a history row, with ``by`` as who made the change.

    The organisation's people named in the file are read again here, locked, as plain values
    (one query); model instances are made only for the people written. A row whose person
    differs from the register in no field writes nothing (a re-import adds no history rows).
    """
    if not parsed.ok:
        raise ValueError("refusing to apply an import with problems")
    names = [f.attname for f in User._meta.concrete_fields]
    email_at = names.index("email")
    positions = [names.index(name) for name in UPDATED_FIELDS]
    current = {
        values[email_at]: values
        for values in User.objects.select_for_update()
        .filter(OneOf(F("email"), [row.email for row in parsed.rows]), organisation=organisation)
        .order_by()
        .values_list(*names)
    }
    new_people, changed, unchanged = [], [], 0
    for row in parsed.rows:
        values = current.get(row.email)
        if values is None:
            person = User(email=row.email, organisation=organisation, password=_unusable_password())
            new_people.append(person)
        elif tuple(values[i] for i in positions) == row.values():
            unchanged += 1
            continue
        else:
            person = User.from_db(User.objects.db, names, values)
            changed.append(person)
        _apply_row(person, row)
        # Who made the change, for the history row: simple-history looks for it here first
        # (its fallback costs an exception per row).
        person._history_user = by
    history = {"default_user": by, "default_change_reason": IMPORT_REASON, "default_date": timezone.now()}
    bulk_create_with_history(new_people, User, batch_size=BATCH_SIZE, **history)
    bulk_update_with_history(changed, User, UPDATED_FIELDS, batch_size=BATCH_SIZE, **history)
    return ImportSummary(created=len(new_people), updated=len(changed), unchanged=unchanged)


# Between the preview and the confirmation -------------------------------------------------------


class PendingImportGone(Exception):
    """The pending import was used (confirmed or cancelled) by another request meanwhile."""


def _pending_cutoff() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=app_settings.PEOPLE_IMPORT_PENDING_HOURS)


def forget_expired_imports() -> int:
    """Delete every pending import older than ``PEOPLE_IMPORT_PENDING_HOURS`` (the files hold
    personal data); returns how many. Run at every upload and by ``clear_pending_imports``."""
    deleted, _counts = PendingImport.objects.filter(created_at__lt=_pending_cutoff()).delete()
    return deleted


def keep_pending_import(data: bytes, file_name: str, organisation: Organisation, by: User) -> PendingImport:
    """Keep an uploaded, checked file until it is confirmed. The person's earlier pending
    imports go (one file waits per person) and so does every expired one."""
    with transaction.atomic():
        PendingImport.objects.filter(uploaded_by=by).delete()
        forget_expired_imports()
        return PendingImport.objects.create(
            organisation=organisation,
            uploaded_by=by,
            file_name=file_name[:255],
            data=data,
            sha256=hashlib.sha256(data).hexdigest(),
        )


def find_pending_import(user: User, token: str) -> PendingImport | None:
    """``user``'s own pending import with this token, for an organisation she may see, not
    expired and as uploaded; ``None`` for anything else (another person's or organisation's,
    used, cancelled, expired, unknown)."""
    pending = (
        PendingImport.objects.for_user(user)
        .filter(uploaded_by=user, token=token, created_at__gte=_pending_cutoff())
        .select_related("organisation")
        .first()
    )
    if pending is None or hashlib.sha256(pending.data).hexdigest() != pending.sha256:
        return None
    return pending


def cancel_pending_import(pending: PendingImport) -> None:
    """The uploader cancelled at the preview: the kept file goes now (it holds personal data)."""
    pending.delete()


def import_pending(pending: PendingImport, by: User) -> tuple[ParsedImport, ImportSummary | None]:
    """Check the kept file again (the register may have changed since the preview) and import
    it, all or nothing. The pending import is used up: deleted in the import's transaction, or
    when the check finds problems (the summary is then ``None``). Raises
    :class:`PendingImportGone` when another request used it first; a write the database
    refuses (``IntegrityError``) leaves everything, the pending import included, as it was."""
    try:
        parsed = parse_people_file(bytes(pending.data), pending.file_name, pending.organisation)
    except UnreadableFile as exc:  # read at the preview; unreadable now only if changed
        parsed = ParsedImport(problems=[ImportProblem(exc.line, "file", str(exc))])
    if not parsed.ok:
        PendingImport.objects.filter(pk=pending.pk).delete()
        return parsed, None
    with transaction.atomic():
        deleted, _counts = PendingImport.objects.filter(pk=pending.pk).delete()
        if not deleted:
            raise PendingImportGone
        return parsed, apply_people_import(parsed, pending.organisation, by=by)
