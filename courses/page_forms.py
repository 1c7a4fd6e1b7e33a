from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminPageForm

from people.models import Organisation


class CoursePageForm(WagtailAdminPageForm):
    """Offers only the editor's own organisations and keeps unit numbers unique in a course."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "organisation" in self.fields and self.for_user is not None:
            field = self.fields["organisation"]
            field.queryset = Organisation.objects.for_user(self.for_user)
            if not self.instance.organisation_id and field.queryset.count() == 1:
                field.initial = field.queryset.first()

    def clean(self):
        cleaned = super().clean()
        units = self.formsets.get("units")
        if units is None or not units.is_valid():
            return cleaned
        seen: set[int] = set()
        for form in units.forms:
            if form.cleaned_data.get("DELETE") or form.cleaned_data.get("number") is None:
                continue
            number = form.cleaned_data["number"]
            if number in seen:
                message = _("Unit %(number)s appears more than once.") % {"number": number}
                form.add_error("number", message)
                self.add_error(None, message)
            seen.add(number)
        return cleaned
