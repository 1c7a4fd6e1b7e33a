"""Signing in from tests: the one place that knows what a signed-in session needs."""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from jour_core.twofactor import needs_two_factor


def sign_in(client: Client, user) -> Client:
    """Log ``user`` in on ``client`` as if she had passed every step of the real login: the
    password and, for coordinators, the board and administrators, the authenticator code."""
    client.force_login(user)
    if needs_two_factor(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
