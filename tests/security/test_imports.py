"""Imports refuse files over the size limit and text that is not UTF-8, with a message that
names the problem, and change nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from certifications.models import Qualification, TrainingRecord
from people.models import User
from tests.auth import sign_in

PEOPLE = "email,first_name,last_name,groups,joined_on\nny@example.org,Ny,Person,volunteer,2026-01-01\n"
RECORDS = (
    "email,kind,name,date,hours,provider,expires_on,revoked_on\n"
    "vol-a@example.org,training,Brandskydd,2026-03-01,3,Räddningstjänsten,,\n"
)


def call(command, path, *args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(command, str(path), "--organisation", "jour-a", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, err.getvalue()


def counts():
    return User.objects.count(), TrainingRecord.all_objects.count(), Qualification.objects.count()


@pytest.mark.django_db
def test_people_command_refuses_a_file_over_the_limit(tmp_path, org_a, settings):
    settings.PEOPLE_IMPORT_MAX_BYTES = 50
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE, encoding="utf-8")
    before = counts()
    code, err = call("import_people", path)
    assert code == 1
    assert err.strip() == "line 1: file: larger than 50 bytes"
    assert counts() == before


@pytest.mark.django_db
def test_admin_upload_over_the_limit_says_so_and_changes_nothing(client, org_a, coordinator_a, settings):
    settings.PEOPLE_IMPORT_MAX_BYTES = 50
    sign_in(client, coordinator_a)
    before = counts()
    upload = SimpleUploadedFile("people.csv", PEOPLE.encode(), content_type="text/csv")
    response = client.post(reverse("people_import"), {"file": upload})
    assert response.status_code == 200
    assert response.context["upload_form"].errors["file"] == [
        "Filen är 90\xa0byte; den största fil som kan läsas in är 50\xa0byte."
    ]
    assert "confirm_form" not in response.context
    assert counts() == before


@pytest.mark.django_db
def test_admin_upload_that_is_not_utf8_says_so_and_changes_nothing(client, org_a, coordinator_a):
    sign_in(client, coordinator_a)
    before = counts()
    latin1 = PEOPLE.replace("Ny,Person", "Åsa,Öberg").encode("latin-1")
    upload = SimpleUploadedFile("people.csv", latin1, content_type="text/csv")
    response = client.post(reverse("people_import"), {"file": upload})
    assert response.status_code == 200
    (message,) = response.context["upload_form"].errors["file"]
    assert "UTF-8" in message
    assert counts() == before


@pytest.mark.django_db
def test_records_command_refuses_a_large_file_and_non_utf8_text(tmp_path, org_a, volunteer_a, settings):
    path = tmp_path / "records.csv"
    before = counts()
    settings.CERTIFICATIONS_IMPORT_MAX_BYTES = 60
    path.write_text(RECORDS, encoding="utf-8")
    code, err = call("import_records", path)
    assert (code, err.strip()) == (1, "line 1: file: larger than 60 bytes")

    settings.CERTIFICATIONS_IMPORT_MAX_BYTES = 2 * 1024 * 1024
    path.write_bytes(RECORDS.encode("cp1252"))
    code, err = call("import_records", path)
    assert code == 1
    assert err.startswith("line 1: file: ") and "UTF-8" in err
    assert counts() == before
