"""Quality work's records. Plan: the competence plan's lines. Check: the participants'
evaluations of units and courses, anonymous. Act: a finding and the action taken on it (what
was found, where it came from, what will be done, who is responsible, by when, and how it was
followed up when it was closed). And the annual review, frozen."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from courses.models import MAX_UNIT_NUMBER, CourseKind
from jour_core.scoping import OrganisationScopedQuerySet
from people.bounds import validate_date_in_range
from people.models import MEMBER_GROUPS


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
        "jour_people.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
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


class PlanPeriod(models.TextChoices):
    """When in its year a theme is planned: the whole year, a quarter or a month."""

    YEAR = "year", _("During the year")
    Q1 = "q1", _("January–March")
    Q2 = "q2", _("April–June")
    Q3 = "q3", _("July–September")
    Q4 = "q4", _("October–December")
    M01 = "m01", _("January")
    M02 = "m02", _("February")
    M03 = "m03", _("March")
    M04 = "m04", _("April")
    M05 = "m05", _("May")
    M06 = "m06", _("June")
    M07 = "m07", _("July")
    M08 = "m08", _("August")
    M09 = "m09", _("September")
    M10 = "m10", _("October")
    M11 = "m11", _("November")
    M12 = "m12", _("December")


def period_months(period: str) -> tuple[int, int]:
    """The first and last month of a planned period."""
    if period.startswith("q"):
        quarter = int(period[1:])
        return 3 * quarter - 2, 3 * quarter
    if period.startswith("m"):
        return int(period[1:]), int(period[1:])
    return 1, 12


#: The member groups as a plan names them (plural).
GROUP_LABELS = {
    "volunteer": pgettext_lazy("member groups", "volunteers"),
    "staff": pgettext_lazy("member groups", "staff"),
    "board": pgettext_lazy("member groups", "board"),
}


def group_labels(groups: list[str]) -> str:
    """ "Volontärer, personal" for ``["volunteer", "staff"]``."""
    return capfirst(", ".join(str(GROUP_LABELS[code]) for code in groups))


#: The years a plan may be made for.
FIRST_PLAN_YEAR, LAST_PLAN_YEAR = 2000, 2100


class PlanItem(models.Model):
    """One line of an organisation's competence plan for a year: a theme, the groups it is for
    and when in the year it is planned."""

    organisation = models.ForeignKey(
        "jour_people.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        validators=[MinValueValidator(FIRST_PLAN_YEAR), MaxValueValidator(LAST_PLAN_YEAR)],
    )
    theme = models.ForeignKey(
        "jour_courses.Theme", verbose_name=_("theme"), on_delete=models.PROTECT, related_name="+"
    )
    group_volunteer = models.BooleanField(GROUP_LABELS["volunteer"], default=False)
    group_staff = models.BooleanField(GROUP_LABELS["staff"], default=False)
    group_board = models.BooleanField(GROUP_LABELS["board"], default=False)
    period = models.CharField(_("planned"), max_length=4, choices=PlanPeriod.choices, default=PlanPeriod.YEAR)
    note = models.TextField(
        _("what is planned"), blank=True, help_text=_("For example a theme evening with an invited speaker.")
    )

    objects = OrganisationScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("competence plan line")
        verbose_name_plural = _("competence plan")
        ordering = ["year", "theme__sort_order", "theme__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "theme", "period"], name="quality_one_plan_line_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(group_volunteer=True)
                | models.Q(group_staff=True)
                | models.Q(group_board=True),
                name="quality_plan_line_for_a_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.theme} {self.year}"

    @property
    def groups(self) -> list[str]:
        """The codes of the member groups the line is for, in display order."""
        return [code for code in MEMBER_GROUPS if getattr(self, f"group_{code}")]

    def groups_display(self) -> str:
        return capfirst(
            ", ".join(str(self._meta.get_field(f"group_{code}").verbose_name) for code in self.groups)
        )

    groups_display.short_description = _("for")

    def months(self) -> tuple[datetime.date, datetime.date]:
        """The first and last day of the planned period."""
        first, last = period_months(self.period)
        start = datetime.date(self.year, first, 1)
        end = datetime.date(self.year + (last == 12), last % 12 + 1, 1) - datetime.timedelta(days=1)
        return start, end

    def clean(self) -> None:
        super().clean()
        problems = {}
        if not self.groups:
            problems["group_volunteer"] = _("Choose at least one group the line is for.")
        if self.theme_id and self.organisation_id and self.theme.organisation_id != self.organisation_id:
            problems["theme"] = _("The theme belongs to another organisation.")
        if problems:
            raise ValidationError(problems)


# Check: evaluations ----------------------------------------------------------------------------
#
# A participant answers a short evaluation after a study-circle unit or a continuing-education
# course. What she answered (EvaluationResponse and its EvaluationAnswer rows) names no one and
# has no time of its own: its keys are random (UUIDs), so neither the order of ids nor a
# timestamp pairs it with the EvaluationReceipt that says *that* she answered (which keeps her
# from answering twice). Nothing links a receipt to a response.


class AnswerKind(models.TextChoices):
    RATING = "rating", _("Rating 1–5")
    TEXT = "text", _("Free text")


#: The ratings a participant chooses from, lowest first.
RATINGS = range(1, 6)


class EvaluationQuestion(models.Model):
    """One question of an organisation's evaluation form for one kind of course (the study
    circle's units, or continuing education). The organisation edits its own; every organisation
    starts with a few (``quality.evaluations.DEFAULT_QUESTIONS``): they go with it, while its
    answers keep it from being deleted."""

    organisation = models.ForeignKey(
        "jour_people.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    course_kind = models.CharField(_("for courses of the kind"), max_length=20, choices=CourseKind.choices)
    kind = models.CharField(_("answered with"), max_length=20, choices=AnswerKind.choices)
    text = models.CharField(_("question"), max_length=300)
    sort_order = models.PositiveSmallIntegerField(
        _("order"), default=0, validators=[MaxValueValidator(1000)], help_text=_("Lower numbers come first.")
    )
    active = models.BooleanField(
        _("asked"), default=True, help_text=_("Untick to stop asking it; its answers so far are kept.")
    )

    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation question")
        verbose_name_plural = _("evaluation questions")
        ordering = ["course_kind", "sort_order", "pk"]

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        super().clean()
        if self.pk is None:
            return
        stored = EvaluationQuestion.objects.filter(pk=self.pk).values_list("kind", flat=True).first()
        if stored and stored != self.kind and EvaluationAnswer.objects.filter(question_id=self.pk).exists():
            raise ValidationError(
                {"kind": _("This question has answers: it keeps its kind. Add a new question instead.")}
            )


class EvaluationResponseQuerySet(OrganisationScopedQuerySet):
    organisation_lookup = "organisation"


class EvaluationResponse(models.Model):
    """One participant's answers to one evaluation, without her: no person, no time, a random id.
    ``unit_number`` is the study circle's unit evaluated, or 0 for a continuing-education
    course as a whole. Its period is its session's (``quality.evaluations``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "jour_people.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    run = models.ForeignKey(
        "jour_courses.CourseRun", verbose_name=_("run"), on_delete=models.PROTECT, related_name="+"
    )
    unit_number = models.PositiveSmallIntegerField(
        _("unit"), validators=[MaxValueValidator(MAX_UNIT_NUMBER)], help_text=_("0: the whole course.")
    )

    objects = EvaluationResponseQuerySet.as_manager()
    #: Never in Wagtail's reference index (its rows are numbered in the order they are written).
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("evaluation answer")
        verbose_name_plural = _("evaluation answers")
        indexes = [models.Index(fields=["run", "unit_number"])]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.unit_number}"


class EvaluationAnswerQuerySet(OrganisationScopedQuerySet):
    organisation_lookup = "response__organisation"


class EvaluationAnswer(models.Model):
    """The answer to one question: a rating from 1 to 5, or a text. The question's wording is
    kept as it was asked (the question may change or go later)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(EvaluationResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        EvaluationQuestion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    question_text = models.CharField(_("question"), max_length=300)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(_("answer"), blank=True, max_length=2000)

    objects = EvaluationAnswerQuerySet.as_manager()
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("evaluation answer to a question")
        verbose_name_plural = _("evaluation answers to questions")
        constraints = [
            # A rating from 1 to 5 and no text, or a text and no rating.
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5, text="")
                | models.Q(rating__isnull=True) & ~models.Q(text=""),
                name="quality_answer_rating_or_text",
            )
        ]

    def __str__(self) -> str:
        return self.question_text


class EvaluationReceiptQuerySet(OrganisationScopedQuerySet):
    organisation_lookup = "run__organisation"


class EvaluationReceipt(models.Model):
    """That a person has answered the evaluation of a unit (or a course) of a run, not what:
    one per person, run and unit, which the database keeps. No time, and no link to her answer."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    run = models.ForeignKey(
        "jour_courses.CourseRun", verbose_name=_("run"), on_delete=models.PROTECT, related_name="+"
    )
    unit_number = models.PositiveSmallIntegerField(_("unit"), validators=[MaxValueValidator(MAX_UNIT_NUMBER)])

    objects = EvaluationReceiptQuerySet.as_manager()
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("evaluation answered")
        verbose_name_plural = _("evaluations answered")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "run", "unit_number"], name="quality_one_evaluation_per_person_and_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.run_id}/{self.unit_number}"


class FrozenReview(models.Model):
    """An annual quality review as it was on the day the board froze it: its figures, the
    board's summary and its files, stored unchanged so they download byte for byte the same
    years later."""

    organisation = models.ForeignKey(
        "jour_people.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    external = models.BooleanField(_("external version"), default=True)
    summary = models.TextField(_("the board's summary"), blank=True)
    data = models.JSONField(_("figures"))
    json_file = models.BinaryField()
    pdf_file = models.BinaryField()
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("an annual review", "frozen by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    frozen_at = models.DateTimeField(pgettext_lazy("an annual review", "frozen at"), default=timezone.now)

    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-frozen_at"]
        verbose_name = _("frozen annual review")
        verbose_name_plural = _("frozen annual reviews")

    def __str__(self) -> str:
        version = _("external") if self.external else _("internal")
        return _("Annual quality review %(year)s (%(version)s), frozen %(date)s") % {
            "year": self.year,
            "version": version,
            "date": timezone.localdate(self.frozen_at).isoformat(),
        }
