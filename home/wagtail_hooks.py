"""The host's part of the admin: a person's data for her coordinator, on her page.

The data of every app is gathered here (``home/mydata.py``, as "Download my data" gathers it for
herself): the host may import every app, no plugin app may import the host. So the host adds the
download to the page ``certifications`` shows (its hook ``register_person_page_actions``)."""

from django.urls import path, reverse
from django.utils.translation import gettext as _
from wagtail import hooks

from certifications.views import PERSON_ACTIONS_HOOK, PersonAction

from . import views


@hooks.register("register_admin_urls")
def register_person_data_url():
    return [
        path(
            "competence/people/<int:pk>/data/",
            views.PersonDataView.as_view(fmt="json"),
            name="home_person_data",
        ),
        path(
            "competence/people/<int:pk>/data/page/",
            views.PersonDataView.as_view(fmt="html"),
            name="home_person_data_page",
        ),
        path(
            "competence/people/<int:pk>/data/pdf/",
            views.PersonDataView.as_view(fmt="pdf"),
            name="home_person_data_pdf",
        ),
    ]


@hooks.register(PERSON_ACTIONS_HOOK)
def person_data_action(request, person):
    """Only offered to those who may change the register (the page asks before calling)."""
    return [PersonAction(_("Her data"), reverse("home_person_data_page", args=[person.pk]), "download")]
