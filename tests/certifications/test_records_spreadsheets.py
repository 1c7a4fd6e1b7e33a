"""The records import reads XLSX as well as CSV, with Swedish headers and kinds, ';' and a
decimal comma; a problem names the row and the column as the file heads it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from certifications.models import TrainingRecord
from tests.factories import workbook
from tests.security.test_imports import call

HEADER = ["E-post", "Typ", "Namn", "Datum", "Timmar", "Anordnare", "Giltig till", "Återkallad"]


@pytest.mark.django_db
def test_an_xlsx_file_with_swedish_headers_and_kinds(tmp_path, org_a, volunteer_a):
    path = tmp_path / "records.xlsx"
    row = [
        volunteer_a.email,
        "Fortbildning",
        "Brandskydd",
        datetime.date(2026, 3, 1),
        2.5,
        "Räddningstjänsten",
    ]
    path.write_bytes(workbook([HEADER, row]))
    code, err = call("import_records", path)
    assert (code, err) == (0, "")
    record = TrainingRecord.objects.get(title="Brandskydd")
    assert (record.date, record.hours) == (datetime.date(2026, 3, 1), Decimal("2.5"))


@pytest.mark.django_db
def test_a_swedish_csv_with_semicolons_and_a_decimal_comma(tmp_path, org_a, volunteer_a):
    path = tmp_path / "records.csv"
    text = ";".join(HEADER) + f"\r\n{volunteer_a.email};utbildning;Brandskydd;2026-03-01;1,5;RTJ;;\r\n"
    path.write_bytes(("\ufeff" + text).encode())
    code, err = call("import_records", path)
    assert (code, err) == (0, "")
    assert TrainingRecord.objects.get(title="Brandskydd").hours == Decimal("1.5")


@pytest.mark.django_db
def test_a_problem_names_the_row_and_the_files_header(tmp_path, org_a, volunteer_a):
    path = tmp_path / "records.xlsx"
    path.write_bytes(workbook([HEADER, [volunteer_a.email, "segling", "X", "2026-03-01", 1]]))
    code, err = call("import_records", path)
    assert code == 1
    assert err.startswith("line 2: Typ: ")
    assert not TrainingRecord.objects.filter(title="X").exists()
