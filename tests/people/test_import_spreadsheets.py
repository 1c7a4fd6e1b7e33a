"""The people import reads what people have: Swedish or English headers, ja/nej, group names in
Swedish, ';' or ',', XLSX as well as CSV; its template is a workbook with a list to pick a group
from; a damaged workbook is refused in words."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from people.importing import parse_people_csv, parse_people_file
from people.models import User
from tests.auth import sign_in
from tests.factories import workbook

SWEDISH = (
    "\ufeffE-postadress;Förnamn;Efternamn;Grupper;Startdatum;Slutdatum;Skyddad identitet;Telefon;Status\r\n"
    "asa@example.org;Åsa-Lena;Öberg;volontär, STYRELSE;2025-01-15;;nej;070-1;Aktiv\r\n"
    "bo@example.org;Bo;Ek;Personal;2024-02-29;2026-10-25;JA;;Slutat\r\n"
)


@pytest.mark.django_db
def test_swedish_headers_ja_nej_and_swedish_group_names(org_a):
    parsed = parse_people_file(SWEDISH.encode(), "register.csv", org_a)
    assert parsed.ok, [str(p) for p in parsed.problems]
    asa, bo = parsed.rows
    assert (asa.first_name, asa.groups, asa.protected_identity) == ("Åsa-Lena", {"volunteer", "board"}, False)
    assert (bo.groups, bo.left_on, bo.protected_identity) == ({"staff"}, datetime.date(2026, 10, 25), True)


@pytest.mark.django_db
def test_an_xlsx_file_with_typed_cells_reads_as_its_csv_twin(org_a):
    content = workbook(
        [
            [
                "E-postadress",
                "Förnamn",
                "Efternamn",
                "Grupper",
                "Startdatum",
                "Slutdatum",
                "Skyddad identitet",
            ],
            ["asa@example.org", "Åsa", "Öberg", "Volontär", datetime.datetime(2025, 1, 15), None, False],
            ["bo@example.org", "Bo", "Ek", "board", datetime.date(2024, 2, 29), "2026-10-25", True],
        ]
    )
    parsed = parse_people_file(content, "people.xlsx", org_a)
    assert parsed.ok, [str(p) for p in parsed.problems]
    assert [(r.email, r.joined_on, r.protected_identity) for r in parsed.rows] == [
        ("asa@example.org", datetime.date(2025, 1, 15), False),
        ("bo@example.org", datetime.date(2024, 2, 29), True),
    ]


@pytest.mark.django_db
def test_a_problem_names_the_row_and_the_column_as_the_file_heads_it(org_a):
    content = workbook(
        [
            ["E-postadress", "Förnamn", "Efternamn", "Grupper", "Startdatum"],
            ["asa@example.org", "Åsa", "Öberg", "seglare", "2025-01-15"],
            ["inte-en-adress", "Bo", "Ek", "Volontär", "2025-13-01"],
        ]
    )
    parsed = parse_people_file(content, "people.xlsx", org_a)
    assert [(p.line, p.column) for p in parsed.problems] == [
        (2, "Grupper"),
        (3, "E-postadress"),
        (3, "Startdatum"),
    ]
    assert parsed.rows == []  # all or nothing


@pytest.mark.django_db
def test_a_damaged_workbook_is_refused_in_words(client, org_a, coordinator_a):
    sign_in(client, coordinator_a)
    before = User.objects.count()
    for content in (b"PK\x03\x04 not really a zip", workbook([["a"]])[:200]):
        upload = SimpleUploadedFile("people.xlsx", content)
        response = client.post(reverse("people_import"), {"file": upload})
        assert response.status_code == 200
        (message,) = response.context["upload_form"].errors["file"]
        assert "XLSX" in message
    assert User.objects.count() == before


@pytest.mark.django_db
def test_the_template_offers_the_columns_an_example_and_a_list_of_groups(client, org_a, coordinator_a):
    sign_in(client, coordinator_a)
    response = client.get(reverse("people_import_template"), {"export": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:4] == ["E-postadress", "Förnamn", "Efternamn", "Grupper"]
    (validation,) = sheet.data_validations.dataValidation
    assert (
        validation.type == "list" and "Volontär" in validation.formula1 and "Styrelse" in validation.formula1
    )
    assert str(validation.sqref).startswith("D2:")
    # The template imports as it is (one new person), in both formats.
    for fmt in ("xlsx", "csv"):
        content = client.get(reverse("people_import_template"), {"export": fmt}).content
        parsed = parse_people_file(content, f"template.{fmt}", org_a)
        assert parsed.ok and parsed.counts.new == 1, [str(p) for p in parsed.problems]
    page = client.get(reverse("people_import"))
    assert reverse("people_import_template") + "?export=xlsx" in page.content.decode()


@pytest.mark.django_db
def test_english_headers_and_codes_still_work(org_a):
    text = "email,first_name,last_name,groups,joined_on\nx@example.org,X,Y,volunteer;staff,2025-01-15\n"
    parsed = parse_people_csv(text, org_a)
    assert parsed.ok and parsed.rows[0].groups == {"volunteer", "staff"}


@pytest.mark.django_db
def test_a_workbook_that_unpacks_to_too_much_is_refused(org_a, monkeypatch):
    from jour_core import reading

    content = workbook([["email"], ["x" * 5000]])
    assert parse_people_file(content, "people.xlsx", org_a).problems  # read: a bad email only
    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(reading.UnreadableFile, match="XLSX"):
        parse_people_file(content, "people.xlsx", org_a)
