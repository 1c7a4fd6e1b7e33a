"""The audit log: one structured line per security-relevant event, on the ``audit`` logger.

Only ids, organisation ids, event names, the client address, counts and file kinds are
written; never passwords, tokens, feed URLs, session keys, names, emails or personnummer.
"""

from __future__ import annotations

import logging
import re

from django.apps import apps
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.urls import NoReverseMatch, reverse

from .auth import client_address

logger = logging.getLogger("audit")

# Field names that must never reach the log, whatever a caller passes.
FORBIDDEN = re.compile(r"pass|token|secret|session|key|url|personnummer|email|name", re.I)
SAFE_VALUE = re.compile(r"^[\w.:@/-]{0,80}$")


def client_ip(request) -> str:
    return client_address(request) or "-"


def _value(value: object) -> str:
    text = str(value)
    return text if SAFE_VALUE.match(text) else "-"


def audit(event: str, request=None, **fields: object) -> None:
    """Write ``event=<event> user=<id> org=<id> ip=<addr> key=value…`` to the audit log."""
    parts = [f"event={event}"]
    user = getattr(request, "user", None) if request is not None else None
    signed_in = user is not None and user.is_authenticated
    head: dict[str, object] = {"user": fields.pop("user", user.pk if signed_in else "-")}
    if "org" in fields or signed_in:
        head["org"] = fields.pop("org", getattr(user, "organisation_id", None) or "-")
    head["ip"] = client_ip(request)
    for key, value in {**head, **fields}.items():
        if FORBIDDEN.search(key):
            continue
        parts.append(f"{key}={_value(value)}")
    logger.info(" ".join(parts))


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs) -> None:
    audit("login.success", request, user=user.pk, org=getattr(user, "organisation_id", None) or "-")


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs) -> None:
    audit("logout", request, user=user.pk if user is not None else "-")


def _known_user_id(credentials: dict) -> object:
    username = credentials.get("username") or credentials.get("email")
    if not username:
        return "unknown"
    user_model = get_user_model()
    pk = (
        user_model._default_manager.filter(**{f"{user_model.USERNAME_FIELD}__iexact": username})
        .values_list("pk", flat=True)
        .first()
    )
    return pk if pk is not None else "unknown"


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    audit("login.failed", request, user=_known_user_id(credentials or {}))


if apps.is_installed("axes"):  # django-axes, when the host uses it for lockouts
    from axes.signals import user_locked_out

    @receiver(user_locked_out, dispatch_uid="audit_locked_out")
    def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
        audit("login.lockout", request, user=_known_user_id({"username": username}))


def _admin_denial(request, response) -> bool:
    """Wagtail's ``permission_denied`` answers a redirect to the admin home with an error
    message instead of a 403; that pair is what it looks like."""
    if response.status_code != 302:
        return False
    try:
        home = reverse("wagtailadmin_home")
    except NoReverseMatch:  # pragma: no cover
        return False
    if response.get("Location") != home or request.path == home:
        return False
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", [])
    return any(message.level == messages.ERROR for message in queued)


class AuditDeniedMiddleware:
    """Log every 403 answered to a signed-in person, and the admin's permission denials."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if response.status_code == 403:
                audit("access.denied", request, status=403, method=request.method)
            elif _admin_denial(request, response):
                audit("access.denied", request, status="admin", method=request.method)
        return response
