import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certifications.forms import PeriodForm, ScopedOrganisationForm
from courses.models import Theme
from people.forms import offer_members
from people.models import User, today

from .evaluations import MAX_TEXT_LENGTH
from .models import RATINGS, AnswerKind, EvaluationQuestion


class ActionForm(ScopedOrganisationForm):
    """The responsible is one of the organisation's members today (or the one already
    responsible, who may have left since)."""

    scoped_fields = {"responsible": User}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("responsible")
        if field is not None and self.for_user is not None:
            offer_members(field, field.queryset.choosable(today(), keep=[self.instance.responsible_id]))


class ThemeForm(ScopedOrganisationForm):
    pass


class PlanItemForm(ScopedOrganisationForm):
    """The themes offered are the organisation's; a new line is for this year unless chosen."""

    scoped_fields = {"theme": Theme}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and "year" in self.fields:
            self.fields["year"].initial = timezone.localdate().year


class EvaluationQuestionForm(ScopedOrganisationForm):
    """The organisation is the coordinator's own (the umbrella administrator picks it)."""


#: What each rating means, lowest first.
RATING_LABELS = {
    1: _("Very poor"),
    2: _("Poor"),
    3: _("Neither good nor poor"),
    4: _("Good"),
    5: _("Very good"),
}


class EvaluationForm(forms.Form):
    """One field per question: a rating question's five choices (each with its meaning), a
    free-text question's text (not required). ``answers()`` gives them by question id."""

    def __init__(self, questions: list[EvaluationQuestion], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            if question.kind == AnswerKind.RATING:
                self.fields[self.field_name(question)] = forms.TypedChoiceField(
                    label=question.text,
                    choices=[(rating, f"{rating} – {RATING_LABELS[rating]}") for rating in RATINGS],
                    coerce=int,
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Choose one of 1 to 5.")},
                )
            else:
                self.fields[self.field_name(question)] = forms.CharField(
                    label=question.text,
                    required=False,
                    max_length=MAX_TEXT_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 4}),
                )

    @staticmethod
    def field_name(question: EvaluationQuestion) -> str:
        return f"question-{question.pk}"

    def answers(self) -> dict[int, int | str]:
        return {question.pk: self.cleaned_data.get(self.field_name(question)) for question in self.questions}


class EvaluationResultsForm(PeriodForm):
    """The period (a year, or two dates) and the version of the evaluation results."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].required = False

    def period(self) -> tuple[datetime.date, datetime.date]:
        """The period asked for; this year when none (or a refused one) is."""
        if self.is_bound and self.is_valid():
            return super().period()
        year = timezone.localdate().year
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)

    def external(self) -> bool:
        return self.is_bound and self.is_valid() and self.cleaned_data.get("version") == "external"
