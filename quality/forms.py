from certifications.forms import ScopedOrganisationForm
from people.models import User


class ActionForm(ScopedOrganisationForm):
    """The responsible is one of the organisation's people."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None and "responsible" in self.fields:
            self.fields["responsible"].queryset = User.objects.for_user(self.for_user).order_by(
                "last_name", "first_name"
            )
