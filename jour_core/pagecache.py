"""Whole admin pages from the cache, under a key made of everything they show.

The clearance board, the attendance register and *My training* are read far more often than
the records behind them change. Their views compute a key from the organisation's data version
(``jour_core/versions.py``) and whatever else the page depends on (the date shown, the query
string, the language, the person and her session), and answer from the cache when the key is
there. A change to any record of the organisation gives a new version, so a stale page is never
served; the time limit only bounds how long a page is kept in memory. A page that also changes
by the clock alone (*My training*: a session starts, or ends) is kept with the moment it may
change at, and made afresh from then on.

Two things in a page are particular to one response and are never reused from the cache:
- the Content-Security-Policy nonce: the page is kept with a placeholder and each answer gets
  the nonce of its own response;
- nothing is cached for a request that has no session or CSRF cookie yet, or has messages to
  show, and the CSRF cookie's secret is part of the key, so the form tokens in a cached page
  are always valid for the browser that gets it.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from .conf import app_settings

T = TypeVar("T")

NONCE_PLACEHOLDER = b"\x00csp-nonce\x00"
#: The shape of a kept page, in its key: (content type, body, until) since 2. During a rolling
#: restart the old and the new code share the cache, and neither reads the other's entries.
PAGE_FORMAT = 2
#: The same for what :func:`kept_until` keeps: (value, until) since 2.
KEPT_FORMAT = 2


def kept(name: str, versions: Iterable[tuple[int, int]], make: Callable[[], T], *parts: object) -> T:
    """What ``make`` gives, kept in the cache under ``name``, the (organisation, data version)
    pairs it is made of, the language and ``parts`` (the day, the person...): a change to any
    of those organisations' records gives a new key. Made afresh when the page cache is off.
    Read the versions before the data ``make`` reads."""
    return kept_until(name, versions, lambda: (make(), None), *parts)


def kept_until(
    name: str,
    versions: Iterable[tuple[int, int]],
    make: Callable[[], tuple[T, datetime.datetime | None]],
    *parts: object,
) -> T:
    """:func:`kept`, for what also changes by the clock alone: ``make`` gives the value and the
    moment from which it may change (None: it does not), and it is made afresh from then on."""
    if not app_settings.JOUR_PAGE_CACHE_SECONDS:
        return make()[0]
    organisations = ",".join(f"{pk}.{version}" for pk, version in sorted(set(versions)))
    raw = "|".join([organisations, translation.get_language() or "", *map(str, parts)])
    # Hashed: an umbrella's value is made of every organisation's version.
    key = f"{name}:{KEPT_FORMAT}:" + hashlib.sha256(raw.encode()).hexdigest()
    entry = cache.get(key)
    if entry is not None:
        value, until = entry
        if until is None or timezone.now() < until:
            return value
    value, until = make()
    cache.set(key, (value, until), app_settings.JOUR_PAGE_CACHE_SECONDS)
    return value


def page_key(request: HttpRequest, name: str, version: int, *parts: object) -> str | None:
    """The cache key of a page, or None when this request must be answered afresh."""
    if request.method != "GET" or not app_settings.JOUR_PAGE_CACHE_SECONDS:
        return None
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    csrf_secret = request.META.get("CSRF_COOKIE")
    if not session_key or not csrf_secret or len(messages.get_messages(request)):
        return None
    raw = "|".join(
        str(part)
        for part in (
            name,
            version,
            request.user.pk,
            session_key,
            csrf_secret,
            translation.get_language(),
            request.get_full_path(),
            *parts,
        )
    )
    return f"people:page:{PAGE_FORMAT}:" + hashlib.sha256(raw.encode()).hexdigest()


def _nonce(request: HttpRequest) -> bytes:
    nonce = getattr(request, "csp_nonce", None)
    return str(nonce).encode() if nonce is not None else b""


def cached_page(request: HttpRequest, key: str | None) -> HttpResponse | None:
    """The page kept under ``key``, with this response's nonce; None when there is none, or
    when the moment it was kept until has come."""
    entry = cache.get(key) if key else None
    if entry is None:
        return None
    content_type, body, until = entry
    if until is not None and timezone.now() >= until:
        return None
    return HttpResponse(body.replace(NONCE_PLACEHOLDER, _nonce(request)), content_type=content_type)


def keep_page(
    request: HttpRequest, key: str | None, response: HttpResponse, until: datetime.datetime | None = None
) -> HttpResponse:
    """Render ``response`` and keep it under ``key`` (a 200 answer only), with ``until``: the
    moment from which the page may change by the clock alone (None: it does not); returns it."""
    if hasattr(response, "render"):
        response.render()
    if key is None or response.status_code != 200:
        return response
    body = response.content
    nonce = _nonce(request)
    if nonce:
        body = body.replace(nonce, NONCE_PLACEHOLDER)
    cache.set(key, (response["Content-Type"], body, until), app_settings.JOUR_PAGE_CACHE_SECONDS)
    return response
