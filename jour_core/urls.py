"""The shared layer's pages (two-step verification): include with
``path("konto/", include("jour_core.urls"))``."""

from django.urls import path

from . import twofactor

urlpatterns = [
    path("tvastegsverifiering/", twofactor.verify, name="jour_core_otp_verify"),
    path("tvastegsverifiering/ny/", twofactor.setup, name="jour_core_otp_setup"),
]
