"""Certificates on the site: include with ``path("intyg/", include("certifications.urls"))``.

The check is public (no login): the form, and the answer for a code (the QR code on the paper
leads there). The download is the holder's (or her organisation's coordinator's)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.verify_form, name="certifications_verify_form"),
    path("ladda-ner/<int:pk>/", views.certificate_download, name="certifications_certificate_pdf"),
    path("<str:code>/", views.verify_code, name="certifications_verify"),
]
