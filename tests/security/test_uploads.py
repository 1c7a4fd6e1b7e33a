"""Uploaded documents and images: an allow-list of types, a size limit, and private
collections served only through Wagtail's permission-checking view."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection, CollectionViewRestriction

from tests.auth import sign_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<html><script>alert(1)</script></html>"


def upload_document(client, name, content, content_type="application/octet-stream"):
    root = Collection.get_first_root_node()
    return client.post(
        reverse("wagtaildocs:add"),
        {"title": name, "collection": root.pk, "file": SimpleUploadedFile(name, content, content_type)},
    )


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("handbok.svg", SVG, "image/svg+xml"),
        ("handbok.html", HTML, "text/html"),
        ("handbok.htm", HTML, "text/html"),
        ("handbok.js", b"alert(1)", "text/javascript"),
        ("handbok.exe", b"MZ", "application/octet-stream"),
    ],
)
def test_documents_outside_the_allow_list_are_refused(client, superuser, name, content, content_type):
    sign_in(client, superuser)
    response = upload_document(client, name, content, content_type)
    assert response.status_code == 200  # the form again, with the error
    assert not Document.objects.exists()


def test_an_allowed_document_is_stored(client, superuser):
    sign_in(client, superuser)
    response = upload_document(client, "handbok.pdf", PDF, "application/pdf")
    assert response.status_code == 302
    assert Document.objects.get().file.name.endswith(".pdf")


@override_settings(WAGTAILDOCS_MAX_UPLOAD_SIZE=1024)
def test_documents_over_the_size_limit_are_refused(client, superuser):
    sign_in(client, superuser)
    response = upload_document(client, "stor.pdf", PDF + b"0" * 2048, "application/pdf")
    assert response.status_code == 200
    assert not Document.objects.exists()


def test_svg_images_are_refused(client, superuser):
    sign_in(client, superuser)
    root = Collection.get_first_root_node()
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": "logga",
            "collection": root.pk,
            "file": SimpleUploadedFile("logga.svg", SVG, "image/svg+xml"),
        },
    )
    assert response.status_code == 200
    assert not Image.objects.exists()


def test_a_private_collection_is_served_only_through_the_checking_view(client, volunteer_a, superuser):
    sign_in(client, superuser)
    root = Collection.get_first_root_node()
    private = root.add_child(name="Interna dokument")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Rutiner",
            "collection": private.pk,
            "file": SimpleUploadedFile("rutiner.pdf", PDF, "application/pdf"),
        },
    )
    document = Document.objects.get(collection=private)
    client.post(reverse("logout"))

    # Anonymous: the serving view asks for a login, and the file itself is not on a public URL.
    response = client.get(document.url)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert client.get(f"/media/{document.file.name}").status_code == 404

    sign_in(client, volunteer_a)
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content]) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
