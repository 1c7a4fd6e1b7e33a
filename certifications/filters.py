import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from people.models import today

from . import validity
from .models import Qualification, QualificationSource, QualificationType


def _types(request):
    return QualificationType.objects.for_user(request.user) if request else QualificationType.objects.none()


class QualificationFilterSet(WagtailFilterSet):
    type = django_filters.ModelChoiceFilter(label=_("Type"), queryset=_types)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=QualificationSource.choices)
    status = django_filters.ChoiceFilter(
        label=_("Status today"),
        choices=[
            (validity.VALID, _("Valid")),
            (validity.EXPIRED, _("Expired / due for renewal")),
            (validity.REVOKED, _("Revoked")),
        ],
        method="filter_status",
    )

    class Meta:
        model = Qualification
        fields = []

    def filter_status(self, queryset, name, value):
        condition = validity.CONDITIONS.get(value)
        return queryset if condition is None else queryset.filter(condition(today()))
