"""The shared export escaping: property-tested over random text."""

import csv
import io

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from people.exports import FORMULA_PREFIXES, dataset, export_response, neutralise

texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)


def intended(value: str) -> str:
    """What a person reads in the cell: the text without control characters, every line break
    as one \\n (an XLSX file cannot hold a \\r)."""
    text = "".join(c for c in value if c in "\t\n\r" or not (ord(c) < 32))
    return text.replace("\r\n", "\n").replace("\r", "\n")


@given(texts)
def test_neutralised_text_never_starts_a_formula_and_keeps_the_text(value):
    result = neutralise(value)
    assert not result.startswith(FORMULA_PREFIXES)
    text = intended(value)
    assert result in (text, "'" + text)
    assert (result != text) == text.startswith(FORMULA_PREFIXES)


def test_non_text_values_are_unchanged():
    assert neutralise(-5) == -5
    assert neutralise(None) is None


@settings(max_examples=50, deadline=None)
@given(st.lists(texts, min_size=1, max_size=5))
def test_csv_reads_back_to_the_neutralised_text(values):
    response = export_response(["a"] * len(values), [values], "csv", "test")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows[1] == [neutralise(v) for v in values]


def test_line_breaks_read_back_the_same_from_csv_and_xlsx():
    values = ["\r", "a\r\nb", "x\ry", "\r=1+1", "\n@SUM(A1)"]
    assert [neutralise(v) for v in values] == ["'\n", "a\nb", "x\ny", "'\n=1+1", "'\n@SUM(A1)"]
    xlsx = export_response(["a"] * len(values), [values], "xlsx", "test")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [cell.value for cell in list(sheet.iter_rows())[1]] == [neutralise(v) for v in values]
    csv_file = export_response(["a"] * len(values), [values], "csv", "test")
    rows = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig"), newline="")))
    assert rows[1] == [neutralise(v) for v in values]


@settings(max_examples=30, deadline=None)
@given(st.lists(texts, min_size=1, max_size=5))
def test_xlsx_reads_back_to_the_neutralised_text(values):
    response = export_response(["a"] * len(values), [values], "xlsx", "test")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    row = [cell.value for cell in list(sheet.iter_rows())[1]]
    # openpyxl reads an empty cell back as None
    assert [v or "" for v in row] == [intended(neutralise(v)) for v in values]


def test_a_control_character_in_a_name_does_not_break_the_xlsx():
    response = export_response(["Namn"], [["An\x01na"], ["\x0b=1+1"]], "xlsx", "test")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for (c,) in sheet.iter_rows()] == ["Namn", "Anna", "'=1+1"]


def test_xlsx_holds_text_not_formulas():
    response = export_response(["Namn"], [["=1+1"], ["@SUM(A1)"], ["Anna"]], "xlsx", "test")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for (c,) in sheet.iter_rows()] == ["Namn", "'=1+1", "'@SUM(A1)", "Anna"]
    assert response["Content-Disposition"] == 'attachment; filename="test.xlsx"'


def test_headers_are_neutralised_too():
    assert dataset(["=x"], []).headers == ["'=x"]
