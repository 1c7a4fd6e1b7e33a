"""Reminders before a required qualification expires (a confidentiality pledge: before it is to be
renewed): 60, 30 and 7 days before, once per step."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jour_core.mail import queue_email
from people.models import User
from people.permissions import COORDINATORS_GROUP

from .clearance import EXPIRING, RENEW_BY, Reason
from .describe import describe
from .models import Qualification, ReminderSent, ShiftRoleRequirement

STEPS = (60, 30, 7)


@dataclass(frozen=True)
class Due:
    qualification: Qualification
    step: int


def due_reminders(today: datetime.date) -> list[Due]:
    """The reminders due today: for each person and type required of her (by a shift role, and
    applying to her member groups: ``applicability.py``), the latest expiry among her valid
    qualifications, if it falls within 60 days, at the smallest step not yet passed."""
    required = ShiftRoleRequirement.objects.filter(qualification_type=OuterRef("type"))
    candidates = (
        Qualification.objects.valid_on(today)
        .filter(Exists(required), person__is_active=True)
        .select_related("person", "type__organisation")
        .order_by("person_id", "type_id", "-expires_on")
    )
    latest: dict[tuple[int, int], Qualification | None] = {}
    for qualification in candidates:
        key = (qualification.person_id, qualification.type_id)
        if key in latest or not qualification.type.applies_to_person(qualification.person.member_groups):
            continue
        latest[key] = qualification
    sent = set(
        ReminderSent.objects.filter(qualification__in=[q for q in latest.values() if q]).values_list(
            "qualification_id", "days_before", "expires_on"
        )
    )
    due = []
    for qualification in latest.values():
        if qualification is None or qualification.expires_on is None:
            continue  # a valid one that never expires
        days_left = (qualification.expires_on - today).days
        if not 0 < days_left <= STEPS[0]:
            continue
        step = min(s for s in STEPS if days_left <= s)
        if (qualification.pk, step, qualification.expires_on) not in sent:
            due.append(Due(qualification, step))
    return due


@transaction.atomic
def send_reminders(today: datetime.date | None = None) -> int:
    """Email each person, and her organisation's coordinators (one message each), about what
    expires (a confidentiality pledge: what is to be renewed; it never expires), through the
    task queue. Idempotent."""
    today = today or timezone.localdate()
    due = due_reminders(today)
    if not due:
        return 0
    messages = []
    by_organisation = defaultdict(list)
    with translation.override(settings.LANGUAGE_CODE):
        for item in due:
            q = item.qualification
            messages.append((q.person.email, *_to_person(q, today)))
            by_organisation[q.type.organisation_id].append(item)
        coordinators = defaultdict(list)
        for user in User.objects.filter(
            organisation_id__in=by_organisation, groups__name=COORDINATORS_GROUP, is_active=True
        ):
            coordinators[user.organisation_id].append(user.email)
        for organisation_id, items in by_organisation.items():
            if coordinators[organisation_id]:
                qualifications = sorted((i.qualification for i in items), key=lambda q: q.expires_on)
                subject, body = _to_coordinators(qualifications)
                messages.extend((email, subject, body) for email in coordinators[organisation_id])
    ReminderSent.objects.bulk_create(
        ReminderSent(qualification=i.qualification, days_before=i.step, expires_on=i.qualification.expires_on)
        for i in due
    )
    # On the queue in this transaction: with the database backend the messages are rows of it,
    # so they leave once the ReminderSent rows are committed, and never without them.
    for to, subject, body in messages:
        queue_email(to, subject, body)
    return len(due)


def _to_person(q: Qualification, today: datetime.date) -> tuple[str, str]:
    """The subject and body of the reminder to the person herself: the words of the clearance
    board's warning, then what to do."""
    words = {
        "name": q.person.first_name,
        "type": q.type.name,
        "date": q.expires_on.isoformat(),
        "issued": q.issued_on.isoformat(),
        "days": (q.expires_on - today).days,
    }
    if q.type.is_pledge:
        subject = describe(Reason(RENEW_BY, q.type.name, on=q.expires_on))
        body = _(
            "Hello %(name)s,\n\nyour confidentiality pledge was last renewed %(issued)s and is to be "
            "renewed by %(date)s (%(days)d days from now). Please talk to your coordinator about "
            "renewing it, so that you can keep working your shifts.\n"
        )
    else:
        subject = describe(Reason(EXPIRING, q.type.name, on=q.expires_on))
        body = _(
            "Hello %(name)s,\n\nyour %(type)s is valid until %(date)s (%(days)d days from now). "
            "Please talk to your coordinator about renewing it, so that you can keep working "
            "your shifts.\n"
        )
    return subject, body % words


def _to_coordinators(qualifications: list[Qualification]) -> tuple[str, str]:
    """The subject and body of the coordinators' list: what expires, then the pledges to renew."""
    expiring = [
        f"- {_email_name(q.person)}: {q.type.name} {q.expires_on}"
        for q in qualifications
        if not q.type.is_pledge
    ]
    renewing = [f"- {_email_name(q.person)}: {_renew_by(q)}" for q in qualifications if q.type.is_pledge]
    parts = []
    if expiring:
        parts.append(
            _("These required qualifications expire soon:\n\n%(lines)s\n") % {"lines": "\n".join(expiring)}
        )
    if renewing:
        parts.append(
            _("These confidentiality pledges are to be renewed soon:\n\n%(lines)s\n")
            % {"lines": "\n".join(renewing)}
        )
    count = len(qualifications)
    if renewing:
        subject = ngettext(
            "%(count)d qualification to renew soon", "%(count)d qualifications to renew soon", count
        ) % {"count": count}
    else:
        subject = ngettext(
            "%(count)d qualification expiring soon", "%(count)d qualifications expiring soon", count
        ) % {"count": count}
    return subject, "\n".join(parts)


def _renew_by(q: Qualification) -> str:
    return _("%(type)s, renew by %(date)s") % {"type": q.type.name, "date": q.expires_on.isoformat()}


def _email_name(person: User) -> str:
    """Names of people with a protected identity never leave the register."""
    if person.protected_identity:
        return _("a person with a protected identity (see the register)")
    return person.get_full_name() or person.email
