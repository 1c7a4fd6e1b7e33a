import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput

from certifications.forms import ScopedOrganisationForm
from courses.models import Theme
from people.bounds import EARLIEST_DATE, LATEST_DATE, BoundedDateField
from people.models import User

from .evaluations import MAX_TEXT_LENGTH
from .models import RATINGS, AnswerKind, EvaluationQuestion


class ActionForm(ScopedOrganisationForm):
    """The responsible is one of the organisation's people."""

    scoped_fields = {"responsible": User}


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


class EvaluationResultsForm(forms.Form):
    """The period (a year, or two dates) and the version of the evaluation results."""

    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=EARLIEST_DATE.year, max_value=LATEST_DATE.year
    )
    start = BoundedDateField(label=_("From"), required=False, widget=AdminDateInput)
    end = BoundedDateField(label=_("To"), required=False, widget=AdminDateInput)
    version = forms.ChoiceField(
        label=_("Version"),
        choices=[("internal", _("Internal (for the board)")), ("external", _("External (for funders)"))],
        initial="internal",
        required=False,
        widget=forms.RadioSelect,
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if bool(start) != bool(end):
            raise forms.ValidationError(_("Give both dates of the period, or a year."))
        if start and end and end < start:
            self.add_error("end", _("The period ends before it starts."))
        return cleaned

    def period(self) -> tuple[datetime.date, datetime.date]:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if data.get("start") and data.get("end"):
            return data["start"], data["end"]
        year = data.get("year") or timezone.localdate().year
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)

    def external(self) -> bool:
        return self.is_bound and self.is_valid() and self.cleaned_data.get("version") == "external"
