"""Spreadsheet exports (CSV, XLSX) with formula-injection escaping in one place.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a line break could be run as a
formula by a spreadsheet program; such text cells are prefixed with an apostrophe. Control
characters that a spreadsheet file cannot hold are removed, and line breaks are written as
``\n`` (an XLSX file is XML, which reads every ``\r\n`` and ``\r`` back as ``\n``), so that a
cell reads back the same from a CSV and an XLSX file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import tablib
from django.http import HttpResponse

from .audit import audit

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


#: Control characters a spreadsheet file cannot hold (XML 1.0 forbids them; openpyxl refuses
#: them): a name pasted from elsewhere may carry one, and must not break an export.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
LINE_BREAKS = re.compile(r"\r\n?")


def neutralise(value: object) -> object:
    """Text made safe for a spreadsheet cell: control characters removed, line breaks as
    ``\n``, and text that a spreadsheet would read as a formula prefixed with an apostrophe.
    Anything else unchanged."""
    if not isinstance(value, str):
        return value
    value = LINE_BREAKS.sub("\n", CONTROL_CHARACTERS.sub("", value))
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def dataset(headers: Sequence[str], rows: Iterable[Sequence[object]], title: str = "") -> tablib.Dataset:
    data = tablib.Dataset(headers=[str(neutralise(str(h))) for h in headers], title=title[:31] or None)
    for row in rows:
        data.append([neutralise(value) for value in row])
    return data


def export_response(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    fmt: str,
    filename: str,
    title: str = "",
    request=None,
) -> HttpResponse:
    """An attachment response; ``filename`` is chosen by the server, without extension."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"unknown export format {fmt!r}")
    data = dataset(headers, rows, title)
    content = ("\ufeff" + data.export("csv")).encode() if fmt == "csv" else data.export("xlsx")
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    audit("export", request, kind=filename.split("-")[0], format=fmt, rows=len(data))
    return response
