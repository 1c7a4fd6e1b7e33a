"""The login lockout's two limits, as a django-axes handler (``AXES_HANDLER``).

1. **One account from one address**: ``AXES_FAILURE_LIMIT`` failures (5) for one username from
   one address lock that pair (``AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]``).
   Wrong passwords typed elsewhere, by anyone, never lock a person out at her own address.
2. **One address, every account**: ``JOUR_ADDRESS_FAILURE_LIMIT`` failures (20) from one
   address, whatever the usernames, lock that address for every account, so that one address
   cannot try a few passwords on every account in turn.

Both count the failures within ``AXES_COOLOFF_TIME``; a successful login clears its own pair
only (``AXES_RESET_ON_SUCCESS``), never the address's count, so an attacker with one account of
her own cannot reset the address limit by logging in to it.

This module imports django-axes: only a host that uses axes names it (``AXES_HANDLER =
"jour_core.lockout.PairAndAddressHandler"``).
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.db.models import Sum

from .conf import app_settings


def address_failures(request) -> int:
    """Failed logins from the request's address within the cool-off, whatever the username."""
    attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
    if get_cool_off(request) is not None:  # without a cool-off, a lockout lasts until reset
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class PairAndAddressHandler(AxesDatabaseHandler):
    """django-axes' database handler, with the address limit on top of the pair limit.

    Axes compares one number, :meth:`get_failures`, with ``AXES_FAILURE_LIMIT``; this handler
    answers the pair's failures, or at least that limit once the address has reached its own
    (higher) limit. Everything else (records, cool-off, reset on success, the lockout signal and
    page) is axes' own.
    """

    def get_failures(self, request, credentials: dict | None = None) -> int:
        pair = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        if pair >= limit:
            return pair
        if address_failures(request) >= app_settings.JOUR_ADDRESS_FAILURE_LIMIT:
            return limit
        return pair
