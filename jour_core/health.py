"""``/healthz`` and ``/readyz``, for a load balancer, systemd or a monitor.

- ``/healthz``: the process answers (200 ``ok``). Nothing else is touched: no database, no
  session, no cookie.
- ``/readyz``: the process can serve: the database answers, the cache keeps a value and gives
  it back, and no migration is left to apply. 200 when all three hold, else 503; both with a
  JSON body naming each check's outcome (an exception's class, never its message, which could
  name a host or a user). Once the migrations have been found applied, a process does not look
  again (they do not come undone under a running process).

A middleware answers them, near the top of ``MIDDLEWARE``: before the host is validated (a
balancer probes by address, which ALLOWED_HOSTS need not list), before the redirect to HTTPS
(a balancer probes over plain HTTP) and before the session and authentication, so a probe costs
no query and sets no cookie. Neither answer may be cached.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"

_migrations_applied = False


def database_check() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def cache_check() -> str:
    # A key of its own: probes from several workers and balancers at once must not overwrite
    # each other's value (with one key, 691 of 900 concurrent probes failed).
    value = secrets.token_hex(8)
    key = f"readyz:probe:{value}"
    cache.set(key, value, 30)
    came_back = cache.get(key) == value
    cache.delete(key)
    return "ok" if came_back else "failed: the value did not come back"


def migrations_check() -> str:
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if unapplied:
            return f"failed: {len(unapplied)} unapplied"
        _migrations_applied = True
    return "ok"


CHECKS: dict[str, Callable[[], str]] = {
    "database": database_check,
    "cache": cache_check,
    "migrations": migrations_check,
}


def readiness() -> dict[str, str]:
    """Each check's outcome: "ok" or "failed: ..." (the migrations are not looked at without a
    database)."""
    outcome: dict[str, str] = {}
    for name, check in CHECKS.items():
        if name == "migrations" and outcome["database"] != "ok":
            outcome[name] = "not checked: no database"
            continue
        try:
            outcome[name] = check()
        except Exception as error:  # a check fails by raising whatever its backend raises
            outcome[name] = f"failed: {type(error).__name__}"
            # The answer names the class only; the operator finds the message in the log.
            logger.warning("readyz: the %s check failed", name, exc_info=True)
    return outcome


def _uncached(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def health_response(path: str) -> HttpResponse | None:
    """The answer to a probe, or None for any other path."""
    if path == HEALTH_PATH:
        return _uncached(HttpResponse("ok", content_type="text/plain; charset=utf-8"))
    if path == READY_PATH:
        checks = readiness()
        ready = all(result == "ok" for result in checks.values())
        body = json.dumps({"status": "ready" if ready else "not ready", "checks": checks})
        return _uncached(HttpResponse(body, content_type="application/json", status=200 if ready else 503))
    return None


class HealthCheckMiddleware:
    """Answers ``/healthz`` and ``/readyz`` before the rest of the middleware runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            response = health_response(request.path_info)
            if response is not None:
                return response
        return self.get_response(request)
