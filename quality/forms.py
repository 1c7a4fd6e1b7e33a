from certifications.forms import ScopedOrganisationForm
from people.models import User


class ActionForm(ScopedOrganisationForm):
    """The responsible is one of the organisation's people."""

    scoped_fields = {"responsible": User}
