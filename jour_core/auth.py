"""Login throttling: which account and which address an attempt counts against (django-axes),
and the page a locked-out login gets."""

from __future__ import annotations

import functools
import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .conf import app_settings

logger = logging.getLogger(__name__)


def client_address(request: HttpRequest | None) -> str | None:
    """The address a request came from. Behind ``JOUR_TRUSTED_PROXY_COUNT`` reverse proxies,
    the address the outermost trusted proxy saw, taken from the right of ``X-Forwarded-For``
    (entries further left are whatever the client sent, so they are never trusted). Without a
    proxy count (the default, in production too), ``REMOTE_ADDR``, and ``X-Forwarded-For`` is
    ignored: a client cannot choose the address her failed logins count against. Behind a proxy
    nobody told about, that is the proxy's own address for everyone (a warning is logged)."""
    if request is None:
        return None
    proxies = app_settings.JOUR_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    elif "HTTP_X_FORWARDED_FOR" in request.META:
        _warn_forwarded_for_ignored()
    return request.META.get("REMOTE_ADDR") or None


@functools.cache
def _warn_forwarded_for_ignored() -> None:
    """Once per process: a site behind a proxy that nobody told about counts every client at
    the proxy's address (and the address lockout then locks everyone out together)."""
    logger.warning(
        "X-Forwarded-For is ignored: no reverse proxy is trusted. If the site is behind one, set "
        "JOUR_TRUSTED_PROXY_COUNT (TRUSTED_PROXY_COUNT in the environment) to their number."
    )


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """The attempted login, normalised like stored emails (so ``Anna@X`` and ``anna@x`` count
    together towards the lockout)."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = request.POST.get("username", "")
    return str(value or "").strip().lower()


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The page a locked-out login gets (HTTP 429), saying how long the cool-off is."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)
