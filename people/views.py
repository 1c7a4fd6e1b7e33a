"""Admin views of the people register: scoped to the user's organisation, plus the import."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.auth import permission_denied, require_admin_access
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import BaseButton, Button, HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy

from jour_core.collation import swedish_ordering
from jour_core.exports import export_response, related_paths
from jour_core.reading import UnreadableFile

from .conf import app_settings
from .forms import ImportConfirmForm, ImportUploadForm
from .history import person_changes
from .importing import (
    PendingImportGone,
    cancel_pending_import,
    find_pending_import,
    import_pending,
    keep_pending_import,
    parse_people_file,
    template_sheet,
)
from .models import Organisation, Person
from .permissions import working_organisation


class AdminPermissionMixin(PermissionCheckedMixin):
    """Our own admin screens check access as Wagtail's views do: ``permission_policy`` (the
    model's, e.g. ``ModelPermissionPolicy(ShiftRole)``) and ``permission_required`` (an action:
    ``"view"``, ``"add"``, ``"change"``, ``"delete"``). A refusal raises PermissionDenied, which
    Wagtail's admin answers as for its own screens (back to the dashboard with "no permission";
    403 to a script). Unlike Wagtail's mixin, a screen that names no policy admits nobody."""

    def user_has_permission(self, permission):
        return bool(self.permission_policy) and super().user_has_permission(permission)

    def user_has_any_permission(self, permissions):
        return bool(self.permission_policy) and super().user_has_any_permission(permissions)


class NoOrganisation(Exception):
    """There is no organisation for a screen to work on: none exists yet (the umbrella
    administrator), or the user belongs to none. ``NeedsOrganisationMixin`` answers it with a
    page saying what to do."""


def organisation_to_work_on(request) -> Organisation:
    """The organisation a screen of one organisation works on (``working_organisation``: hers;
    the umbrella administrator's choice, ``?organisation=<id>``, else the first by name). A
    chosen id that is no organisation's answers 404; nothing to work on raises
    :class:`NoOrganisation`."""
    chosen = request.GET.get("organisation")
    organisation = working_organisation(request.user, chosen)
    if organisation is not None:
        return organisation
    if request.user.is_superuser and chosen and Organisation.objects.exists():
        raise Http404
    raise NoOrganisation


def no_organisation_response(request, title: str, icon: str = "") -> TemplateResponse:
    """The admin page shown instead of a screen that needs an organisation when there is none:
    what is missing and what to do (the umbrella administrator: add one, linked when she may;
    anyone else: ask her to be added to her organisation)."""
    from .wagtail_hooks import organisation_viewset  # the hooks import this module

    user = request.user
    may_add = organisation_viewset.permission_policy.user_has_permission(user, "add")
    return TemplateResponse(
        request,
        "jour_people/admin/no_organisation.html",
        {
            "page_title": title,
            "header_title": title,
            "header_icon": icon,
            "breadcrumbs_items": [
                {"url": reverse("wagtailadmin_home"), "label": _("Home")},
                {"url": "", "label": title},
            ],
            "umbrella": user.is_superuser,
            "add_url": reverse(organisation_viewset.get_url_name("add")) if may_add else None,
            "index_url": reverse(organisation_viewset.get_url_name("index")) if may_add else None,
        },
    )


class NeedsOrganisationMixin:
    """For an admin screen of one organisation's records: when there is no organisation to
    work on (``organisation_to_work_on`` raised :class:`NoOrganisation`), the page saying what to
    do instead of the screen. Access is checked first: a refused user is refused as before."""

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except NoOrganisation:
            title = self.get_page_title() if hasattr(self, "get_page_title") else self.page_title
            icon = self.get_header_icon() if hasattr(self, "get_header_icon") else ""
            return no_organisation_response(request, str(title), icon)


class NeedsOrganisationToAddMixin(NeedsOrganisationMixin):
    """A viewset's add screen: a row belongs to an organisation, so there must be one to put it
    in (hers; for the umbrella administrator, any: she picks it in the form)."""

    def get(self, request, *args, **kwargs):
        self.require_organisation()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.require_organisation()
        return super().post(request, *args, **kwargs)

    def require_organisation(self) -> None:
        if working_organisation(self.request.user) is None:
            raise NoOrganisation


class ScopedObjectMixin:
    """Detail views answer 404 for an object outside the user's organisations.

    The model's default manager must offer ``for_user(user)``
    (see :class:`jour_core.scoping.OrganisationScopedQuerySet`).
    """

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        visible = self.model._default_manager.for_user(self.request.user)
        if not visible.filter(pk=obj.pk).exists():
            raise Http404
        return obj


class ScopedIndexMixin:
    def get_base_queryset(self):
        """The user's organisations' rows, with the related rows the columns show (a person, a
        type): one query per relation, never one per row."""
        rows = super().get_base_queryset().for_user(self.request.user)
        names = [getattr(column, "accessor", column) for column in getattr(self, "list_display", ())]
        return rows.prefetch_related(*related_paths(self.model, [n for n in names if isinstance(n, str)]))

    def order_queryset(self, queryset):
        """Names (a person's, or the person's a row leads to) in Swedish order."""
        swedish = swedish_ordering(self.ordering)
        return super().order_queryset(queryset) if swedish is None else queryset.order_by(*swedish)


#: The Wagtail hook an app higher up registers to give a person's page in the admin: a function
#: of the person answering its URL, or None. The register links to the first one answering, so
#: that ``people`` links to a page it does not import (``certifications`` registers its own).
PERSON_PAGE_HOOK = "person_page_url"


def person_page_url(person) -> str | None:
    """The URL of the person's page that an app registered (:data:`PERSON_PAGE_HOOK`), or None."""
    for page_url in hooks.get_hooks(PERSON_PAGE_HOOK):
        if url := page_url(person):
            return url
    return None


class PersonIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("organisation")

    def get_list_more_buttons(self, instance):
        """ "Show" beside her name: her page, where an app registered one."""
        buttons = list(super().get_list_more_buttons(instance))
        if url := person_page_url(instance):
            label = _("Show %(name)s") % {"name": instance}
            buttons.insert(
                0,
                BaseButton(
                    _("Show"),
                    url=url,
                    icon_name="view",
                    classname="button button-small button-secondary",
                    attrs={"aria-label": label},
                    priority=5,
                ),
            )
        return buttons

    @property
    def columns(self):
        columns = super().columns
        if not self.request.user.is_superuser:
            columns = [column for column in columns if column.name != "organisation"]
        return columns

    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.permission_policy.user_has_permission(self.request.user, "add"):
            buttons.append(
                HeaderButton(
                    _("Import from spreadsheet"),
                    url=reverse("people_import"),
                    icon_name="upload",
                )
            )
        return buttons


class PersonEditView(generic.EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.request.user.has_perm("jour_people.change_person"):
            buttons.append(
                Button(
                    _("Change history"),
                    url=reverse("people_person:changes", args=[self.object.pk]),
                    icon_name="history",
                    priority=40,
                )
            )
        return buttons


class RefuseProtectedDeleteMixin:
    """Deleting a row that other records still need (a protected foreign key, e.g. a qualification
    type that people hold) is refused with a message naming them, never a server error."""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ProtectedError as exc:
            used_by = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
            messages.error(
                self.request,
                _("%(object)s cannot be deleted: other records depend on it (%(records)s).")
                % {"object": self.object, "records": ", ".join(used_by)},
            )
            return redirect(self.get_success_url())


class ProtectedDeleteView(RefuseProtectedDeleteMixin, generic.DeleteView):
    """Deletes a row unless other records depend on it (organisations: people and records
    point at them)."""


class PersonChangesView(AdminPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """A person's change history (django-simple-history): who changed what, and when. Read-only,
    for those who may change the register; another organisation's person answers 404."""

    template_name = "jour_people/changes.html"
    header_icon = "history"
    page_title = gettext_lazy("Change history")
    permission_policy = ModelPermissionPolicy(Person)
    permission_required = "change"

    def get(self, request, *args, **kwargs):
        self.person = get_object_or_404(Person.objects.for_user(request.user), pk=kwargs["pk"])
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.person)

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("people_person:index"), "label": _("People")},
            {"url": reverse("people_person:edit", args=[self.person.pk]), "label": str(self.person)},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entries"] = person_changes(self.person)
        return context


class ImportPeopleView(NeedsOrganisationMixin, AdminPermissionMixin, View):
    """Upload a CSV file, see what it would change (or its problems), then confirm.

    Nothing is written until the confirmation, and then all or nothing. Between the two the
    file waits on the server (``people.importing.keep_pending_import``); the preview page shows
    the counts and the first rows and carries only the pending import's token.
    """

    template_name = "jour_people/import.html"
    page_title = gettext_lazy("Import people")
    #: How many rows the preview shows, and how many problems the page lists (all are counted).
    preview_rows = 20
    problems_listed = 200
    permission_policy = ModelPermissionPolicy(Person)
    permission_required = "add"

    def render(self, status: int = 200, **context):
        context.setdefault("upload_form", ImportUploadForm(user=self.request.user))
        context.setdefault("pending_hours", app_settings.PEOPLE_IMPORT_PENDING_HOURS)
        context.setdefault("template_url", reverse("people_import_template"))
        problems = context.get("problems")
        if problems:
            context.update(
                problems_listed=problems[: self.problems_listed],
                problems_not_listed=max(0, len(problems) - self.problems_listed),
            )
        context.update(
            page_title=self.page_title,
            header_title=self.page_title,
            header_icon="upload",
            index_url=reverse("people_person:index"),
            breadcrumbs_items=[
                {"url": reverse("wagtailadmin_home"), "label": _("Home")},
                {"url": reverse("people_person:index"), "label": _("People")},
                {"url": "", "label": self.page_title},
            ],
        )
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request):
        NeedsOrganisationToAddMixin.require_organisation(self)
        return self.render()

    def post(self, request):
        NeedsOrganisationToAddMixin.require_organisation(self)
        if "pending" in request.POST:
            return self.confirm(request)
        form = ImportUploadForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self.render(upload_form=form)
        organisation = working_organisation(request.user, form.cleaned_data.get("organisation"))
        if organisation is None:
            raise PermissionDenied
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            parsed = parse_people_file(data, upload.name or "", organisation)
        except UnreadableFile as exc:
            form.add_error("file", str(exc))
            return self.render(upload_form=form)
        if not parsed.ok:
            return self.render(upload_form=form, problems=parsed.problems)
        pending = keep_pending_import(data, upload.name or "", organisation, by=request.user)
        return self.render(
            parsed=parsed,
            counts=parsed.counts,
            preview=[(row, parsed.change(row)) for row in parsed.rows[: self.preview_rows]],
            pending=pending,
            confirm_form=ImportConfirmForm(initial={"pending": pending.token}),
            organisation=organisation,
        )

    def confirm(self, request):
        form = ImportConfirmForm(request.POST)
        pending = find_pending_import(request.user, form.cleaned_data["pending"]) if form.is_valid() else None
        if pending is None:
            # Another person's or organisation's, used, cancelled or expired: the same answer.
            return self.render(status=404, gone=True)
        if "cancel" in request.POST:
            cancel_pending_import(pending)
            messages.info(request, _("The import was cancelled; nothing was imported."))
            return redirect("people_import")
        try:
            parsed, summary = import_pending(pending, by=request.user)
        except PendingImportGone:
            return self.render(status=404, gone=True)
        except IntegrityError:
            # Someone registered one of the file's emails while it was being imported.
            messages.error(
                request,
                _("The register changed while the file was being imported; nothing was imported. Try again."),
            )
            return redirect("people_import")
        if summary is None:
            # The register changed between the preview and the confirmation.
            return self.render(problems=parsed.problems)
        messages.success(
            request,
            _("Imported into %(organisation)s: %(created)s, %(updated)s, %(unchanged)s.")
            % {
                "organisation": pending.organisation,
                "created": ngettext("%(count)d created", "%(count)d created", summary.created)
                % {"count": summary.created},
                "updated": ngettext("%(count)d updated", "%(count)d updated", summary.updated)
                % {"count": summary.updated},
                "unchanged": ngettext("%(count)d unchanged", "%(count)d unchanged", summary.unchanged)
                % {"count": summary.unchanged},
            },
        )
        return redirect("people_person:index")


class ImportTemplateView(AdminPermissionMixin, View):
    """The people import's template (``?export=xlsx`` or ``csv``): the columns, an example row,
    and in XLSX a list to pick a group from."""

    permission_policy = ModelPermissionPolicy(Person)
    permission_required = "add"

    def get(self, request):
        return export_response(
            request,
            template_sheet(),
            fmt=request.GET.get("export", "xlsx"),
            kind="people-import-template",
            filename="people-import-template",
        )


def scoped_view_class(view_class: type) -> type:
    """``view_class`` made to see only the rows of the user's organisations, if it does not
    already: a listing (Wagtail's IndexView) through ``ScopedIndexMixin``, a view of one object
    (anything with ``get_object``: edit, delete, history, usage, inspect, copy) through
    ``ScopedObjectMixin``; an add screen (``CreateView``) needs an organisation to add to
    (``NeedsOrganisationToAddMixin``). Other views are returned as they are."""
    mixins = []
    if issubclass(view_class, generic.CreateView) and not issubclass(view_class, NeedsOrganisationMixin):
        mixins.append(NeedsOrganisationToAddMixin)
    if issubclass(view_class, generic.IndexView) and not issubclass(view_class, ScopedIndexMixin):
        mixins.append(ScopedIndexMixin)
    if hasattr(view_class, "get_object") and not issubclass(view_class, ScopedObjectMixin):
        mixins.append(ScopedObjectMixin)
    if not mixins:
        return view_class
    return type(f"Scoped{view_class.__name__}", (*mixins, view_class), {"__module__": view_class.__module__})


class PlainInspectView(generic.InspectView):
    """Wagtail's inspect view, a yes/no field as "Ja"/"Nej" and nothing as "–" (Wagtail shows
    Python's True, False and None)."""

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        return "–" if value is None else value


class ScopedModelViewSet(ModelViewSet):
    """A ModelViewSet whose every view sees only the rows of the user's organisations (the
    model's manager offers ``for_user``); another organisation's object answers 404.

    The scoping is added where the viewset builds its views (``construct_view``), to whatever
    view class it is given, so a viewset that sets its own ``delete_view_class`` (or any other)
    cannot lose it. Reordering (Wagtail's ReorderView fetches rows by itself) stays off."""

    copy_view_enabled = False
    sort_order_field = None
    delete_view_class = ProtectedDeleteView
    inspect_view_class = PlainInspectView

    def construct_view(self, view_class, **kwargs):
        return super().construct_view(scoped_view_class(view_class), **kwargs)


def umbrella_administrator_only(view):
    """For Wagtail's own admin screens that list every organisation's rows: the umbrella
    administrator (superuser) opens them; anyone else with admin access is refused as for any
    admin screen she may not open, and everyone else is sent to the login as usual."""
    admin_view = never_cache(require_admin_access(view))

    def wrapped(request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not user.is_superuser and user.has_perm("wagtailadmin.access_admin"):
            return permission_denied(request)
        return admin_view(request, *args, **kwargs)

    return wrapped


#: Wagtail's site history lists log entries by content type only: a coordinator would see the
#: register changes (names) of every organisation. ``lms/urls.py`` puts these first.
site_history = umbrella_administrator_only(LogEntriesView.as_view())
site_history_results = umbrella_administrator_only(LogEntriesView.as_view(results_only=True))
#: Wagtail's page types usage report names the last edited page of each type in the whole
#: site (another organisation's course, say): likewise the umbrella administrator's only.
page_types_usage = umbrella_administrator_only(PageTypesUsageReportView.as_view())
page_types_usage_results = umbrella_administrator_only(PageTypesUsageReportView.as_view(results_only=True))

#: Wagtail's own admin patterns that list every organisation's rows, and the views that take
#: their place: (path under the admin, URL name, view). A host puts these in front of
#: Wagtail's admin URLs (``lms/urls.py``); the reports menu hides them for everyone else.
UMBRELLA_ONLY_REPORTS = [
    ("reports/site-history/", "people_site_history", "site-history", site_history),
    ("reports/site-history/results/", "people_site_history_results", None, site_history_results),
    ("reports/page-types-usage/", "people_page_types_usage", "page-types-usage", page_types_usage),
    ("reports/page-types-usage/results/", "people_page_types_usage_results", None, page_types_usage_results),
]
