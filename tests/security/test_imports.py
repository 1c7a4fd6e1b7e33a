"""Imports refuse files over the size limit and text that is not UTF-8, with a message that
names the problem, and change nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from certifications.models import Qualification, TrainingRecord
from people.models import PendingImport, User
from people.permissions import COORDINATORS_GROUP
from tests.auth import sign_in
from tests.factories import PersonFactory

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
    # UTF-16 (Excel's "Unicode text"): neither UTF-8 nor Windows-1252.
    utf16 = PEOPLE.replace("Ny,Person", "Åsa,Öberg").encode("utf-16")
    upload = SimpleUploadedFile("people.csv", utf16, content_type="text/csv")
    response = client.post(reverse("people_import"), {"file": upload})
    assert response.status_code == 200
    (message,) = response.context["upload_form"].errors["file"]
    assert "UTF-8" in message
    assert counts() == before


@pytest.mark.django_db
def test_records_command_refuses_a_large_file_and_utf16_text(tmp_path, org_a, volunteer_a, settings):
    path = tmp_path / "records.csv"
    before = counts()
    settings.CERTIFICATIONS_IMPORT_MAX_BYTES = 60
    path.write_text(RECORDS, encoding="utf-8")
    code, err = call("import_records", path)
    assert (code, err.strip()) == (1, "line 1: file: larger than 60 bytes")

    settings.CERTIFICATIONS_IMPORT_MAX_BYTES = 2 * 1024 * 1024
    path.write_bytes(RECORDS.encode("utf-16"))
    code, err = call("import_records", path)
    assert code == 1
    assert err.startswith("line 1: file: ") and "UTF-8" in err
    assert counts() == before


# A people file waiting between preview and confirmation: its owner's alone -------------------

PENDING = "email,first_name,last_name,groups,joined_on\nvantar@example.org,Väntar,Fil,volunteer,2026-01-01\n"


def preview_token(client, user, **data) -> str:
    sign_in(client, user)
    upload = SimpleUploadedFile("people.csv", PENDING.encode(), content_type="text/csv")
    response = client.post(reverse("people_import"), {"file": upload, **data})
    assert response.status_code == 200, response.context.get("problems")
    return response.context["confirm_form"]["pending"].value()


def post_token(client, token, **extra):
    return client.post(reverse("people_import"), {"pending": token, **extra})


@pytest.fixture
def second_coordinator_a(org_a):
    return PersonFactory(email="coord-a2@example.org", organisation=org_a, roles=[COORDINATORS_GROUP])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("uploader", "intruder"),
    [
        ("coordinator_a", "second_coordinator_a"),  # another person of the same organisation
        ("coordinator_a", "coordinator_b"),  # another organisation's coordinator
        ("coordinator_a", "superuser"),  # even the umbrella administrator: not hers
        ("superuser", "coordinator_a"),  # an administrator's file for organisation A
    ],
)
def test_only_the_person_who_uploaded_a_file_may_confirm_or_cancel_it(
    request, client, org_a, uploader, intruder
):
    owner, other = request.getfixturevalue(uploader), request.getfixturevalue(intruder)
    extra = {"organisation": org_a.pk} if owner.is_superuser else {}
    token = preview_token(client, owner, **extra)
    sign_in(client, other)
    for attempt in ({}, {"cancel": "1"}):
        response = post_token(client, token, **attempt)
        assert response.status_code == 404
        assert "Väntar" not in response.content.decode()
    assert not User.objects.filter(email="vantar@example.org").exists()
    assert PendingImport.objects.filter(token=token).exists()
    sign_in(client, owner)
    assert post_token(client, token).status_code == 302
    assert User.objects.get(email="vantar@example.org").organisation == org_a


@pytest.mark.django_db
def test_a_coordinator_moved_to_another_organisation_cannot_confirm_her_earlier_file(
    client, org_a, org_b, coordinator_a
):
    token = preview_token(client, coordinator_a)
    coordinator_a.organisation = org_b
    coordinator_a.save()
    sign_in(client, coordinator_a)
    assert post_token(client, token).status_code == 404
    assert not User.objects.filter(email="vantar@example.org").exists()


@pytest.mark.django_db
def test_a_malformed_or_unknown_token_is_refused_with_a_page_not_an_error(client, org_a, coordinator_a):
    sign_in(client, coordinator_a)
    for token in ("", "x" * 65, "inte-en-token", "' OR 1=1 --"):
        response = post_token(client, token)
        assert response.status_code == 404, token
        assert "ladda upp filen igen" in response.content.decode()
    assert counts() == (1, 0, 0)
