from django.utils import timezone

from certifications.forms import ScopedOrganisationForm
from courses.models import Theme
from people.models import User


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
