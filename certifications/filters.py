import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from people.models import today

from .models import Qualification, QualificationSource, QualificationType


def _types(request):
    return QualificationType.objects.for_user(request.user) if request else QualificationType.objects.none()


class QualificationFilterSet(WagtailFilterSet):
    type = django_filters.ModelChoiceFilter(label=_("Type"), queryset=_types)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=QualificationSource.choices)
    status = django_filters.ChoiceFilter(
        label=_("Status today"),
        choices=[("valid", _("Valid")), ("expired", _("Expired")), ("revoked", _("Revoked"))],
        method="filter_status",
    )

    class Meta:
        model = Qualification
        fields = []

    def filter_status(self, queryset, name, value):
        day = today()
        if value == "valid":
            return queryset.valid_on(day)
        if value == "revoked":
            return queryset.filter(revoked_on__lte=day)
        if value == "expired":
            return queryset.filter(expires_on__lt=day).filter(
                Q(revoked_on__isnull=True) | Q(revoked_on__gt=day)
            )
        return queryset
