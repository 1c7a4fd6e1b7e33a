import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from courses.models import Theme

from .models import Action, ActionSource, ActionStatus, PlanItem


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
