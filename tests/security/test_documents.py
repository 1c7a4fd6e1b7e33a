"""Documents attached to a person's record (issue 14, point 3): a signed pledge is private to her
organisation's coordinators and herself (anonymous: the login page; anyone else: 404), in the
admin's listing, chooser and API as well; public course documents stay public."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import Resolver404, resolve, reverse
from wagtail.documents import get_document_model

from certifications.models import Qualification, QualificationType
from tests.auth import sign_in
from tests.factories import PersonFactory

Document = get_document_model()
TITLE = "Tystnadslöfte Kim Skyddad"


@pytest.fixture
def pledge(org_a):
    """Kim has a protected identity; her signed pledge is attached to her qualification."""
    kim = PersonFactory(organisation=org_a, first_name="Kim", last_name="Skyddad", protected_identity=True)
    document = Document.objects.create(
        title=TITLE,
        file=ContentFile(b"%PDF-1.4 undertecknat", name="tystnadslofte.pdf"),
        collection=org_a.collection,
    )
    kind = QualificationType.objects.create(organisation=org_a, name="Tystnadslöfte", valid_months=12)
    Qualification.objects.create(
        person=kim, type=kind, issued_on=datetime.date(2026, 1, 10), source="attestation", document=document
    )
    return {"kim": kim, "document": document}


def serve(client, document):
    return client.get(document.url)


def test_a_pledge_is_served_to_her_her_coordinators_and_the_administrator_only(
    client, pledge, coordinator_a, coordinator_b, board_a, volunteer_a, superuser, audit_log
):
    document = pledge["document"]
    response = serve(client, document)
    assert response.status_code == 302 and response["Location"].startswith(
        "/accounts/login/?next=/documents/"
    )
    for reader in (pledge["kim"], coordinator_a, superuser):
        client.logout()
        sign_in(client, reader)
        response = serve(client, document)
        assert response.status_code == 200, reader
        assert b"".join(response.streaming_content) == b"%PDF-1.4 undertecknat"
    for outsider in (coordinator_b, board_a, volunteer_a):
        client.logout()
        sign_in(client, outsider)
        response = serve(client, document)
        assert response.status_code == 404, outsider
        assert TITLE not in response.content.decode()
    events = [record.getMessage() for record in audit_log.records if "event=document." in record.getMessage()]
    assert any("event=document.read" in e for e in events) and any(
        "event=document.refused" in e for e in events
    )
    assert not any("Kim" in e or "tystnadslofte" in e for e in events)  # ids only


def test_a_course_document_stays_public(client, org_a):
    material = Document.objects.create(
        title="Läsanvisning", file=ContentFile(b"las mer", name="las.txt"), collection=org_a.collection
    )
    assert serve(client, material).status_code == 200


def test_another_organisation_never_sees_the_pledge_in_the_admin(
    client, pledge, coordinator_a, coordinator_b
):
    urls = [
        reverse("wagtaildocs:index"),
        reverse("wagtaildocs:index") + "?q=Tystnad",
        reverse("wagtaildocs_chooser:choose"),
        reverse("wagtaildocs_chooser:choose_results") + "?q=Tystnad",
        "/admin/api/main/documents/",
        f"/admin/api/main/documents/{pledge['document'].pk}/",
    ]
    sign_in(client, coordinator_b)
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert "Kim Skyddad" not in response.content.decode(), url
    client.logout()
    sign_in(client, coordinator_a)
    assert "Kim Skyddad" in client.get(reverse("wagtaildocs:index")).content.decode()
    assert "Kim Skyddad" in client.get("/admin/api/main/documents/").content.decode()


def test_another_organisations_document_cannot_be_attached(client, pledge, coordinator_b, org_b):
    """A pledge of A attached to one of B's qualifications would be B's to read: refused."""
    bella = PersonFactory(organisation=org_b)
    kind = QualificationType.objects.create(organisation=org_b, name="Tystnadslöfte")
    sign_in(client, coordinator_b)
    response = client.post(
        reverse("certifications_qualification:add"),
        {"person": bella.pk, "type": kind.pk, "issued_on": "2026-01-15", "document": pledge["document"].pk},
    )
    assert response.status_code == 200
    assert "Välj ett dokument bland din förenings dokument." in response.content.decode()
    assert not Qualification.objects.filter(person=bella).exists()
    assert serve(client, pledge["document"]).status_code == 404


def test_a_coordinator_uploads_into_her_organisations_collection_only(client, coordinator_a, org_a, org_b):
    sign_in(client, coordinator_a)
    response = client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Ifyllt löfte",
            "file": ContentFile(b"%PDF-1.4", name="lofte.pdf"),
            "collection": org_b.collection_id,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Document.objects.get(title="Ifyllt löfte").collection == org_a.collection


@override_settings(DEBUG=True)
def test_in_development_media_serves_images_but_never_document_files():
    import lms.urls

    try:
        urls = importlib.reload(lms.urls)
        with override_settings(ROOT_URLCONF=urls):
            assert resolve("/media/original_images/bild.png").url_name is None
            with pytest.raises(Resolver404):
                resolve("/media/documents/tystnadslofte.pdf", urlconf="lms.urls")
    finally:
        with override_settings(DEBUG=False):
            importlib.reload(lms.urls)
