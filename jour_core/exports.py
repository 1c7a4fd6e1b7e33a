"""Every spreadsheet the project serves is built and served here, and only here.

**Building** (:func:`spreadsheet_file`, no HTTP): sheets of rows become CSV, XLSX or, for more than
one sheet in CSV, a zip of CSV files. On the way every cell is made safe and private:

- *Formula injection.* A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a line
  break could be run as a formula by a spreadsheet program: it is prefixed with an apostrophe.
  Control characters that a spreadsheet file cannot hold are removed, and line breaks are
  written as ``\\n`` (an XLSX file is XML, which reads every ``\\r\\n`` and ``\\r`` back as ``\\n``),
  so that a cell reads back the same from a CSV and an XLSX file. Headers, dates and foreign keys
  (their ``str()``) included: every value passes through :func:`neutralise`.
- *Protected identities.* A cell that says who someone is carries the person: a :class:`PersonCell`
  (or the ``User`` itself, or a list of them). The file shows her name, or, for a person with a
  protected identity, "Skyddad identitet N" (her email and phone number blank). N is the same for
  the same person on every row and every sheet of the file; people are numbered by their id, so
  the numbers do not follow their names. Rows that name a protected person come after the others
  (in a list sorted by name, her place would hint at her name). Callers do not decide any of this:
  they pass the person.
- *The safety net.* Text that names a protected person anyway (a foreign key whose ``str()``
  holds a name, a column Wagtail fills itself, something typed) is caught too: her full name, email
  address or phone number in any text cell is replaced by her pseudonym. The people looked for are
  the protected people the exporting user may see (``protected``).

**Serving** (:func:`export_response`): the attachment and one audit line (who, which kind, the
format, the number of rows; ids only).

Wagtail's own listing exports (``SpreadsheetExportMixin.as_spreadsheet``: every ModelViewSet index,
snippets, reports) are routed through here by :func:`route_wagtail_exports`, called from
``PeopleConfig.ready()``: a new viewset cannot write a spreadsheet any other way.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from typing import Protocol

import openpyxl
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext, pgettext
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .audit import audit

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
    # The competence report's other files, served through the same function.
    "pdf": "application/pdf",
    "json": "application/json; charset=utf-8",
    "html": "text/html; charset=utf-8",
}
SPREADSHEET_FORMATS = ("csv", "xlsx")

#: Control characters a spreadsheet file cannot hold (XML 1.0 forbids them; openpyxl refuses
#: them): a name pasted from elsewhere may carry one, and must not break an export.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
LINE_BREAKS = re.compile(r"\r\n?")
#: What an XLSX sheet title may not hold.
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")

#: A person's attributes that say who she is: her names show as her pseudonym, her contact
#: details as nothing, when she has a protected identity.
NAME_ATTRIBUTES = frozenset({"__str__", "first_name", "last_name", "get_full_name", "get_short_name"})
CONTACT_ATTRIBUTES = frozenset({"email", "phone", "get_username"})
PERSON_ATTRIBUTES = NAME_ATTRIBUTES | CONTACT_ATTRIBUTES


def neutralise(value: object) -> object:
    """Text made safe for a spreadsheet cell: control characters removed, line breaks as
    ``\\n``, and text that a spreadsheet would read as a formula prefixed with an apostrophe.
    Anything else unchanged."""
    if not isinstance(value, str):
        return value
    value = LINE_BREAKS.sub("\n", CONTROL_CHARACTERS.sub("", value))
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


# What callers pass ------------------------------------------------------------------------------


class Identified(Protocol):
    """A person as an export needs her: a ``User``, or a lighter stand-in with the same fields
    (the clearance engine's ``Member``)."""

    pk: int
    email: str
    first_name: str
    last_name: str
    protected_identity: bool


@dataclass(frozen=True)
class PersonCell:
    """A cell that says who someone is: ``text`` (her name, her email, ...) for anyone, her
    pseudonym for a protected identity, or nothing when ``contact`` (email, phone)."""

    person: Identified
    text: str
    contact: bool = False

    @classmethod
    def of(cls, person: Identified, attribute: str = "__str__") -> PersonCell:
        value = getattr(person, attribute)
        if callable(value):
            value = value()
        return cls(person, "" if value is None else str(value), contact=attribute in CONTACT_ATTRIBUTES)


@dataclass
class Sheet:
    headers: Sequence[object]
    rows: Iterable[Sequence[object]]
    title: str = ""
    #: Lists to pick from in XLSX: a column's index -> its options (an import's template).
    choices: dict[int, Sequence[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ExportFile:
    """A built file: ``fmt`` is its extension (csv, xlsx, zip; the competence report's other
    files pass through :func:`export_response` as pdf, json or html)."""

    content: bytes
    fmt: str
    rows: int | None  # None: not known (a stored file)

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES.get(self.fmt, "application/octet-stream")


# Pseudonyms -------------------------------------------------------------------------------------


class Pseudonyms:
    """One pseudonym per protected person within one file, numbered 1, 2, ... in the order of
    their ids (so the number says nothing about the name). The one implementation: every export
    that names people uses it."""

    def __init__(self, people: Iterable[Identified]):
        ordered = sorted({person.pk: person for person in people}.values(), key=lambda person: person.pk)
        self.numbers = {person.pk: number for number, person in enumerate(ordered, start=1)}

    def number(self, person: Identified) -> int:
        return self.numbers[person.pk]

    def __call__(self, person: Identified) -> str:
        return gettext("Protected identity %(number)d") % {"number": self.number(person)}

    def show(self, cell: PersonCell) -> str:
        if not cell.person.protected_identity:
            return cell.text
        return "" if cell.contact else self(cell.person)


WORD = re.compile(r"\w+")
EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
DIGIT_RUN = re.compile(r"\d[\d\s().+-]*")
#: A phone number is looked for when its first this many digits appear in a text.
PHONE_KEY_DIGITS = 6


class Mentions:
    """Finds the full names, email addresses and phone numbers of protected people in text.

    Each person has a precise pattern (her full name in three orders with any spacing, her
    email, her phone number; never inside a longer word), but a text is matched only against
    the people it could name: those one of whose last-name words, email address or first phone
    digits is in it, found with dictionary look-ups. A text naming nobody costs a scan of its
    words, however many protected people there are (one pattern of every person's alternatives
    cost 75 s for 60,000 cells and 1,000 people)."""

    def __init__(self, people: Iterable[Identified]):
        self.patterns: dict[int, tuple[Identified, re.Pattern]] = {}
        self.by_word: dict[str, list[int]] = {}
        self.by_email: dict[str, int] = {}
        self.by_phone: dict[str, list[int]] = {}
        for person in {person.pk: person for person in people}.values():
            texts = sorted(self.identifying_texts(person), key=len, reverse=True)
            if not texts:
                continue
            # Any run of spaces between words; never inside a longer word.
            alternatives = "|".join(r"\s+".join(map(re.escape, text.split())) for text in texts)
            self.patterns[person.pk] = (
                person,
                re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE),
            )
            if (person.first_name or "").strip():  # her full name is looked for: by its last name
                for word in WORD.findall((person.last_name or "").lower()):
                    self.by_word.setdefault(word, []).append(person.pk)
            if person.email:
                self.by_email[person.email.lower()] = person.pk
            digits = re.sub(r"\D", "", getattr(person, "phone", "") or "")
            if len(digits) >= PHONE_KEY_DIGITS:
                self.by_phone.setdefault(digits[:PHONE_KEY_DIGITS], []).append(person.pk)

    @staticmethod
    def identifying_texts(person: Identified) -> list[str]:
        """Her email, phone (six digits or more) and full name in three orders. A name of one
        word only is not looked for in text: it would hit other people's names."""
        texts = [person.email] if person.email else []
        phone = getattr(person, "phone", "") or ""
        if sum(c.isdigit() for c in phone) >= PHONE_KEY_DIGITS:
            texts.append(phone)
        first, last = (person.first_name or "").strip(), (person.last_name or "").strip()
        if first and last:
            texts += [f"{first} {last}", f"{last} {first}", f"{last}, {first}"]
        return [text for text in texts if text.strip()]

    def _candidates(self, text: str) -> list[tuple[Identified, re.Pattern]]:
        pks: set[int] = set()
        for word in WORD.findall(text.lower()):
            pks.update(self.by_word.get(word, ()))
        if "@" in text:
            pks.update(self.by_email[e.lower()] for e in EMAIL.findall(text) if e.lower() in self.by_email)
        if self.by_phone:
            for run in DIGIT_RUN.findall(text):
                digits = re.sub(r"\D", "", run)
                for i in range(len(digits) - PHONE_KEY_DIGITS + 1):
                    pks.update(self.by_phone.get(digits[i : i + PHONE_KEY_DIGITS], ()))
        return [self.patterns[pk] for pk in pks]

    def find(self, text: str) -> list[Identified]:
        return [person for person, pattern in self._candidates(text) if pattern.search(text)]

    def replace(self, text: str, pseudonyms: Pseudonyms) -> str:
        for person, pattern in self._candidates(text):
            text = pattern.sub(lambda _match, person=person: pseudonyms(person), text)
        return text


# From any value to a cell -----------------------------------------------------------------------


def _is_collection(value: object) -> bool:
    return isinstance(value, list | tuple | set | frozenset | models.QuerySet | models.Manager)


def _prepare(value: object) -> object:
    """A cell value in one of four shapes: a PersonCell, a list of cells, text, or a plain
    scalar (number, date, time, bool). Model instances and other objects become their text."""
    if isinstance(value, PersonCell):
        return value
    if isinstance(value, get_user_model()):
        return PersonCell.of(value)
    if isinstance(value, models.Manager):
        value = value.all()
    if _is_collection(value):
        return [_prepare(item) for item in value]
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, str | bool | int | float | Decimal | datetime.date | datetime.time):
        return value
    return str(value)  # a model instance, a lazy translation, anything else: its text


def _people_in(cell: object, mentions: Mentions | None = None) -> list[Identified]:
    """The protected people a cell names: its person cells, and (with ``mentions``) its text."""
    if isinstance(cell, PersonCell):
        return [cell.person] if cell.person.protected_identity else []
    if isinstance(cell, list):
        return [person for item in cell for person in _people_in(item, mentions)]
    if isinstance(cell, str) and mentions is not None:
        return mentions.find(cell)
    return []


def _show(cell: object, pseudonyms: Pseudonyms, mentions: Mentions) -> object:
    if isinstance(cell, PersonCell):
        return pseudonyms.show(cell)
    if isinstance(cell, list):
        return ", ".join(text for text in (str(_show(item, pseudonyms, mentions)) for item in cell) if text)
    if isinstance(cell, str):
        return mentions.replace(cell, pseudonyms)
    return cell


@dataclass
class ShownSheet:
    """A sheet as the file shows it: pseudonyms in, rows naming a protected person last; not yet
    neutralised (:func:`spreadsheet_file` does that)."""

    title: str
    headers: list[object]
    rows: list[list[object]] = field(default_factory=list)


def pseudonymised(sheets: Sheet | Sequence[Sheet], protected: Iterable[Identified] = ()) -> list[ShownSheet]:
    """The sheets with every person shown as the file may show her (see the module docstring).
    ``protected``: the protected people the safety net looks for in text."""
    if isinstance(sheets, Sheet):
        sheets = [sheets]
    prepared = [
        (
            sheet.title,
            [_prepare(header) for header in sheet.headers],
            [[_prepare(value) for value in row] for row in sheet.rows],
        )
        for sheet in sheets
    ]
    # The people the person cells name are looked for in the file's text too.
    named = [
        person
        for _title, headers, rows in prepared
        for row in [headers, *rows]
        for cell in row
        for person in _people_in(cell)
    ]
    mentions = Mentions([*protected, *named])
    # The protected people each row names, found once.
    named_in = [
        [[person for cell in row for person in _people_in(cell, mentions)] for row in [headers, *rows]]
        for _title, headers, rows in prepared
    ]
    pseudonyms = Pseudonyms(person for sheet in named_in for row in sheet for person in row)
    shown = []
    for (title, headers, rows), people in zip(prepared, named_in, strict=True):
        ordered = []
        for index, (row, row_people) in enumerate(zip(rows, people[1:], strict=True)):
            numbers = [pseudonyms.number(person) for person in row_people]
            ordered.append(((min(numbers) if numbers else 0, index), row))
        ordered.sort(key=lambda pair: pair[0])  # rows without a protected person keep their order
        shown.append(
            ShownSheet(
                title=title,
                headers=[_show(h, pseudonyms, mentions) for h in headers],
                rows=[[_show(cell, pseudonyms, mentions) for cell in row] for _key, row in ordered],
            )
        )
    return shown


def without_protected_names(value: object, protected: Iterable[Identified]) -> object:
    """``value`` (text, or dicts and lists of it) with every protected person's full name, email
    address and phone number in any text replaced by her pseudonym, one per person across the
    whole value: for the files that are not spreadsheets (the competence report's JSON, HTML and
    PDF are made from such a value)."""
    mentions = Mentions(protected)

    def texts(item: object) -> Iterable[str]:
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            for part in item.values():
                yield from texts(part)
        elif isinstance(item, list | tuple):
            for part in item:
                yield from texts(part)

    pseudonyms = Pseudonyms(person for text in texts(value) for person in mentions.find(text))
    if not pseudonyms.numbers:
        return value

    def replaced(item: object) -> object:
        if isinstance(item, str):
            return mentions.replace(item, pseudonyms)
        if isinstance(item, dict):
            return {key: replaced(part) for key, part in item.items()}
        if isinstance(item, list | tuple):
            return type(item)(replaced(part) for part in item)
        return item

    return replaced(value)


# Files ------------------------------------------------------------------------------------------

#: How a CSV cell writes a number, a date, a time and a yes or no (for Swedish Excel: ";"
#: between cells, a decimal comma, ISO dates); an XLSX cell keeps the value typed instead.
CSV_DELIMITER = ";"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TIME_FORMAT = "hh:mm"


def yes_no(value: bool) -> str:
    """A yes or no in a file: "ja" or "nej" (never True or False)."""
    return pgettext("spreadsheet cell", "yes") if value else pgettext("spreadsheet cell", "no")


def number_text(value: int | float | Decimal) -> str:
    """A number as Swedish Excel reads it: a decimal comma and no trailing zeros ("6", "2,5")."""
    if isinstance(value, int):
        return str(value)
    number = Decimal(str(value)) if isinstance(value, float) else value
    if not number.is_finite():
        return str(number)
    text = format(number.normalize(), "f")
    return text.replace(".", ",")


def cell_text(value: object) -> str:
    """A shown cell as CSV text: ISO dates ("2026-11-25", "2026-11-25 18:00"), times "18:00",
    numbers with a decimal comma, yes or no as "ja" or "nej"."""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, int | float | Decimal):
        return number_text(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    return "" if value is None else str(value)


def _csv(sheet: ShownSheet) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow([cell_text(neutralise(str(header))) for header in sheet.headers])
    for row in sheet.rows:
        writer.writerow([cell_text(neutralise(value)) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode()


def _xlsx_cell(worksheet, value: object) -> WriteOnlyCell:
    """A typed cell: a date as a date (with a date format), a number as a number, yes or no as
    "ja" or "nej", text as text (never a formula)."""
    if isinstance(value, bool):
        value = yes_no(value)
    elif isinstance(value, float | Decimal) and not math.isfinite(value):
        value = str(value)
    cell = WriteOnlyCell(worksheet, value)
    if isinstance(value, datetime.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, datetime.time):
        cell.number_format = TIME_FORMAT
    if cell.data_type == "f":
        cell.data_type = "s"  # neutralised text never starts with "=", but never a formula
    return cell


def _xlsx(shown: list[ShownSheet], choices: list[dict[int, Sequence[str]]]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    titles: set[str] = set()
    for number, (sheet, lists) in enumerate(zip(shown, choices, strict=True), start=1):
        title = SHEET_TITLE_FORBIDDEN.sub("", sheet.title)[:31] or f"Sheet{number}"
        if title.lower() in titles:
            title = f"{title[:27]} ({number})"
        titles.add(title.lower())
        worksheet = book.create_sheet(title)
        for column, options in lists.items():
            _add_list(worksheet, column, options, len(sheet.rows))
        header_font = Font(bold=True)
        headers = []
        for header in sheet.headers:
            cell = WriteOnlyCell(worksheet, str(neutralise(str(header))))
            cell.font = header_font
            headers.append(cell)
        worksheet.append(headers)
        for row in sheet.rows:
            worksheet.append([_xlsx_cell(worksheet, neutralise(value)) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


#: Rows below the last one that a list to pick from still covers (a template's empty rows).
LIST_ROWS = 1000


def _add_list(worksheet, column: int, options: Sequence[str], rows: int) -> None:
    """A list to pick from on ``column`` (0-based) under the header: ``options``, or a text of
    them separated by ", " typed by hand (a cell may name more than one)."""
    letter = get_column_letter(column + 1)
    formula = '"' + ",".join(str(option).replace('"', "") for option in options) + '"'
    validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=False)
    validation.add(f"{letter}2:{letter}{rows + LIST_ROWS}")
    worksheet.data_validations.append(validation)  # a write-only sheet lacks add_data_validation


def spreadsheet_file(
    sheets: Sheet | Sequence[Sheet], fmt: str, protected: Iterable[Identified] = ()
) -> ExportFile:
    """The one place a spreadsheet is made: CSV (a zip of CSV files, one per sheet, when there
    is more than one sheet) or XLSX (a sheet each), every cell neutralised and every person
    shown as the module docstring says.

    For Swedish Excel: CSV in UTF-8 with a byte-order mark, ";" between cells, numbers with a
    decimal comma, ISO dates, "ja"/"nej" (:func:`cell_text`); XLSX with typed cells (dates as
    dates with a date format, numbers as numbers). A sheet's ``choices`` (column -> options)
    become a list to pick from in XLSX."""
    if fmt not in SPREADSHEET_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    if isinstance(sheets, Sheet):
        sheets = [sheets]
    shown = pseudonymised(sheets, protected)
    rows = sum(len(sheet.rows) for sheet in shown)
    if fmt == "xlsx":
        return ExportFile(_xlsx(shown, [sheet.choices for sheet in sheets]), "xlsx", rows)
    if len(shown) == 1:
        return ExportFile(_csv(shown[0]), "csv", rows)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, sheet in enumerate(shown, start=1):
            archive.writestr(f"{number:02d}-{slugify(sheet.title) or 'section'}.csv", _csv(sheet))
    return ExportFile(buffer.getvalue(), "zip", rows)


def protected_people(user=None, organisation=None) -> models.QuerySet:
    """The protected people an export made by ``user`` (or for ``organisation``, or a list of
    organisations) could name."""
    people = get_user_model().objects.filter(protected_identity=True)
    if isinstance(organisation, list | tuple):
        people = people.filter(organisation__in=organisation)
    elif organisation is not None:
        people = people.filter(organisation=organisation)
    if user is not None:
        people = people.for_user(user)
    elif organisation is None:
        return people.none()
    return people.only("pk", "first_name", "last_name", "email", "phone", "protected_identity")


# Serving ----------------------------------------------------------------------------------------


def export_response(
    request,
    export: ExportFile | Sheet | Sequence[Sheet],
    *,
    kind: str,
    filename: str,
    fmt: str | None = None,
    **ids: object,
) -> HttpResponse:
    """Serve an export as an attachment and write its audit line (``event=export``, who, ``kind``,
    the format, the number of rows, and ``ids``: ids only, never names). Sheets are built here
    with :func:`spreadsheet_file` in ``fmt``, looking for the protected people the user may see;
    a built :class:`ExportFile` (the competence report's files, a frozen report) is served as it
    is. ``filename`` is chosen by the server, without extension."""
    if not isinstance(export, ExportFile):
        if fmt not in SPREADSHEET_FORMATS:
            raise Http404  # an export format nobody offers
        export = spreadsheet_file(export, fmt, protected_people(user=request.user))
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{export.fmt}"'
    response["Cache-Control"] = "private, no-store"
    rows = "-" if export.rows is None else export.rows
    audit("export", request, kind=kind, format=export.fmt, rows=rows, **ids)
    return response


# Wagtail's listing exports ------------------------------------------------------------------------


def _person_attribute(item: object, field_path: str) -> PersonCell | None:
    """``person.email``, ``first_name`` on a person, ...: the person and the attribute, so that
    the export decides what the cell shows."""
    *path, last = field_path.split(".")
    if last not in PERSON_ATTRIBUTES:
        return None
    owner = item
    for attribute in path:
        owner = getattr(owner, attribute, None)
        if callable(owner) and not isinstance(owner, models.Manager):
            owner = owner()
        if owner is None:
            return None
    return PersonCell.of(owner, last) if isinstance(owner, get_user_model()) else None


def _names_people(value: object) -> bool:
    if isinstance(value, get_user_model()):
        return True
    if isinstance(value, models.Manager | models.QuerySet):
        return issubclass(value.model, get_user_model())
    return isinstance(value, list | tuple | set) and any(isinstance(item, get_user_model()) for item in value)


def related_paths(model: type[models.Model], fields: Iterable[str]) -> list[str]:
    """``person.email`` on a qualification -> ``person``: the relations each column walks (to
    prefetch them, one query per relation, never one per row)."""
    paths = set()
    for name in fields:
        current, path = model, []
        for attribute in name.split("."):
            try:
                relation = current._meta.get_field(attribute)
            except FieldDoesNotExist:  # a method, a property: the path ends here
                break
            if not (relation.is_relation and relation.concrete and relation.related_model):
                break
            path.append(attribute)
            current = relation.related_model
        if path:
            paths.add("__".join(path))
    return sorted(paths)


def _choice_label(item: object, name: str) -> str | None:
    """The label of a field with choices (``source`` -> "En avvikelse"), or None."""
    if not isinstance(item, models.Model):
        return None
    try:
        field = item._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if not getattr(field, "choices", None) or field.is_relation:
        return None
    return str(item._get_FIELD_display(field))


def listing_export(view, queryset, spreadsheet_format: str) -> HttpResponse:
    """A Wagtail listing (``SpreadsheetExportMixin``) as a file: its ``list_export`` columns with
    its headings and its own formatting of values, through :func:`export_response`. A listing
    without ``list_export`` offers no export: 404."""
    fields = list(view.list_export)
    if not fields or spreadsheet_format not in SPREADSHEET_FORMATS:
        raise Http404

    def row(item) -> list[object]:
        values = view.to_row_dict(item)
        cells = []
        for name in fields:
            person = _person_attribute(item, name)
            value = values[name]
            if person is not None:
                cells.append(person)
            elif _names_people(value):
                cells.append(value)
            elif (label := _choice_label(item, name)) is not None:
                cells.append(label)  # the words the listing shows, not the stored code
            else:
                # The listing's own formatting (Wagtail's, or the view's custom_field_preprocess);
                # wall-clock time in Stockholm rather than Wagtail's UTC.
                if isinstance(value, datetime.datetime):
                    value = _prepare(value)
                cells.append(view.preprocess_field_value(name, value, spreadsheet_format))
        return cells

    items = list(queryset)
    # The headings from the model's verbose names (Swedish), also when the listing is a list.
    model = getattr(queryset, "model", None) or getattr(view, "model", None)
    if model is None and items and isinstance(items[0], models.Model):
        model = type(items[0])
    if model is None:
        try:
            model = view.get_queryset().model
        except (ImproperlyConfigured, AttributeError):
            model = None
    headers = [view.get_heading(SimpleNamespace(model=model), name) for name in fields]
    # The related rows the columns show, one query per relation (never one per row).
    if items and isinstance(items[0], models.Model):
        models.prefetch_related_objects(items, *related_paths(type(items[0]), fields))
    filename = view.get_filename()
    # The kind in the audit line: the file's name without its date, or the URL's name.
    kind = re.sub(r"-?\d{4}-\d{2}-\d{2}.*$", "", slugify(filename))
    if kind in ("", "spreadsheet-export"):
        match = getattr(view.request, "resolver_match", None)
        kind = match.view_name.removesuffix("_results") if match else "listing"
    return export_response(
        view.request,
        Sheet(headers, (row(item) for item in items)),
        fmt=spreadsheet_format,
        kind=kind,
        filename=filename,
    )


def _as_spreadsheet(self, queryset, spreadsheet_format):
    return listing_export(self, queryset, spreadsheet_format)


def route_wagtail_exports() -> None:
    """Every Wagtail listing export through :func:`listing_export` (``PeopleConfig.ready``)."""
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    SpreadsheetExportMixin.as_spreadsheet = _as_spreadsheet
