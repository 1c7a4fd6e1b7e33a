"""Reading the spreadsheets people upload (the imports): CSV or XLSX into rows of text.

What the exports write (``jour_core/exports.py``) reads back the same: UTF-8 with or without a
byte-order mark (Windows-1252 from an old Excel too), ";" or "," between cells, an XLSX
workbook's first sheet with its typed cells as text (a date as ``YYYY-MM-DD``, a yes or no as
"ja"/"nej", a number without trailing zeros), and the apostrophe an export puts before a cell
that would start a formula taken off again. This module reads; it writes nothing.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from decimal import Decimal

import openpyxl
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .exports import FORMULA_PREFIXES, yes_no

#: An XLSX file is a zip archive: it starts with these bytes.
ZIP_MAGIC = b"PK\x03\x04"
#: Rows read from an XLSX sheet at most (a small file can hold a sheet of millions of rows).
MAX_ROWS = 200_000
#: The most an XLSX file may hold unpacked (a zip of 2 MB can unpack to gigabytes).
MAX_UNPACKED_BYTES = 100 * 1024 * 1024


def NOT_XLSX() -> str:
    return _("the file cannot be read as an XLSX workbook; save it again from Excel")


class UnreadableFile(ValueError):
    """The file is neither CSV text nor an XLSX workbook that can be read; the message says so
    in words for the person who uploaded it, ``line`` where reading stopped."""

    def __init__(self, message: str, line: int = 1):
        super().__init__(message)
        self.line = line


def decode_text(data: bytes) -> str:
    """UTF-8 text with or without a byte-order mark, or Windows-1252 (an old Excel's "CSV")."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if b"\x00" not in data:  # UTF-16 (Excel's "Unicode text") is not Windows-1252
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    raise UnreadableFile(_("the file is not UTF-8 text; save it as 'CSV UTF-8' and try again"))


def sniff_delimiter(header_line: str) -> str:
    """Swedish Excel writes semicolons, most other programs commas."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def csv_records(text: str) -> list[list[str]]:
    """The rows of CSV text (";" or "," by its first line). Raises :class:`UnreadableFile`."""
    first_line = re.match(r"[^\r\n]*", text).group()
    # newline="": a line break inside a quoted cell is part of the cell, a lone \r ends a row.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first_line))
    try:
        return [[unneutralised(cell) for cell in record] for record in reader]
    except csv.Error as exc:  # e.g. a cell longer than the csv module reads
        message = _("the file cannot be read as CSV: %(error)s") % {"error": exc}
        raise UnreadableFile(message, line=reader.line_num or 1) from exc


def unneutralised(text: str) -> str:
    """A cell without the apostrophe an export put before text that would start a formula."""
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def cell_as_text(value: object) -> str:
    """A typed XLSX cell as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, str):
        return unneutralised(value)
    return str(value)


def xlsx_records(data: bytes) -> list[list[str]]:
    """The rows of an XLSX workbook's first sheet, as text."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise UnreadableFile(
            _("the file cannot be read as an XLSX workbook; save it again from Excel")
        ) from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            return []
        records = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                raise UnreadableFile(
                    ngettext(
                        "the sheet has more than %(count)d row; import it in parts",
                        "the sheet has more than %(count)d rows; import it in parts",
                        MAX_ROWS,
                    )
                    % {"count": MAX_ROWS}
                )
            records.append([cell_as_text(value) for value in row])
    except UnreadableFile:
        raise
    except Exception as exc:
        raise UnreadableFile(
            _("the file cannot be read as an XLSX workbook; save it again from Excel")
        ) from exc
    finally:
        workbook.close()
    # A sheet's trailing empty cells (a column formatted but empty) are not columns.
    width = max(
        (max((i + 1 for i, cell in enumerate(r) if cell.strip()), default=0) for r in records), default=0
    )
    return [record[:width] for record in records]


def is_xlsx(data: bytes, name: str = "") -> bool:
    return data.startswith(ZIP_MAGIC) or name.lower().endswith((".xlsx", ".xlsm"))


def read_spreadsheet(data: bytes, name: str = "") -> list[list[str]]:
    """An uploaded file's rows as text: an XLSX workbook (by its first bytes or its name) or CSV
    text. Raises :class:`UnreadableFile` with a message in words."""
    if is_xlsx(data, name):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise UnreadableFile(NOT_XLSX())
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise UnreadableFile(NOT_XLSX())
        return xlsx_records(data)
    return csv_records(decode_text(data))
