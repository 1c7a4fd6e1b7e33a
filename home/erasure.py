"""Erasing a person (the right to erasure) while the organisation's figures stay the same.

The person's row is kept, anonymised, so that her attendance, completions, qualifications and
training hours still count in the aggregates of past and future reports; everything that
identifies her is removed: names, email, phone, password, sessions, calendar links,
authenticator devices, failed-login records, free-text notes about her, her certificates (a code
on a paper then checks as unknown), and the history rows that hold her old names and address.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from certifications.models import Certificate
from courses.models import Attendance, Enrolment, FeedToken, MakeUp
from jour_core.audit import audit
from jour_core.mail import forget_messages_to
from people.signals import end_sessions

ERASED_FIRST_NAME = "Raderad"
ERASED_LAST_NAME = "person"


class ErasureRefused(Exception):
    """The person cannot be erased this way (unknown, or a superuser)."""


@dataclass
class ErasurePlan:
    person_id: int
    counts: dict[str, int] = field(default_factory=dict)


def find_person(email: str):
    user_model = get_user_model()
    person = user_model._default_manager.filter(email__iexact=email.strip()).first()
    if person is None:
        raise ErasureRefused(f"No person with the email address {email!r}.")
    if person.is_superuser:
        raise ErasureRefused("A superuser cannot be erased this way; remove the superuser status first.")
    return person


def erased_email(person) -> str:
    return f"erased-{person.pk}@invalid.example"


def _axes_models():
    try:
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    except ImportError:  # pragma: no cover
        return []
    return [AccessAttempt, AccessFailureLog, AccessLog]


def _otp_devices(person):
    try:
        from django_otp import devices_for_user
    except ImportError:  # pragma: no cover
        return []
    return list(devices_for_user(person, confirmed=None))


def plan_erasure(person) -> ErasurePlan:
    """What erasing ``person`` would remove, counted (for the confirmation)."""
    user_model = get_user_model()
    counts = {
        "calendar links": FeedToken.objects.filter(person=person).count(),
        "make-up notes": MakeUp.objects.filter(enrolment__person=person).exclude(note="", led_by="").count(),
        "apology notes": Attendance.objects.filter(person=person).exclude(note="").count(),
        "authenticator devices": len(_otp_devices(person)),
        "certificates": Certificate.objects.filter(person=person).count(),
        "failed-login records": sum(
            m.objects.filter(username__iexact=person.email).count() for m in _axes_models()
        ),
    }
    if hasattr(user_model, "history"):
        counts["history rows"] = user_model.history.filter(id=person.pk).count()
    return ErasurePlan(person_id=person.pk, counts=counts)


@transaction.atomic
def erase_person(person) -> ErasurePlan:
    """Anonymise ``person`` in place and remove what identifies her; aggregates are unchanged."""
    if person.is_superuser:
        raise ErasureRefused("A superuser cannot be erased this way; remove the superuser status first.")
    plan = plan_erasure(person)
    user_model = get_user_model()
    old_email = person.email
    FeedToken.objects.filter(person=person).delete()
    forget_messages_to(old_email)
    for device in _otp_devices(person):
        device.delete()
    for model in _axes_models():
        model.objects.filter(username__iexact=old_email).delete()
    # Her certificates go, their history too: a code on a paper she kept is then unknown.
    certificates = list(Certificate.objects.filter(person=person).values_list("pk", flat=True))
    Certificate.objects.filter(pk__in=certificates).delete()
    Certificate.history.filter(id__in=certificates).delete()
    makeups = MakeUp.objects.filter(enrolment__person=person)
    makeups.update(note="", led_by="")
    if hasattr(MakeUp, "history"):
        MakeUp.history.filter(enrolment_id__in=Enrolment.objects.filter(person=person).values("pk")).update(
            note="", led_by=""
        )
    # Her own words with an apology; the marks themselves stay (they count).
    Attendance.objects.filter(person=person).exclude(note="").update(note="")
    Attendance.history.filter(person_id=person.pk).exclude(note="").update(note="")
    person.first_name, person.last_name = ERASED_FIRST_NAME, ERASED_LAST_NAME
    person.email, person.phone = erased_email(person), ""
    person.email_change_notice = False  # she is being erased: no notice to the old address
    person.is_active = False
    person.set_unusable_password()
    person.save()
    if hasattr(user_model, "history"):
        # Every earlier version holds her names and address; keep none of them.
        user_model.history.filter(id=person.pk).delete()
    end_sessions(person)
    audit("person.erased", None, user="-", person=person.pk)
    return plan
