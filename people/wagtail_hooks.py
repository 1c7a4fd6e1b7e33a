"""The people register in the Wagtail admin."""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import path
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy

from jour_core.audit import audit
from jour_core.columns import DayColumn

from . import views
from .documents import may_read, owners_of
from .filters import PersonFilterSet
from .forms import PersonForm
from .models import Organisation, Person
from .permissions import menu_items_for_role

# The register has permissions of its own (people.view_person, ...), not the account
# administration's (people.change_user), which only superusers have.
register_permission_policy(Person, ModelPermissionPolicy(Person), exact_class=True)


class PersonViewSet(views.ScopedModelViewSet):
    """The register: her organisation's people for a coordinator or the board, everyone's for the
    umbrella administrator (scoped by ``ScopedModelViewSet``)."""

    model = Person
    icon = "group"
    menu_label = _("People")
    menu_order = 200
    add_to_admin_menu = True
    url_prefix = "people"
    name = "people_person"
    inspect_view_enabled = True

    index_view_class = views.PersonIndexView
    edit_view_class = views.PersonEditView

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
        *(
            DayColumn(name, label=capfirst(Person._meta.get_field(name).verbose_name), sort_key=name)
            for name in ("joined_on", "left_on")
        ),
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
    delete_view_class = views.ProtectedDeleteView
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
    return [
        path("people/import/", views.ImportPeopleView.as_view(), name="people_import"),
        path("people/import/template/", views.ImportTemplateView.as_view(), name="people_import_template"),
    ]


@hooks.register("construct_reports_menu")
def hide_umbrella_reports(request, menu_items):
    """Site history and page types usage are the umbrella administrator's only (see
    ``views.UMBRELLA_ONLY_REPORTS``)."""
    if not request.user.is_superuser:
        hidden = {name for _path, _url_name, name, _view in views.UMBRELLA_ONLY_REPORTS if name}
        menu_items[:] = [item for item in menu_items if item.name not in hidden]


@hooks.register("construct_main_menu")
def menus_for_the_role(request, menu_items):
    """Each role sees the menus it uses (``permissions.ADMINISTRATOR_ONLY_MENUS``)."""
    menu_items[:] = menu_items_for_role(request.user, menu_items)


@hooks.register("before_serve_document")
def keep_person_documents_private(document, request):
    """A document attached to a person's record is hers, her organisation's coordinators' and
    the administrator's (people/documents.py): the login page for an anonymous visitor, 404
    for anyone else (as if it did not exist)."""
    owners = owners_of(document.pk)
    if not owners:
        return None
    if may_read(request.user, owners):
        audit("document.read", request, document=document.pk)
        return None
    audit("document.refused", request, document=document.pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Http404


def _choosable_only(viewset_class, model):
    """Wagtail's admin API lists every document and image of the site (titles, file names): for
    anyone but the administrator, only those of collections she may choose from (her
    organisation's)."""

    class Scoped(viewset_class):
        def get_queryset(self):
            choosable = policy_registry.get_by_type(model).instances_user_has_any_permission_for(
                self.request.user, ["choose"]
            )
            return super().get_queryset().filter(pk__in=choosable.values("pk"))

    Scoped.__name__ = f"Scoped{viewset_class.__name__}"
    return Scoped


@hooks.register("construct_admin_api", order=100)  # after Wagtail's own registrations
def scope_admin_api_documents_and_images(router):
    from wagtail.documents import get_document_model
    from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
    from wagtail.images import get_image_model
    from wagtail.images.api.admin.views import ImagesAdminAPIViewSet

    router.register_endpoint("documents", _choosable_only(DocumentsAdminAPIViewSet, get_document_model()))
    router.register_endpoint("images", _choosable_only(ImagesAdminAPIViewSet, get_image_model()))
