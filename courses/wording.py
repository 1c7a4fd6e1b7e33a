"""A session's time in words, as a Swede writes it: "torsdag 4 mars 2027 kl. 18.00–20.30".

Local wall-clock time in the site's time zone (Europe/Stockholm); the words and the time's
separator come from the active language (``pgettext("time of day", "H:i")`` is "H.i" in
Swedish).
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def clock(moment: datetime.datetime) -> str:
    """ "18.00": the local time of day."""
    return date_format(timezone.localtime(moment), pgettext("time of day", "H:i"))


def day(moment: datetime.datetime, year: bool = True) -> str:
    """ "torsdag 4 mars 2027" (without the year: "torsdag 4 mars")."""
    return date_format(timezone.localtime(moment), "l j F Y" if year else "l j F")


def at(moment: datetime.datetime, year: bool = True) -> str:
    """ "torsdag 4 mars kl. 18.00"."""
    return _("%(day)s at %(time)s") % {"day": day(moment, year), "time": clock(moment)}


def span(starts_at: datetime.datetime, ends_at: datetime.datetime) -> str:
    """ "torsdag 4 mars 2027 kl. 18.00–20.30"; a session past midnight names both days."""
    if timezone.localtime(starts_at).date() != timezone.localtime(ends_at).date():
        return f"{at(starts_at)} – {at(ends_at)}"
    return _("%(day)s at %(start)s–%(end)s") % {
        "day": day(starts_at),
        "start": clock(starts_at),
        "end": clock(ends_at),
    }


def greeting(person) -> str:
    """ "Hej Anna," (a message goes to her alone, so her name is hers to see)."""
    if person.first_name:
        return _("Hello %(name)s,") % {"name": person.first_name}
    return _("Hello,")
