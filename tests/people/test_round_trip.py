"""Spreadsheets both ways: the demo register exported as CSV and as XLSX through the admin, and
imported back through the admin's import (preview, then confirm): no problems, and nothing in
the register changes (every row compared, and no history row written). The register holds a
protected identity (her row shows her pseudonym: left as she is), people who have left, names
with Å, Ä and Ö, and a hyphenated name."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from people.models import User
from tests.auth import sign_in


def register(organisation) -> list[tuple]:
    """Every person of the organisation, every stored field, in id order."""
    names = [field.attname for field in User._meta.concrete_fields]
    return list(User.objects.filter(organisation=organisation).order_by("pk").values_list(*names))


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=io.StringIO())
    coordinator = User.objects.get(email="samordnare@example.org")
    User.objects.create(
        email="asa-lena.oberg@example.org",
        first_name="Åsa-Lena",
        last_name="Öberg-Ärlemark",
        phone="070-123 45 67",
        organisation=coordinator.organisation,
        group_volunteer=True,
        group_staff=True,
        joined_on="2020-02-29",
        left_on="2026-10-25",
    )
    return coordinator


def export(client, fmt: str) -> bytes:
    response = client.get(reverse("people_person:index"), {"export": fmt})
    assert response.status_code == 200
    return response.content


def import_back(client, content: bytes, name: str) -> str:
    upload = SimpleUploadedFile(name, content)
    preview = client.post(reverse("people_import"), {"file": upload})
    assert preview.status_code == 200
    assert not preview.context.get("problems"), [str(p) for p in preview.context["problems"]]
    parsed = preview.context["parsed"]
    assert parsed.protected_lines, "the protected identity's row is recognised and left out"
    counts = preview.context["counts"]
    assert (counts.new, counts.updated) == (0, 0)
    token = preview.context["pending"].token
    confirmed = client.post(reverse("people_import"), {"pending": token}, follow=True)
    assert confirmed.status_code == 200
    return " ".join(str(message) for message in confirmed.context["messages"])


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_exported_register_imports_back_unchanged(client, demo, fmt):
    organisation = demo.organisation
    sign_in(client, demo)  # her last login is stored: before the snapshot
    before = register(organisation)
    history = User.history.count()
    content = export(client, fmt)
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        emails = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    else:
        text = content.decode("utf-8-sig")
        assert text.splitlines()[0].count(";") >= 6
        emails = [line.split(";")[0] for line in text.splitlines()[1:]]
    # Everyone is in the file: those who have left too, the protected identity as a blank email.
    assert {"lena.dahl@example.org", "asa-lena.oberg@example.org"} <= set(emails)
    assert "skyddad@example.org" not in emails
    message = import_back(client, content, f"register.{fmt}")
    assert re.search(r": 0 [^,]+, 0 [^,]+, 25 ", message), message  # 0 new, 0 updated, 25 unchanged
    assert register(organisation) == before
    assert User.history.count() == history
