"""The people register in the Wagtail admin."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from . import views
from .filters import PersonFilterSet
from .forms import PersonForm
from .models import Organisation, Person

# The register has permissions of its own (people.view_person, ...), not the account
# administration's (people.change_user), which only superusers have.
register_permission_policy(Person, ModelPermissionPolicy(Person), exact_class=True)


class PersonViewSet(ModelViewSet):
    model = Person
    icon = "group"
    menu_label = _("People")
    menu_order = 200
    add_to_admin_menu = True
    url_prefix = "people"
    name = "people_person"
    copy_view_enabled = False
    inspect_view_enabled = True

    index_view_class = views.PersonIndexView
    edit_view_class = views.PersonEditView
    delete_view_class = views.PersonDeleteView
    history_view_class = views.PersonHistoryView
    usage_view_class = views.PersonUsageView
    inspect_view_class = views.PersonInspectView

    filterset_class = PersonFilterSet
    search_fields = ["first_name", "last_name", "email", "phone"]
    search_backend_name = None
    ordering = ["last_name", "first_name"]
    list_per_page = 50
    list_display = [
        "last_name",
        "first_name",
        "email",
        Column("member_groups_display", label=_("Groups")),
        "joined_on",
        "left_on",
        Column("status_display", label=_("Status")),
        Column("protected_identity_display", label=_("Protected identity")),
        Column("organisation", label=_("Organisation"), sort_key="organisation__name"),
    ]
    list_export = [
        "email",
        "first_name",
        "last_name",
        "phone",
        "member_groups_display",
        "joined_on",
        "left_on",
        "protected_identity",
        "status_display",
    ]
    export_headings = {
        "member_groups_display": _("Groups"),
        "status_display": _("Status"),
    }
    export_filename = "people"
    inspect_view_fields = [
        "first_name",
        "last_name",
        "email",
        "phone",
        "organisation",
        "member_groups_display",
        "joined_on",
        "left_on",
        "status_display",
        "protected_identity",
        "is_active",
    ]

    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("first_name"), FieldPanel("last_name")], heading=_("Name")),
            FieldRowPanel([FieldPanel("email"), FieldPanel("phone")], heading=_("Contact")),
            FieldPanel("organisation", permission="superuser"),
            MultiFieldPanel(
                [FieldPanel("group_volunteer"), FieldPanel("group_staff"), FieldPanel("group_board")],
                heading=_("Groups"),
            ),
            FieldRowPanel([FieldPanel("joined_on"), FieldPanel("left_on")], heading=_("Membership")),
            FieldPanel("protected_identity"),
            FieldPanel("is_active"),
        ],
        base_form_class=PersonForm,
    )

    def get_urlpatterns(self):
        # The change history kept by django-simple-history (who changed what, and when).
        return [
            *super().get_urlpatterns(),
            path("changes/<int:pk>/", views.PersonChangesView.as_view(), name="changes"),
        ]


class OrganisationViewSet(ModelViewSet):
    """Organisations are created and renamed by the umbrella administrator (superuser)."""

    model = Organisation
    icon = "site"
    menu_label = _("Organisations")
    menu_order = 210
    add_to_admin_menu = True
    url_prefix = "organisations"
    name = "people_organisation"
    copy_view_enabled = False
    delete_view_class = views.OrganisationDeleteView
    history_view_class = views.BoundedHistoryView
    form_fields = ["name", "slug"]
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    search_backend_name = None


person_viewset = PersonViewSet()
organisation_viewset = OrganisationViewSet()


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [person_viewset, organisation_viewset]


@hooks.register("register_admin_urls")
def register_import_url():
    return [path("people/import/", views.ImportPeopleView.as_view(), name="people_import")]


@hooks.register("construct_reports_menu")
def hide_site_history(request, menu_items):
    """Site history is the umbrella administrator's only (see ``views.site_history``)."""
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name != "site-history"]
