"""A finding and the action taken on it: what was found, where it came from, what will be done,
who is responsible, by when, and how it was followed up when it was closed."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jour_core.scoping import OrganisationScopedQuerySet
from people.bounds import validate_date_in_range


class ActionSource(models.TextChoices):
    """Where a finding came from."""

    EVALUATION = "evaluation", _("An evaluation")
    PLEDGE = "pledge", _("A confidentiality pledge due for renewal")
    MEMBER_MEETING = "member_meeting", _("A member meeting")
    DEVIATION = "deviation", _("A deviation")
    PLAN = "plan", _("The competence plan")
    OTHER = "other", _("Other")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")


class ActionQuerySet(OrganisationScopedQuerySet):
    def overdue(self, today: datetime.date) -> ActionQuerySet:
        """Actions not closed whose last day has passed (due before ``today``); its twin for one
        action at hand is :meth:`Action.is_overdue`."""
        return self.exclude(status=ActionStatus.CLOSED).filter(due_on__lt=today)


class Action(models.Model):
    """A finding and its action. It is closed with the day and a follow-up note; every change
    is kept in its history."""

    organisation = models.ForeignKey(
        "people.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("finding"), max_length=200, help_text=_("What was found, in a line."))
    finding = models.TextField(_("about the finding"), blank=True)
    source = models.CharField(_("where it came from"), max_length=20, choices=ActionSource.choices)
    action = models.TextField(_("what will be done"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    due_on = models.DateField(_("by when"), validators=[validate_date_in_range])
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True, validators=[validate_date_in_range])
    follow_up = models.TextField(
        _("follow-up"), blank=True, help_text=_("When it is closed: what was done, and did it help?")
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = ActionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["organisation", "status", "due_on"])]
        constraints = [
            # A closed action has the day it was closed, and only a closed one has it (clean()
            # says so in words; this keeps writes that skip it, a script's, in step too).
            models.CheckConstraint(
                condition=models.Q(status=ActionStatus.CLOSED, closed_on__isnull=False)
                | (~models.Q(status=ActionStatus.CLOSED) & models.Q(closed_on__isnull=True)),
                name="quality_action_closed_on_when_closed",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        problems = {}
        if self.status == ActionStatus.CLOSED:
            if self.closed_on is None:
                problems["closed_on"] = _("A closed action has the day it was closed.")
            elif self.closed_on > timezone.localdate():
                problems["closed_on"] = _("An action is closed on a day that has come, not later.")
            if not self.follow_up.strip():
                problems["follow_up"] = _(
                    "A closed action has its follow-up: what was done, and did it help?"
                )
        elif self.closed_on is not None:
            problems["closed_on"] = _("Only a closed action has a day it was closed.")
        if (
            self.responsible_id
            and self.organisation_id
            and self.responsible.organisation_id != self.organisation_id
        ):
            problems["responsible"] = _("The responsible is one of the organisation's people.")
        if problems:
            raise ValidationError(problems)

    def is_overdue(self, today: datetime.date) -> bool:
        return self.status != ActionStatus.CLOSED and self.due_on < today

    def status_today(self) -> str:
        """The status, and "overdue" when it is past its last day and not closed."""
        status = str(self.get_status_display())
        if self.is_overdue(timezone.localdate()):
            return _("%(status)s, overdue") % {"status": status}
        return status
