from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminPageForm


class CourseIndexPageForm(WagtailAdminPageForm):
    """The organisation of an index is chosen once (by the administrator; the field is hers
    only) and then fixed: its courses, and who edits them, follow from it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("organisation")
        if field is not None and self.instance.organisation_id is not None:
            field.disabled = True
            field.help_text = _("The courses under this index belong to this organisation.")


class CoursePageForm(WagtailAdminPageForm):
    """Keeps unit numbers unique in a course. The course's organisation is not a field: it is
    its index's (``CoursePage.save``); the themes offered are that organisation's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("theme")
        if field is not None:
            field.queryset = field.queryset.filter(organisation_id=self.course_organisation_id())

    def course_organisation_id(self) -> int | None:
        """The organisation the course belongs to: its own, or (a new one) its index's."""
        if self.instance.organisation_id is not None:
            return self.instance.organisation_id
        parent = getattr(self, "parent_page", None)
        return getattr(parent.specific, "organisation_id", None) if parent is not None else None

    def clean(self):
        cleaned = super().clean()
        theme = cleaned.get("theme")
        if theme is not None and theme.organisation_id != self.course_organisation_id():
            self.add_error("theme", _("The theme belongs to another organisation."))
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
