"""Logs as one JSON object per line, each with the id of the request it belongs to.

:class:`RequestLogMiddleware`, first in ``MIDDLEWARE``, gives every request an id (the
``X-Request-ID`` a trusted reverse proxy sent, when it is a sane token, else a new one), sends it
back as ``X-Request-ID``, keeps it where every log line of the request finds it, and writes one
access line per request (logger ``jour_core.access``, INFO): method, path, route, status,
duration_ms. :class:`JsonFormatter` writes each record as one JSON object: time, level, logger,
message, request_id, pid, those request fields when the record has them, and an exception as one
field. Production uses it (``LOG_FORMAT=json``, the default there); development writes text.

Never logged: query strings, cookies, headers, form fields. A path that carries a secret (a
calendar feed's token, a password reset link, a check-in or certificate code) is logged with the
secret replaced by its name, e.g. ``/kurser/kalender/<token>.ics``; a path that resolves to no
such view but starts like one (``/kurser/kalender/<token>`` without ``.ics``, which Django
redirects or Wagtail answers 404) is cut after that start: ``/kurser/kalender/<redacted>``. Both
formatters, JSON and text, apply the same to Django's own lines about a request.
"""

from __future__ import annotations

import contextvars
import datetime
import functools
import json
import logging
import os
import re
import time
import uuid
from collections.abc import Callable

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from jour_core.conf import app_settings
from jour_core.health import HEALTH_PATH, READY_PATH

access_logger = logging.getLogger("jour_core.access")

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# URL arguments that are secrets: replaced by their name in a logged path.
SECRET_URL_ARGUMENTS = frozenset({"token", "uidb64", "code"})
REQUEST_FIELDS = ("method", "path", "route", "status", "duration_ms")


def new_request_id(request: HttpRequest) -> str:
    """The proxy's X-Request-ID when a proxy is trusted and the id is sane, else a new one."""
    offered = request.META.get("HTTP_X_REQUEST_ID", "")
    if app_settings.JOUR_TRUSTED_PROXY_COUNT > 0 and SANE_REQUEST_ID.fullmatch(offered):
        return offered
    return uuid.uuid4().hex


def _secret_starts(patterns, start: str = "/") -> list[str]:
    starts = []
    for entry in patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue  # regular expressions (Wagtail's pages): no secrets of ours there
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            starts += _secret_starts(entry.url_patterns, start + route)
        elif isinstance(entry, URLPattern) and SECRET_URL_ARGUMENTS & entry.pattern.converters.keys():
            starts.append(start + route[: route.index("<")])
    return starts


@functools.cache
def secret_starts() -> tuple[str, ...]:
    """The literal start of every URL whose path carries a secret (``/kurser/kalender/``,
    ``/accounts/reset/``, ...), read once from the URL configuration, longest first."""
    return tuple(sorted(set(_secret_starts(get_resolver().url_patterns)), key=len, reverse=True))


def logged_path(request: HttpRequest) -> str:
    """The request's path without its query string: its secret URL arguments by name, or, when
    it did not resolve to the view that takes them, cut after the start such a URL has."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    secrets = {
        name: str(value)
        for name, value in (match.kwargs.items() if match else ())
        if name in SECRET_URL_ARGUMENTS
    }
    for name, value in secrets.items():
        if value:
            path = path.replace(value, f"<{name}>")
    if secrets or (match is not None and match.url_name != "wagtail_serve"):
        return path  # a view of its own took it (Wagtail's pages are the catch-all)
    script = path[: len(path) - len(request.path_info)]
    for start in secret_starts():
        if request.path_info.startswith(start) and len(request.path_info) > len(start):
            return script + start + "<redacted>"
    return path


def _redact(record: logging.LogRecord) -> None:
    """Django's lines about a request (django.request, django.security) name its path: the path
    as :func:`logged_path` gives it, in either formatter."""
    request = getattr(record, "request", None)
    if isinstance(request, HttpRequest) and not getattr(record, "redacted", False):
        message = record.getMessage()
        if request.path in message:
            record.msg, record.args = message.replace(request.path, logged_path(request)), ()
        record.redacted = True


class RequestLogMiddleware:
    """The request id, and the access line once the response is made."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        # Kept until the response is closed (request_finished): Django's own line about a 4xx or
        # 5xx answer (django.request) is written after the middleware has returned.
        request_id.set(new_request_id(request))
        response = self.get_response(request)
        response["X-Request-ID"] = request_id.get()
        self.log(request, response.status_code, started)
        return response

    def log(self, request: HttpRequest, status: int, started: float) -> None:
        match = getattr(request, "resolver_match", None)
        fields = {
            "method": request.method,
            "path": logged_path(request),
            "route": match.view_name if match else None,
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        }
        # A balancer's probes every few seconds would bury the rest: only their failures at INFO.
        probe = request.path_info in (HEALTH_PATH, READY_PATH) and status == 200
        level = logging.DEBUG if probe else logging.INFO
        access_logger.log(level, "%s %s %s", fields["method"], fields["path"], status, extra=fields)


def forget_request_id(**kwargs) -> None:
    request_id.set(None)


request_finished.connect(forget_request_id, dispatch_uid="jour_core.logs.forget_request_id")


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        _redact(record)
        message = record.getMessage()
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": message,
            "request_id": request_id.get(),
            "pid": os.getpid(),
        }
        entry.update({name: getattr(record, name) for name in REQUEST_FIELDS if hasattr(record, name)})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """Development's lines: time, level, logger, the request id when there is one, message."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(request_tag)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        _redact(record)
        current = request_id.get()
        record.request_tag = f" [{current[:8]}]" if current else ""
        return super().format(record)
