"""Reasons and warnings of the clearance engine in plain words (Swedish in the UI).

The confidentiality pledge never "expires": it is given and renewed as a routine. Its reason
and warning (``renewal_due``, ``renew_by``) say so, in the words of :func:`renewal_due` and
:func:`renew_by`, wherever a pledge is described (the board, My training, the home panel, the
reminders)."""

import datetime

from django.utils.translation import gettext as _

from jour_core.numbers import number

from .clearance import EXPIRING, RENEW_BY, RENEWAL_DUE, Reason


def renewal_due(last_renewed: datetime.date) -> str:
    """A lapsed pledge: due for renewal, given or last renewed on ``last_renewed``."""
    return _("The confidentiality pledge is due for renewal (last renewed %(date)s)") % {
        "date": last_renewed.isoformat()
    }


def renew_by(day: datetime.date) -> str:
    """A pledge that is to be renewed by ``day``."""
    return _("The confidentiality pledge: renew by %(date)s") % {"date": day.isoformat()}


def describe(reason: Reason, window_months: int | None = None) -> str:
    day = reason.on.isoformat() if reason.on else ""
    if reason.code == "inactive":
        return _("Not an active member on this date")
    if reason.code == "missing":
        return _("%(type)s is missing") % {"type": reason.type_name}
    if reason.code == "revoked":
        return _("%(type)s was revoked %(date)s") % {"type": reason.type_name, "date": day}
    if reason.code == "expired":
        return _("%(type)s expired %(date)s") % {"type": reason.type_name, "date": day}
    if reason.code == RENEWAL_DUE:
        return renewal_due(reason.on)
    if reason.code == EXPIRING:
        return _("%(type)s expires %(date)s") % {"type": reason.type_name, "date": day}
    if reason.code == RENEW_BY:
        return renew_by(reason.on)
    if reason.code == "hours":
        return _("%(have)s of %(need)s hours of continuing education in the last %(months)s months") % {
            "have": number(reason.have),
            "need": number(reason.need),
            "months": window_months or 12,
        }
    return str(reason)
