import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from courses.models import CourseKind, Theme

from .models import Action, ActionSource, ActionStatus, EvaluationQuestion, PlanItem


class ActionFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ActionStatus.choices)
    source = django_filters.ChoiceFilter(label=_("Where it came from"), choices=ActionSource.choices)

    class Meta:
        model = Action
        fields = ["status", "source"]


class PlanItemFilterSet(WagtailFilterSet):
    year = django_filters.NumberFilter(label=_("Year"))
    # Her organisation's themes only (another's names are not hers to see).
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"), queryset=lambda request: Theme.objects.for_user(request.user)
    )

    class Meta:
        model = PlanItem
        fields = ["year", "theme"]


class EvaluationQuestionFilterSet(WagtailFilterSet):
    course_kind = django_filters.ChoiceFilter(label=_("For courses of the kind"), choices=CourseKind.choices)
    active = django_filters.BooleanFilter(label=_("Asked"))

    class Meta:
        model = EvaluationQuestion
        fields = ["course_kind", "active"]
