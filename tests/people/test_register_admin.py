"""The people register in the Wagtail admin: scoped to the coordinator's organisation."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from people.models import User
from tests.auth import sign_in
from tests.factories import PersonFactory

INDEX = "people_person:index"


@pytest.fixture
def two_organisations(org_a, org_b, coordinator_a, coordinator_b):
    PersonFactory(email="alva@example.org", first_name="Alva", last_name="Andersson", organisation=org_a)
    PersonFactory(email="bodil@example.org", first_name="Bodil", last_name="Bengtsson", organisation=org_b)


def export(client, fmt, **params):
    response = client.get(reverse(INDEX), {"export": fmt, **params})
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.django_db
def test_coordinator_sees_only_her_organisation_in_list_search_and_export(client, two_organisations):
    sign_in(client, User.objects.get(email="coord-a@example.org"))
    listing = client.get(reverse(INDEX)).content.decode()
    assert "alva@example.org" in listing
    assert "bodil@example.org" not in listing and "coord-b@example.org" not in listing

    search = client.get(reverse(INDEX), {"q": "Bodil"}).content.decode()
    assert "bodil@example.org" not in search
    assert "alva@example.org" in client.get(reverse(INDEX), {"q": "Alva"}).content.decode()

    csv_text = export(client, "csv").decode("utf-8-sig")
    assert "alva@example.org" in csv_text
    assert "bodil" not in csv_text and "jour-b" not in csv_text and "coord-b" not in csv_text

    workbook = openpyxl.load_workbook(io.BytesIO(export(client, "xlsx")))
    cells = {str(c.value) for row in workbook.active.iter_rows() for c in row}
    assert "alva@example.org" in cells
    assert not any("bodil" in value or "coord-b" in value for value in cells)


@pytest.mark.django_db
def test_another_organisations_person_is_404_for_every_detail_view(client, two_organisations):
    sign_in(client, User.objects.get(email="coord-a@example.org"))
    bodil = User.objects.get(email="bodil@example.org")
    for view in ("edit", "delete", "history", "inspect", "usage"):
        response = client.get(reverse(f"people_person:{view}", args=[bodil.pk]))
        assert response.status_code == 404, view
    response = client.post(reverse("people_person:edit", args=[bodil.pk]), {"first_name": "Hacked"})
    assert response.status_code == 404
    bodil.refresh_from_db()
    assert bodil.first_name == "Bodil"


@pytest.mark.django_db
def test_superuser_sees_all_organisations_and_can_filter_by_one(client, two_organisations, superuser, org_b):
    sign_in(client, superuser)
    listing = client.get(reverse(INDEX)).content.decode()
    assert "alva@example.org" in listing and "bodil@example.org" in listing
    filtered = client.get(reverse(INDEX), {"organisation": org_b.pk}).content.decode()
    assert "bodil@example.org" in filtered and "alva@example.org" not in filtered


@pytest.mark.django_db
def test_filters_by_group_and_status(client, org_a, coordinator_a):
    PersonFactory(email="styr@example.org", organisation=org_a, group_volunteer=False, group_board=True)
    PersonFactory(email="gone@example.org", organisation=org_a, left_on="2024-06-01")
    sign_in(client, coordinator_a)
    board = client.get(reverse(INDEX), {"group": "board"}).content.decode()
    assert "styr@example.org" in board and "gone@example.org" not in board
    left = client.get(reverse(INDEX), {"status": "left"}).content.decode()
    assert "gone@example.org" in left and "styr@example.org" not in left
    active = client.get(reverse(INDEX), {"status": "active"}).content.decode()
    assert "styr@example.org" in active and "gone@example.org" not in active


@pytest.mark.django_db
def test_list_is_sortable_and_paginated(client, org_a, coordinator_a):
    for n in range(55):
        PersonFactory(email=f"p{n:02d}@example.org", last_name=f"Namn{n:02d}", organisation=org_a)
    sign_in(client, coordinator_a)
    first_page = client.get(reverse(INDEX), {"ordering": "-last_name"}).content.decode()
    assert "p54@example.org" in first_page and "p00@example.org" not in first_page
    second_page = client.get(reverse(INDEX), {"ordering": "-last_name", "p": 2}).content.decode()
    assert "p00@example.org" in second_page


@pytest.mark.django_db
def test_coordinator_adds_a_person_to_her_own_organisation_even_if_the_form_is_tampered(
    client, org_a, org_b, coordinator_a
):
    sign_in(client, coordinator_a)
    response = client.post(
        reverse("people_person:add"),
        {
            "first_name": "Nya",
            "last_name": "Personen",
            "email": "Nya.Personen@Example.org",
            "phone": "",
            "organisation": org_b.pk,  # not offered to her; must be ignored
            "group_volunteer": "on",
            "joined_on": "2026-09-01",
            "left_on": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person = User.objects.get(email="nya.personen@example.org")
    assert person.organisation == org_a
    assert person.member_groups == ["volunteer"]
    assert not person.has_usable_password()


@pytest.mark.django_db
def test_leaving_date_before_joining_is_a_form_error(client, org_a, coordinator_a):
    sign_in(client, coordinator_a)
    response = client.post(
        reverse("people_person:add"),
        {"first_name": "X", "email": "x@example.org", "joined_on": "2026-09-01", "left_on": "2026-01-01"},
    )
    assert response.status_code == 200
    assert "left_on" in response.context["form"].errors
    assert not User.objects.filter(email="x@example.org").exists()


@pytest.mark.django_db
def test_board_may_read_the_register_but_not_change_it(client, org_a, board_a, volunteer_a):
    sign_in(client, board_a)
    assert client.get(reverse(INDEX)).status_code == 200
    assert client.get(reverse("people_person:add")).status_code in (302, 403)
    assert client.get(reverse("people_person:edit", args=[volunteer_a.pk])).status_code in (302, 403)
    assert client.get(reverse("people_import")).status_code in (302, 403)


@pytest.mark.django_db
def test_volunteer_has_no_admin_access(client, volunteer_a):
    sign_in(client, volunteer_a)
    response = client.get(reverse(INDEX))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


CSV = (
    "email,first_name,last_name,groups,joined_on,left_on,protected_identity\n"
    "ny@example.org,Ny,Person,volunteer,2026-09-01,,no\n"
    "vol-a@example.org,Vol,Uppdaterad,volunteer;board,2024-01-01,,no\n"
)


@pytest.mark.django_db
def test_admin_import_previews_then_imports_on_confirmation(client, org_a, coordinator_a, volunteer_a):
    sign_in(client, coordinator_a)
    upload = SimpleUploadedFile("people.csv", CSV.encode(), content_type="text/csv")
    preview = client.post(reverse("people_import"), {"file": upload})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "ny@example.org" in html
    assert not User.objects.filter(email="ny@example.org").exists(), "the preview must not save"

    confirm = client.post(
        reverse("people_import"), {"pending": preview.context["confirm_form"]["pending"].value()}
    )
    assert confirm.status_code == 302
    assert User.objects.get(email="ny@example.org").organisation == org_a
    volunteer_a.refresh_from_db()
    assert volunteer_a.last_name == "Uppdaterad"
    assert User.objects.filter(organisation=org_a).count() == 3


@pytest.mark.django_db
def test_admin_import_lists_problems_and_imports_nothing(client, org_a, coordinator_a):
    sign_in(client, coordinator_a)
    bad = CSV.replace("2026-09-01", "2026-09-31")
    upload = SimpleUploadedFile("people.csv", bad.encode(), content_type="text/csv")
    response = client.post(reverse("people_import"), {"file": upload})
    assert response.status_code == 200
    problems = [str(p) for p in response.context["problems"]]
    assert problems == [
        "line 2: joined_on: '2026-09-31' är inget datum på formen ÅÅÅÅ-MM-DD"
    ]  # the UI is Swedish
    assert "confirm_form" not in response.context
    assert User.objects.filter(organisation=org_a).count() == 1


@pytest.mark.django_db
def test_admin_import_of_another_organisations_email_is_refused(client, org_a, coordinator_a, coordinator_b):
    sign_in(client, coordinator_a)
    content = CSV.replace("vol-a@example.org", "coord-b@example.org")
    upload = SimpleUploadedFile("people.csv", content.encode(), content_type="text/csv")
    response = client.post(reverse("people_import"), {"file": upload})
    assert [p.column for p in response.context["problems"]] == ["email"]
    # A forged confirmation (no file was kept for it) is refused too.
    response = client.post(reverse("people_import"), {"pending": "forged-token"})
    assert response.status_code == 404
    assert User.objects.get(email="coord-b@example.org").first_name != "Vol"


@pytest.mark.django_db
def test_account_administration_and_organisations_are_for_superusers_only(
    client, org_a, coordinator_a, superuser
):
    sign_in(client, coordinator_a)
    for url in (reverse("wagtailusers_users:index"), reverse("people_organisation:index")):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" not in response["Location"], url

    sign_in(client, superuser)
    assert client.get(reverse("people_organisation:index")).status_code == 200
    assert client.get(reverse("wagtailusers_users:index")).status_code == 200
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "Ny.Admin@example.org",
            "first_name": "Ny",
            "last_name": "Admin",
            "password1": "ett-langt-losenord-2026",
            "password2": "ett-langt-losenord-2026",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert User.objects.get(email="ny.admin@example.org").check_password("ett-langt-losenord-2026")


@pytest.mark.django_db
def test_register_export_neutralises_formulas(client, org_a, coordinator_a):
    PersonFactory(
        email="f@example.org", first_name='=HYPERLINK("http://x","y")', last_name="+1", organisation=org_a
    )
    sign_in(client, coordinator_a)
    csv_text = export(client, "csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text and "'+1" in csv_text
    sheet = openpyxl.load_workbook(io.BytesIO(export(client, "xlsx"))).active
    values = {c.value for row in sheet.iter_rows() for c in row}
    assert '\'=HYPERLINK("http://x","y")' in values


@pytest.mark.django_db
def test_register_export_keeps_a_protected_persons_row_with_her_pseudonym(client, org_a, coordinator_a):
    """Her row stays (groups, dates, status), her names become her pseudonym, her email and phone
    are blank: in CSV and XLSX alike."""
    PersonFactory(
        email="sara.sjoberg@example.org",
        first_name="Sara",
        last_name="Sjöberg",
        phone="070-555 66 77",
        protected_identity=True,
        organisation=org_a,
    )
    sign_in(client, coordinator_a)
    rows = list(csv.reader(io.StringIO(export(client, "csv").decode("utf-8-sig")), delimiter=";"))
    sheet = [
        ["" if v is None else str(v) for v in row]
        for row in openpyxl.load_workbook(io.BytesIO(export(client, "xlsx"))).active.iter_rows(
            values_only=True
        )
    ]
    for table in (rows, sheet):
        assert table[0][:4] == ["E-postadress", "Förnamn", "Efternamn", "Telefon"]
        # Rows naming a protected person come last: her place in the name order says nothing.
        assert table[-1][:5] == ["", "Skyddad identitet 1", "Skyddad identitet 1", "", "Volontär"]
        assert table[-1][5].startswith("2024-01-01")
        text = repr(table)
        assert "Sara" not in text and "Sjöberg" not in text and "sjoberg" not in text and "555" not in text
    assert len(rows) == 3  # the header, the coordinator and her
