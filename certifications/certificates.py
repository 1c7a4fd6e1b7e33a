"""Certificates (intyg) of completed courses: who may have one, what it states, its code, how it
is checked and revoked. Plain functions; the PDF is ``certificate_pdf.py``, the views thin.

- **Who.** A completion of any course (the study circle, continuing education, self-paced or
  not, recorded by any path) gives one certificate, unless the completion is flagged for the
  coordinator to check (``Completion.flagged``): then none is issued or served until it is
  cleared.
- **When.** The certificate is issued the first time it is downloaded (by her, or by a
  coordinator of the course's organisation), not when the course is completed: one code path
  for completions recorded before certificates existed and for every way a completion is
  recorded (runs, self-paced lessons, imports), and no live codes for papers nobody asked for.
- **What.** ``details`` keeps what the certificate states as it was on the day it was issued:
  the course, the units she attended or made up (a run) or all the course's units (self-paced,
  imported) with their hours and total, the first and last day (a run: the first and last
  session or make-up she attended; otherwise the completion date), the organisation. Her name is
  not kept there: it is read from the register when the PDF is made (a name change shows on the
  next download).
- **The code.** 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L), random
  (``secrets``): 31^12, about 2^59 codes; printed in groups of four. Typed codes are read
  case-insensitively, spaces and dashes ignored.
- **Once.** One certificate per completion, ever: a revoked one is not replaced by the next
  download (revoking is the coordinator's decision and the holder cannot undo it).
- **Checking** (:func:`verify`): the course, the dates, the organisation and the holder's
  initials; for a protected identity no initials at all.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from courses.completion import progress_for_enrolments
from courses.models import Completion, CourseKind, CourseUnit
from jour_core.scoping import can_see_organisation

from .models import Certificate

#: The characters a code is made of: no 0/O, 1/I/L, so a code read from paper is typed right.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
#: What may stand between a typed code's characters and is ignored.
SEPARATORS = " -–_.\t"


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalised_code(typed: str) -> str:
    """A typed code as stored: upper case, without spaces and dashes. Whatever is typed gives a
    string (an impossible code is looked up like any other and found nowhere)."""
    text = (typed or "")[:64].upper()
    return "".join(ch for ch in text if ch not in SEPARATORS)


def certificate_details(completion: Completion) -> dict:
    """What the certificate of ``completion`` states (module docstring), as JSON-ready values."""
    course = completion.course
    units = {unit.number: unit for unit in CourseUnit.objects.filter(course_id=course.pk)}
    days: list[datetime.date] = []
    numbers = sorted(units)
    if completion.enrolment_id is not None and not course.self_paced:
        (progress,) = progress_for_enrolments([completion.enrolment])
        done = [unit for unit in progress.units if unit.is_satisfied and unit.number in units]
        numbers = [unit.number for unit in done]
        days = [unit.satisfied_on for unit in done if unit.satisfied_on is not None]
    days = days or [completion.completed_on]
    listed = [units[number] for number in numbers]
    return {
        "course": course.title,
        "kind": course.kind,
        "self_paced": course.self_paced,
        "units": [{"number": u.number, "title": u.title, "hours": str(u.hours)} for u in listed],
        "total_hours": str(sum((u.hours for u in listed), Decimal(0))),
        "first_day": min(days).isoformat(),
        "last_day": max(days).isoformat(),
        "completed_on": completion.completed_on.isoformat(),
        "organisation": course.organisation.name,
    }


def issue_certificate(completion: Completion, by=None) -> Certificate | None:
    """The certificate of ``completion``: the one issued before (revoked or not), or a new one
    issued now by ``by``. ``None`` while the completion is flagged and none was issued."""
    existing = Certificate.objects.filter(completion=completion).first()
    if existing is not None or completion.flagged:
        return existing
    details = certificate_details(completion)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    completion=completion,
                    person_id=completion.person_id,
                    organisation_id=completion.course.organisation_id,
                    code=new_code(),
                    details=details,
                    issued_by=by if getattr(by, "pk", None) else None,
                )
        except IntegrityError:
            # Issued at the same moment by another request, or (once in 2^59) a code taken.
            existing = Certificate.objects.filter(completion=completion).first()
            if existing is not None:
                return existing
    raise RuntimeError("could not issue a certificate")


def completion_for_download(user, completion_pk: int) -> Completion | None:
    """The completion whose certificate ``user`` may download: her own; or, for a coordinator
    (``certifications.view_certificate``) of the course's organisation, anyone's but a protected
    identity's (her certificate carries her name: it goes to her alone). Not while the
    completion is flagged. ``None`` otherwise (the view answers 404, as for no completion)."""
    completion = (
        Completion.objects.filter(pk=completion_pk, flagged=False)
        .select_related("course__organisation", "person", "enrolment__run__course")
        .first()
    )
    if completion is None or not user.is_authenticated:
        return None
    if completion.person_id == user.pk:
        return completion
    if (
        user.has_perm("jour_certifications.view_certificate")
        and can_see_organisation(user, completion.course.organisation_id)
        and not completion.person.protected_identity
    ):
        return completion
    return None


def initials(person) -> str:
    """ "A. K." from Anna Karlsson; empty for a protected identity (nothing of her name)."""
    if person.protected_identity:
        return ""
    letters = [part[0].upper() for part in (person.first_name.strip(), person.last_name.strip()) if part]
    return " ".join(f"{letter}." for letter in letters)


@dataclass(frozen=True)
class Verification:
    """What the public page says of a code that was found."""

    course: str
    kind: str
    first_day: datetime.date
    last_day: datetime.date
    organisation: str
    initials: str  # empty for a protected identity
    revoked_on: datetime.date | None

    @property
    def is_valid(self) -> bool:
        return self.revoked_on is None

    @property
    def is_continuing(self) -> bool:
        return self.kind == CourseKind.CONTINUING


def verify(typed: str) -> Verification | None:
    """The public answer for a typed code (one query, found or not); ``None`` when no
    certificate has that code."""
    code = normalised_code(typed)
    certificate = (
        Certificate.objects.filter(code=code)
        .select_related("person")
        .only(
            "details", "revoked_at", "person__first_name", "person__last_name", "person__protected_identity"
        )
        .first()
    )
    if certificate is None:
        return None
    details = certificate.details
    revoked = certificate.revoked_at
    return Verification(
        course=details["course"],
        kind=details["kind"],
        first_day=datetime.date.fromisoformat(details["first_day"]),
        last_day=datetime.date.fromisoformat(details["last_day"]),
        organisation=details["organisation"],
        initials=initials(certificate.person),
        revoked_on=timezone.localdate(revoked) if revoked else None,
    )


def revoke_certificate(certificate: Certificate, by, reason: str) -> bool:
    """Revoke ``certificate`` now (kept in its history as ``by``'s change). False when it was
    revoked already (the first revocation stands)."""
    reason = reason.strip()
    if not reason:
        raise ValueError("a reason is required")
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.revoked_at is not None:
            return False
        locked.revoked_at, locked.revoked_by, locked.revoke_reason = timezone.now(), by, reason[:300]
        locked._history_user = by
        locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    certificate.refresh_from_db()
    return True


@dataclass(frozen=True)
class CertificateEntry:
    """One completed course of hers on My training, and its certificate: ``state`` is
    ``"ready"`` (download), ``"revoked"`` or ``"checking"`` (the completion is flagged)."""

    completion: Completion
    certificate: Certificate | None

    @property
    def state(self) -> str:
        if self.certificate is not None and self.certificate.is_revoked:
            return "revoked"
        if self.completion.flagged:
            return "checking"
        return "ready"


def certificate_entries(completions: list[Completion]) -> list[CertificateEntry]:
    """Her completions (as given, in order) with their certificates: one query."""
    issued = {
        c.completion_id: c for c in Certificate.objects.filter(completion__in=[c.pk for c in completions])
    }
    return [CertificateEntry(completion, issued.get(completion.pk)) for completion in completions]
