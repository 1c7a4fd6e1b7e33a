"""Every spreadsheet export, walked for Swedish Excel (the export walk's ``EXPORTS``, its world):

- CSV: UTF-8 with a byte-order mark, ";" between cells, numbers with a decimal comma ("2,5",
  never "2.5" or "6.00"), ISO dates;
- XLSX: dates as date cells with a date format, numbers as number cells (never a number or a
  date as text);
- both: "ja"/"nej" for yes and no (never True or False), choices as their Swedish labels (never
  a stored code such as ``course_completion`` or ``import``), headers in Swedish.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile

import openpyxl
from django.apps import apps

from certifications.models import Qualification, QualificationSource
from tests.security.test_exports import (  # noqa: F401 (fixtures)
    EXPORTS,
    ask,
    export_world,
)
from tests.security.test_url_access import PROJECT_APPS, client_for, world  # noqa: F401

DOT_DECIMAL = re.compile(r"-?\d+\.\d+")
TRAILING_ZEROS = re.compile(r"-?\d+,\d*0")
DECIMAL_TEXT = re.compile(r"-?\d+[.,]\d+")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?")
#: Dates written some other way: "25 nov. 2026", "11/25/2026", "2026-11-25T18:00", "Nov. 25".
OTHER_DATES = re.compile(
    r"\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2}T|\b\d{1,2} (jan|feb|mar|apr|maj|jun|jul|aug|sep|okt|nov|dec)\.? \d{4}"
    r"|\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2}",
    re.IGNORECASE,
)
ENGLISH = {"True", "False", "yes", "no", "Yes", "No", "None"}


def raw_choice_values() -> set[str]:
    """The stored codes of every choice field of the project's models whose label is other
    text: what a file must never show."""
    codes, labels = set(), set()
    for model in apps.get_models():
        if model.__module__.split(".")[0] not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str) and re.search(r"[a-z]", value):
                    codes.add(value)
                    labels.add(str(label))
    return {code for code in codes if code not in labels}


def csv_problems(where: str, content: bytes) -> tuple[list[str], list[list[str]]]:
    problems = []
    if not content.startswith(b"\xef\xbb\xbf"):
        problems.append(f"{where}: no byte-order mark")
    text = content.decode("utf-8-sig")
    header = text.split("\r\n", 1)[0]
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    if len(rows[0]) > 1 and ";" not in header:
        problems.append(f"{where}: the header is not separated by ';': {header!r}")
    if any(len(row) != len(rows[0]) for row in rows):
        problems.append(f"{where}: rows of other lengths than the header (not ';'-separated?)")
    for cell in (cell for row in rows[1:] for cell in row):
        if DOT_DECIMAL.fullmatch(cell) or TRAILING_ZEROS.fullmatch(cell):
            problems.append(f"{where}: a number not written the Swedish way: {cell!r}")
    return problems, rows


def csv_sheets(where: str, response) -> tuple[list[str], list[list[list[str]]]]:
    if response["Content-Type"].startswith("application/zip"):
        problems, sheets = [], []
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            for name in archive.namelist():
                found, rows = csv_problems(f"{where} {name}", archive.read(name))
                problems += found
                sheets.append(rows)
        return problems, sheets
    problems, rows = csv_problems(where, response.content)
    return problems, [rows]


def xlsx_sheets(where: str, content: bytes) -> tuple[list[str], list[list[list[object]]]]:
    problems, sheets = [], []
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in workbook.worksheets:
        rows = []
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, datetime.datetime) and not cell.is_date:
                    problems.append(f"{where} {cell.coordinate}: a date without a date format")
                text = cell.value if cell.row > 1 and isinstance(cell.value, str) else ""
                if DECIMAL_TEXT.fullmatch(text) or ISO_DATE.fullmatch(text):
                    problems.append(f"{where} {cell.coordinate}: {cell.value!r} is text, not a typed cell")
            rows.append([cell.value for cell in row])
        sheets.append(rows)
    return problems, sheets


def cell_problems(where: str, sheets: list[list[list[object]]], codes: set[str]) -> list[str]:
    problems = []
    for rows in sheets:
        for row_number, row in enumerate(rows):
            for value in row:
                if not isinstance(value, str):
                    continue
                if value in ENGLISH:
                    problems.append(f"{where}: {value!r} on row {row_number + 1}")
                if value in codes:
                    problems.append(f"{where}: a stored code {value!r} on row {row_number + 1}")
                if OTHER_DATES.search(value):
                    problems.append(f"{where}: a date not in ISO form: {value!r}")
                if row_number == 0 and re.fullmatch(r"[a-z]+(_[a-z]+)+", value):
                    problems.append(f"{where}: a field name as a header: {value!r}")
    return problems


def test_every_export_is_written_for_swedish_excel(export_world):  # noqa: F811
    # A qualification of every source, so that the codes have a chance to show.
    qualifications = list(Qualification.objects.filter(type__organisation=export_world.base.org_a)[:3])
    for qualification, source in zip(qualifications, QualificationSource.values, strict=False):
        Qualification.objects.filter(pk=qualification.pk).update(source=source)
    codes = raw_choice_values()
    assert {"course_completion", "import"} <= codes
    clients, problems, checked = {}, [], 0
    for key, export in EXPORTS.items():
        client = clients.setdefault(export.role, client_for(export_world.base, export.role))
        for fmt in (fmt for fmt in export.formats if fmt in ("csv", "xlsx")):
            where = f"{key} ({fmt})"
            response = ask(client, key, export, fmt, export_world)
            assert response.status_code == 200, where
            if fmt == "csv":
                found, sheets = csv_sheets(where, response)
            else:
                found, sheets = xlsx_sheets(where, response.content)
            problems += found + cell_problems(where, sheets, codes)
            checked += 1
    assert checked > 40
    assert not problems, "\n".join(problems)
