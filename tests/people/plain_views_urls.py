"""A URL configuration for ``test_scoped_viewset.py``: the site's URLs plus a scoped viewset of
the register whose every view class is Wagtail's plain one (as a viewset overriding
``delete_view_class`` and the others would give it), under the admin's access check."""

from django.urls import include, path
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.utils.urlpatterns import decorate_urlpatterns

from lms.urls import urlpatterns as site_urlpatterns
from people.models import Person
from people.views import ScopedModelViewSet


class PlainViewsPersonViewSet(ScopedModelViewSet):
    model = Person
    name = "plain_people"
    url_prefix = "plain-people"
    form_fields = ["first_name", "last_name"]
    inspect_view_enabled = True
    index_view_class = generic.IndexView
    edit_view_class = generic.EditView
    delete_view_class = generic.DeleteView
    history_view_class = HistoryView
    usage_view_class = UsageView
    inspect_view_class = generic.InspectView


viewset = PlainViewsPersonViewSet()

urlpatterns = [
    path(
        "admin/plain-people/",
        include(
            (decorate_urlpatterns(viewset.get_urlpatterns(), require_admin_access), viewset.name),
            namespace=viewset.name,
        ),
    ),
    *site_urlpatterns,
]
