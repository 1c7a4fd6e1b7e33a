import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.filters import WagtailFilterSet

from . import membership
from .models import MEMBER_GROUPS, Organisation, Person, group_field, today


def _visible_organisations(request):
    if request is None:
        return Organisation.objects.none()
    return Organisation.objects.for_user(request.user)


class PersonFilterSet(WagtailFilterSet):
    group = django_filters.ChoiceFilter(
        label=_("Group"), choices=list(MEMBER_GROUPS.items()), method="filter_group"
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[
            (membership.ACTIVE, pgettext_lazy("membership", "Active")),
            (membership.LEFT, pgettext_lazy("membership", "Left")),
            (membership.NOT_YET_JOINED, pgettext_lazy("membership", "Not yet joined")),
        ],
        method="filter_status",
    )
    protected_identity = django_filters.BooleanFilter(label=_("Protected identity"))
    organisation = django_filters.ModelChoiceFilter(label=_("Organisation"), queryset=_visible_organisations)

    class Meta:
        model = Person
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is None or not request.user.is_superuser:
            del self.filters["organisation"]

    def filter_group(self, queryset, name, value):
        return queryset.filter(**{group_field(value): True}) if value else queryset

    def filter_status(self, queryset, name, value):
        condition = membership.CONDITIONS.get(value)
        return queryset if condition is None else queryset.filter(condition(today()))
