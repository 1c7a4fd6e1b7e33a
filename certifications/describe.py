"""Reasons and warnings of the clearance engine in plain words (Swedish in the UI)."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .clearance import Reason
from .dates import format_hours


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
    if reason.code == "expiring":
        return _("%(type)s expires %(date)s") % {"type": reason.type_name, "date": day}
    if reason.code == "hours":
        return _("%(have)s of %(need)s hours of continuing education in the last %(months)s months") % {
            "have": number_format(format_hours(reason.have)),
            "need": number_format(format_hours(reason.need)),
            "months": window_months or 12,
        }
    return str(reason)
