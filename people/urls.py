"""The people app's own pages: include with ``path("konto/", include("people.urls"))``."""

from django.urls import path

from . import twofactor

urlpatterns = [
    path("tvastegsverifiering/", twofactor.verify, name="people_otp_verify"),
    path("tvastegsverifiering/ny/", twofactor.setup, name="people_otp_setup"),
]
