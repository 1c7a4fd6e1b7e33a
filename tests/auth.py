"""Signing in from tests: the one place that knows what a signed-in session needs."""

from __future__ import annotations

from django.test import Client


def sign_in(client: Client, user) -> Client:
    """Log ``user`` in on ``client`` as if she had passed every step of the real login."""
    client.force_login(user)
    return client
