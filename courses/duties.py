"""What is waiting for a coordinator or a circle leader, for the admin's start page: the
sessions she leads in the coming days, and the registers of held sessions nobody has taken yet.
Selectors: one query each, whatever the number of runs and sessions."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from people.models import User

from .models import Attendance, Enrolment, MakeUp, Session

#: How far ahead the sessions she leads are listed.
LEAD_DAYS = 14
#: How many registers not yet taken are listed (the most recent first); the rest are counted.
REGISTERS_SHOWN = 10


def sessions_to_lead(person: User, now: datetime.datetime, days: int = LEAD_DAYS) -> QuerySet[Session]:
    """The sessions (not cancelled) of her organisation's runs that she leads (she is one of the
    run's circle leaders), starting from ``now`` to ``days`` days later, the first first."""
    return (
        Session.objects.not_cancelled()
        .filter(
            run__organisation_id=person.organisation_id,
            run__leaders=person,
            starts_at__gte=now,
            starts_at__lt=now + datetime.timedelta(days=days),
        )
        .select_related("run__course")
        .order_by("starts_at", "pk")
    )


def registers_not_taken(organisation_id: int | None, now: datetime.datetime) -> QuerySet[Session]:
    """The organisation's sessions that have ended, not cancelled, with people on the register
    (an enrolled participant, or someone making up the unit there) and not one mark: the
    registers nobody has taken, the most recent first."""
    on_register = Exists(Enrolment.objects.active().filter(run_id=OuterRef("run_id"))) | Exists(
        MakeUp.objects.filter(session_id=OuterRef("pk"))
    )
    marked = Exists(Attendance.objects.filter(session_id=OuterRef("pk")))
    return (
        Session.objects.not_cancelled()
        .filter(Q(run__organisation_id=organisation_id), ends_at__lte=now)
        .filter(on_register)
        .exclude(marked)
        .select_related("run__course")
        .order_by("-starts_at", "-pk")
    )
