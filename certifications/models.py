"""Qualifications, external continuing education and shift roles."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from simple_history.models import HistoricalRecords
from wagtail.models import Orderable

from jour_core.scoping import OrganisationScopedQuerySet
from jour_core.versions import VersionedQuerySet
from people.bounds import (
    MAX_HOURS,
    MAX_MONTHS,
    MaxValue,
    MinValue,
    validate_date_in_range,
    validate_expiry_in_range,
)

from . import validity
from .applicability import applies, groups_display, normalised, validate_member_groups
from .dates import add_months


class ScopedQuerySet(OrganisationScopedQuerySet):
    organisation_lookup = "organisation"


class QualificationType(models.Model):
    """A kind of qualification, e.g. Grundutbildning (by completing the study circle) or
    Tystnadslöfte (the confidentiality pledge, attested by a coordinator). ``applies_to``: the
    member groups it is required of, empty for everyone (``certifications/applicability.py``)."""

    organisation = models.ForeignKey(
        "jour_people.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    valid_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_MONTHS)],
        help_text=_("Empty: never expires."),
    )
    granted_by_course = models.ForeignKey(
        "jour_courses.CoursePage",
        verbose_name=_("granted by completing"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: attested by a coordinator."),
    )
    is_pledge = models.BooleanField(
        _("confidentiality pledge"),
        default=False,
        help_text=_(
            "The competence report counts this type as the confidentiality pledge (one type at most)."
        ),
    )
    applies_to = models.JSONField(
        _("applies to"),
        default=list,
        blank=True,
        validators=[validate_member_groups],
        help_text=_("The member groups a shift role requires it of. None ticked: all groups."),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("qualification type")
        verbose_name_plural = _("qualification types")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="one_type_name_per_org"),
            models.UniqueConstraint(
                fields=["organisation"], condition=models.Q(is_pledge=True), name="one_pledge_type_per_org"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if isinstance(self.applies_to, list):
            self.applies_to = normalised(self.applies_to)
        super().save(*args, **kwargs)

    def applies_to_person(self, member_groups) -> bool:
        """Whether the type is required of a person in ``member_groups`` (``applicability.py``)."""
        return applies(self.applies_to, member_groups)

    def applies_to_display(self) -> str:
        return groups_display(self.applies_to)

    applies_to_display.short_description = _("applies to")

    def clean(self) -> None:
        course = self.granted_by_course
        if course is not None and self.organisation_id and course.organisation_id != self.organisation_id:
            raise ValidationError({"granted_by_course": _("The course belongs to another organisation.")})

    def default_expiry(self, issued_on: datetime.date) -> datetime.date | None:
        return add_months(issued_on, self.valid_months) if self.valid_months else None


class QualificationSource(models.TextChoices):
    COURSE = "course_completion", _("Course completion")
    ATTESTATION = "attestation", _("Attested by a coordinator")
    IMPORT = "import", _("Import")


class QualificationQuerySet(OrganisationScopedQuerySet):
    organisation_lookup = "type__organisation"

    def valid_on(self, day: datetime.date) -> QualificationQuerySet:
        return self.filter(validity.valid_on(day))


class Qualification(models.Model):
    """A qualification a person holds. Every change is kept in ``history``."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="jour_qualifications",
    )
    type = models.ForeignKey(
        QualificationType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="qualifications"
    )
    issued_on = models.DateField(_("issued on"), validators=[validate_date_in_range])
    expires_on = models.DateField(
        _("expires on"),
        null=True,
        blank=True,
        validators=[validate_expiry_in_range],
        help_text=_("Computed from the type's validity when left empty."),
    )
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True, validators=[validate_date_in_range])
    revoke_reason = models.CharField(_("reason for revoking"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=30, choices=QualificationSource.choices)
    completion = models.ForeignKey(
        "jour_courses.Completion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="qualifications",
    )
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("signed document"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = QualificationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_on"]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        indexes = [models.Index(fields=["person", "type", "issued_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=models.F("issued_on")),
                name="qualification_expires_after_issue",
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} – {self.person} ({self.issued_on})"

    def save(self, *args, **kwargs) -> None:
        if self.expires_on is None and self._state.adding:
            self.expires_on = self.type.default_expiry(self.issued_on)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.expires_on and self.issued_on and self.expires_on < self.issued_on:
            raise ValidationError({"expires_on": _("A qualification cannot expire before it is issued.")})
        if self.revoked_on and not self.revoke_reason.strip():
            raise ValidationError({"revoke_reason": _("Give a reason for revoking.")})


class TrainingRecordQuerySet(ScopedQuerySet):
    def live(self) -> TrainingRecordQuerySet:
        return self.filter(deleted_at__isnull=True)

    def deleted(self) -> TrainingRecordQuerySet:
        return self.filter(deleted_at__isnull=False)


class LiveTrainingRecordManager(models.Manager.from_queryset(TrainingRecordQuerySet)):
    """The default manager: records in the trash are left out everywhere they would count
    (clearance, the report, lists, exports, a person's ``training_records``)."""

    def get_queryset(self) -> TrainingRecordQuerySet:
        return super().get_queryset().live()


class TrainingRecord(models.Model):
    """Continuing education held elsewhere, entered once for everyone who attended.

    Deleting one in the admin moves it to the trash (``deleted_at``); the coordinator can
    restore it. ``objects`` sees only live records, ``all_objects`` the trash as well.
    """

    organisation = models.ForeignKey(
        "jour_people.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    date = models.DateField(_("date"), validators=[validate_date_in_range])
    hours = models.DecimalField(
        _("hours"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValue(Decimal("0.25")), MaxValue(MAX_HOURS)],
    )
    theme = models.ForeignKey(
        "jour_courses.Theme",
        verbose_name=_("theme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("What it was about, for the competence plan."),
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("attended"), related_name="jour_training_records", blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = LiveTrainingRecordManager()
    all_objects = TrainingRecordQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        ordering = ["-date", "title"]
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        indexes = [models.Index(fields=["organisation", "deleted_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.date})"

    def clean(self) -> None:
        super().clean()
        theme = self.theme
        if theme is not None and self.organisation_id and theme.organisation_id != self.organisation_id:
            raise ValidationError({"theme": _("The theme belongs to another organisation.")})

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def soft_delete(self, by) -> None:
        """Move the record to the trash; it stops counting at once. Kept in the history."""
        self.deleted_at, self.deleted_by = timezone.now(), by
        self._history_user = by
        self.save(update_fields=["deleted_at", "deleted_by"])

    def restore(self, by) -> None:
        """Take the record out of the trash; it counts again. Kept in the history."""
        self.deleted_at, self.deleted_by = None, None
        self._history_user = by
        self.save(update_fields=["deleted_at", "deleted_by"])


class ShiftRole(ClusterableModel):
    """A shift role (jourroll), e.g. Telefonjour, and what it requires (a jourpass is one shift)."""

    organisation = models.ForeignKey(
        "jour_people.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    min_training_hours = models.DecimalField(
        _("minimum continuing-education hours"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValue(0), MaxValue(MAX_HOURS)],
    )
    training_window_months = models.PositiveSmallIntegerField(
        _("within the last (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_MONTHS)],
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0, validators=[MaxValueValidator(1000)])

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("shift role")
        verbose_name_plural = _("shift roles")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="one_role_name_per_org")]

    def __str__(self) -> str:
        return self.name


class ShiftRoleRequirement(Orderable):
    role = ParentalKey(ShiftRole, on_delete=models.CASCADE, related_name="requirements")
    qualification_type = models.ForeignKey(
        QualificationType, verbose_name=_("qualification type"), on_delete=models.PROTECT, related_name="+"
    )

    objects = VersionedQuerySet.as_manager()

    class Meta(Orderable.Meta):
        verbose_name = _("required qualification")
        verbose_name_plural = _("required qualifications")

    def __str__(self) -> str:
        return str(self.qualification_type)


class ReminderSent(models.Model):
    """A reminder step (60, 30 or 7 days) sent for one qualification, so it is never sent twice."""

    qualification = models.ForeignKey(Qualification, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    expires_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["qualification", "days_before", "expires_on"], name="one_reminder_per_step"
            )
        ]

    def __str__(self) -> str:
        return f"{self.qualification} – {self.days_before}"


class FrozenReport(models.Model):
    """A competence report as it was on the day the board froze it: the figures, the narrative
    and every file, stored unchanged so it downloads byte for byte the same years later."""

    organisation = models.ForeignKey(
        "jour_people.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    external = models.BooleanField(_("external version"), default=False)
    data = models.JSONField(_("figures"))
    json_file = models.BinaryField()
    xlsx_file = models.BinaryField()
    csv_file = models.BinaryField()
    html_file = models.BinaryField()
    pdf_file = models.BinaryField()
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("frozen by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    frozen_at = models.DateTimeField(_("frozen at"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-frozen_at"]
        verbose_name = _("frozen report")
        verbose_name_plural = _("frozen reports")

    def __str__(self) -> str:
        return f"{self.organisation} {self.start}–{self.end}"

    FILES = {
        "pdf": "pdf_file",
        "json": "json_file",
        "xlsx": "xlsx_file",
        "csv": "csv_file",
        "html": "html_file",
    }


class CertificateQuerySet(OrganisationScopedQuerySet):
    organisation_lookup = "organisation"

    def live(self) -> CertificateQuerySet:
        return self.filter(revoked_at__isnull=True)


class Certificate(models.Model):
    """A certificate (intyg) of a completed course, issued the first time it is downloaded
    (``certifications/certificates.py``). What it states (the course, the units and their hours,
    the dates, the organisation) is kept in ``details`` as it was on that day; the holder's name
    is read from the register whenever the PDF is made. One per completion, ever: a revoked
    certificate is never replaced by a new one. Every change is kept in ``history``."""

    completion = models.OneToOneField(
        "jour_courses.Completion",
        verbose_name=_("completion"),
        on_delete=models.CASCADE,
        related_name="certificate",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        on_delete=models.CASCADE,
        related_name="jour_certificates",
    )
    #: The organisation that gave the course (the completion's course's).
    organisation = models.ForeignKey(
        "jour_people.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("verification code"), max_length=20, unique=True, editable=False)
    details = models.JSONField(_("what it states"), editable=False)
    issued_at = models.DateTimeField(
        pgettext_lazy("a certificate", "issued"), default=timezone.now, editable=False
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    revoked_at = models.DateTimeField(
        pgettext_lazy("a certificate", "revoked"), null=True, blank=True, editable=False
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    revoke_reason = models.CharField(_("reason for revoking"), max_length=300, blank=True)

    objects = CertificateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return f"{self.details.get('course', '')} – {self.display_code}"

    @property
    def display_code(self) -> str:
        """The code as printed: groups of four, e.g. ``K7QF-2MXR-9HTD``."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def grouped_code(self) -> str:
        return self.display_code

    grouped_code.short_description = _("verification code")

    def course_title(self) -> str:
        return self.details.get("course", "")

    course_title.short_description = _("course")
