import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from .models import Action, ActionSource, ActionStatus


class ActionFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ActionStatus.choices)
    source = django_filters.ChoiceFilter(label=_("Where it came from"), choices=ActionSource.choices)

    class Meta:
        model = Action
        fields = ["status", "source"]
