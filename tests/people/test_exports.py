"""The one export path (jour_core/exports.py): escaping property-tested over random text, and the
pseudonyms of protected identities, on unsaved people (no database needed)."""

import csv
import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from jour_core.exports import (
    FORMULA_PREFIXES,
    PersonCell,
    Sheet,
    neutralise,
    pseudonymised,
    spreadsheet_file,
)
from people.models import User

texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)


def build(headers, rows, fmt, protected=()):
    return spreadsheet_file(Sheet(headers, rows), fmt, protected)


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def xlsx_rows(content: bytes, sheet: int = 0) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return list(workbook.worksheets[sheet].iter_rows(values_only=True))


def intended(value: str) -> str:
    """What a person reads in the cell: the text without control characters, every line break
    as one \\n (an XLSX file cannot hold a \\r)."""
    text = "".join(c for c in value if c in "\t\n\r" or not (ord(c) < 32))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def person(pk, first, last, protected=False, email=None, phone=""):
    return User(
        pk=pk,
        first_name=first,
        last_name=last,
        email=email or f"{first.lower()}.{last.lower()}@example.org",
        phone=phone,
        protected_identity=protected,
    )


# Formula injection -------------------------------------------------------------------------------


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
    export = build(["a"] * len(values), [values], "csv")
    assert csv_rows(export.content)[1] == [neutralise(v) for v in values]


def test_line_breaks_read_back_the_same_from_csv_and_xlsx():
    values = ["\r", "a\r\nb", "x\ry", "\r=1+1", "\n@SUM(A1)"]
    assert [neutralise(v) for v in values] == ["'\n", "a\nb", "x\ny", "'\n=1+1", "'\n@SUM(A1)"]
    assert list(xlsx_rows(build(["a"] * len(values), [values], "xlsx").content)[1]) == [
        neutralise(v) for v in values
    ]
    assert csv_rows(build(["a"] * len(values), [values], "csv").content)[1] == [neutralise(v) for v in values]


@settings(max_examples=30, deadline=None)
@given(st.lists(texts, min_size=1, max_size=5))
def test_xlsx_reads_back_to_the_neutralised_text(values):
    row = xlsx_rows(build(["a"] * len(values), [values], "xlsx").content)[1]
    # openpyxl reads an empty cell back as None
    assert [v or "" for v in row] == [intended(neutralise(v)) for v in values]


def test_a_control_character_in_a_name_does_not_break_the_xlsx():
    export = build(["Namn"], [["An\x01na"], ["\x0b=1+1"]], "xlsx")
    assert [c for (c,) in xlsx_rows(export.content)] == ["Namn", "Anna", "'=1+1"]


def test_xlsx_holds_text_not_formulas():
    export = build(["Namn"], [["=1+1"], ["@SUM(A1)"], ["Anna"]], "xlsx")
    assert [c for (c,) in xlsx_rows(export.content)] == ["Namn", "'=1+1", "'@SUM(A1)", "Anna"]
    assert (export.fmt, export.rows) == ("xlsx", 3)


def test_headers_and_values_formatted_from_objects_are_neutralised_too():
    class Typed:  # a foreign key: the file shows its str()
        def __str__(self):
            return '=HYPERLINK("http://x","y")'

    moment = datetime.datetime(2026, 3, 6, 17, 0, tzinfo=datetime.UTC)
    rows = [[Typed(), moment, datetime.date(2026, 3, 6), Decimal("-1.5"), None, ["+1", "b"]]]
    export = build(["=x", "b", "c", "d", "e", "f"], rows, "csv")
    assert csv_rows(export.content) == [
        ["'=x", "b", "c", "d", "e", "f"],
        ['\'=HYPERLINK("http://x","y")', "2026-03-06 18:00", "2026-03-06", "-1,5", "", "'+1, b"],
    ]
    # In XLSX the moment is Stockholm's wall-clock time, the date a date, the number a number.
    assert xlsx_rows(build(["b", "c", "d"], [rows[0][1:4]], "xlsx").content)[1] == (
        datetime.datetime(2026, 3, 6, 18, 0),
        datetime.datetime(2026, 3, 6, 0, 0),
        -1.5,
    )


def test_more_than_one_sheet_is_a_workbook_or_a_zip_of_csv_files():
    sheets = [Sheet(["a"], [["=1"]], title="Första"), Sheet(["b"], [["x"], ["y"]], title="Andra: [x]")]
    book = spreadsheet_file(sheets, "xlsx")
    assert book.rows == 3
    workbook = openpyxl.load_workbook(io.BytesIO(book.content))
    assert workbook.sheetnames == ["Första", "Andra x"]
    assert xlsx_rows(book.content)[1] == ("'=1",)
    archive = spreadsheet_file(sheets, "csv")
    assert archive.fmt == "zip"
    with zipfile.ZipFile(io.BytesIO(archive.content)) as files:
        assert files.namelist() == ["01-forsta.csv", "02-andra-x.csv"]
        assert csv_rows(files.read("01-forsta.csv")) == [["a"], ["'=1"]]


# Protected identities ----------------------------------------------------------------------------


def test_a_protected_person_has_one_pseudonym_on_every_row_and_sheet_numbered_by_id():
    cilla = person(7, "Cilla", "Cedergren", protected=True, phone="070-123 45 67")
    doris = person(3, "Doris", "Dahl", protected=True)
    anna = person(5, "Anna", "Andersson")
    sheets = [
        Sheet(
            ["Namn", "E-post", "Telefon"],
            [
                [PersonCell.of(cilla), PersonCell.of(cilla, "email"), PersonCell.of(cilla, "phone")],
                [anna, PersonCell.of(anna, "email"), ""],
                [cilla, "", ""],
                [PersonCell.of(doris, "first_name"), PersonCell.of(doris, "last_name"), ""],
            ],
            title="Ett",
        ),
        Sheet(["Deltagare"], [[[anna, doris, cilla]]], title="Två"),
    ]
    first, second = pseudonymised(sheets)
    # Doris has the lower id: number 1 in the whole file; Cilla 2, on every row and sheet.
    assert first.rows == [
        ["Anna Andersson", "anna.andersson@example.org", ""],
        ["Skyddad identitet 1", "Skyddad identitet 1", ""],
        ["Skyddad identitet 2", "", ""],
        ["Skyddad identitet 2", "", ""],
    ]
    assert second.rows == [["Anna Andersson, Skyddad identitet 1, Skyddad identitet 2"]]
    workbook = spreadsheet_file(sheets, "xlsx").content
    text = repr(xlsx_rows(workbook, 0) + xlsx_rows(workbook, 1))
    for secret in ("Cilla", "Cedergren", "cilla.cedergren", "070-123", "Doris", "Dahl"):
        assert secret not in text


def test_rows_naming_a_protected_person_come_last_the_others_keep_their_order():
    """In a list sorted by name, her place would hint at her name."""
    people = [
        person(1, "Anna", "A"),
        person(9, "Bodil", "B", protected=True),
        person(2, "Cilla", "C"),
        person(4, "Doris", "D", protected=True),
        person(3, "Eva", "E"),
    ]
    (sheet,) = pseudonymised(Sheet(["Namn", "Rad"], [[p, n] for n, p in enumerate(people)]))
    assert sheet.rows == [
        ["Anna A", 0],
        ["Cilla C", 2],
        ["Eva E", 4],
        ["Skyddad identitet 1", 3],
        ["Skyddad identitet 2", 1],
    ]


def test_the_safety_net_finds_her_name_email_and_phone_in_any_text():
    """A foreign key's str(), a column Wagtail fills itself, something typed: her full name (in
    any order, case or spacing), email or phone number becomes her pseudonym."""
    cilla = person(7, "Cilla", "Cedergren", protected=True, phone="070-123 45 67")
    anna = person(5, "Anna", "Andersson")
    rows = [
        ["Grundutbildning – Cilla Cedergren (2026-01-05)"],
        ["cedergren, CILLA"],
        ["Cedergren  Cilla ringer från 070-123 45 67"],
        ["=cilla.cedergren@example.org"],
        ["Cilla Cedergrens föreläsning"],  # another word: not her name
        ["Cilla"],  # one word only: other people share it
        [anna],
    ]
    (sheet,) = pseudonymised(Sheet(["Text"], rows), protected=[cilla])
    assert sheet.rows == [
        ["Cilla Cedergrens föreläsning"],
        ["Cilla"],
        ["Anna Andersson"],
        ["Grundutbildning – Skyddad identitet 1 (2026-01-05)"],
        ["Skyddad identitet 1"],
        ["Skyddad identitet 1 ringer från Skyddad identitet 1"],
        ["=Skyddad identitet 1"],
    ]
    # A person a cell names is looked for in the text of the same file, protected= or not.
    (sheet,) = pseudonymised(Sheet(["Namn", "Text"], [[cilla, "Ledare: Cilla Cedergren"]]))
    assert sheet.rows == [["Skyddad identitet 1", "Ledare: Skyddad identitet 1"]]


names = st.text(alphabet=st.characters(categories=("Lu", "Ll")), min_size=2, max_size=12)


@settings(max_examples=60, deadline=None)
@given(names, names, st.text(alphabet=" ,.-–:()=+@\t\r\n", max_size=10), st.booleans())
def test_her_name_never_reaches_the_file(first, last, around, upper):
    """Whatever her name and whatever text surrounds it (not inside a longer word), in a person
    cell or in text."""
    cilla = person(7, first, last, protected=True, email="x7@example.org")
    full = f"{first} {last}"
    typed = around + (full.upper() if upper else full) + around
    export = build(["Namn", "Text"], [[cilla, typed], [PersonCell.of(cilla, "email"), cilla.email]], "csv")
    content = export.content.decode("utf-8-sig")
    assert full.lower() not in " ".join(content.lower().split()) or full.lower() in "skyddad identitet 1"
    assert "x7@example.org" not in content
