import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.fields import DateRangeField
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.views.generic.history import HistoryFilterSet
from wagtail.admin.views.reports.audit_logging import SiteHistoryReportFilterSet

from .bounds import validate_date_in_range
from .models import MEMBER_GROUPS, Organisation, Person, group_field, today


class BoundedDateRangeField(DateRangeField):
    """A "from – to" date filter whose dates lie within the bounds (people/bounds.py): a date
    outside them is a message under the filter, not a server error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields:
            field.validators.append(validate_date_in_range)


class BoundedDateFromToRangeFilter(django_filters.DateFromToRangeFilter):
    field_class = BoundedDateRangeField


def bounded_timestamp(filterset) -> BoundedDateFromToRangeFilter:
    return BoundedDateFromToRangeFilter(
        label=filterset.base_filters["timestamp"].label, widget=DateRangePickerWidget
    )


class BoundedHistoryFilterSet(HistoryFilterSet):
    """Wagtail's history filters (an object's history in our admin screens), dates bounded."""

    timestamp = bounded_timestamp(HistoryFilterSet)


class BoundedSiteHistoryFilterSet(SiteHistoryReportFilterSet):
    """Wagtail's site history filters, dates bounded."""

    timestamp = bounded_timestamp(SiteHistoryReportFilterSet)


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
        choices=[("active", _("Active")), ("left", _("Left")), ("future", _("Not yet joined"))],
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
        day = today()
        if value == "active":
            return queryset.active_on(day)
        if value == "left":
            return queryset.left_before(day)
        if value == "future":
            return queryset.filter(Q(joined_on__isnull=True) | Q(joined_on__gt=day))
        return queryset
