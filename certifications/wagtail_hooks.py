"""Competence in the Wagtail admin: qualification types, qualifications, training records, shift
roles, the clearance board and the home-page panel of coming expiries."""

from django import forms
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, ObjectList
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permissions import register_permission_policy

from jour_core.collation import name_key
from jour_core.columns import DayColumn, NumberColumn
from jour_core.pagecache import kept
from people.views import PERSON_PAGE_HOOK, ScopedModelViewSet

from . import views
from .clearance import clearance
from .describe import describe
from .filters import QualificationFilterSet
from .forms import QualificationForm, QualificationTypeForm, ShiftRoleForm, TrainingRecordForm
from .models import Certificate, Qualification, QualificationType, ShiftRole, TrainingRecord


class QualificationTypeViewSet(ScopedModelViewSet):
    model = QualificationType
    icon = "tag"
    url_prefix = "competence/types"
    name = "certifications_type"
    list_display = [
        "name",
        "valid_months",
        Column("granted_by_course", label=_("Granted by completing")),
        Column("applies_to_display", label=_("Applies to")),
    ]
    search_fields = ["name"]
    search_backend_name = None
    edit_handler = ObjectList(
        [
            FieldPanel("organisation", permission="superuser"),
            FieldPanel("name"),
            FieldPanel("description"),
            FieldPanel("valid_months"),
            FieldPanel("granted_by_course"),
            FieldPanel("applies_to"),
            FieldPanel("is_pledge"),
        ],
        base_form_class=QualificationTypeForm,
    )


class QualificationViewSet(ScopedModelViewSet):
    model = Qualification
    icon = "success"
    url_prefix = "competence/qualifications"
    name = "certifications_qualification"
    list_display = [
        Column("person", label=_("Person"), sort_key="person__last_name"),
        Column("type", label=_("Type"), sort_key="type__name"),
        DayColumn("issued_on", label=_("Issued on"), sort_key="issued_on"),
        DayColumn("expires_on", label=_("Expires / renew by"), sort_key="expires_on"),
        DayColumn("revoked_on", label=_("Revoked on"), sort_key="revoked_on"),
        Column("get_source_display", label=_("Source")),
    ]
    filterset_class = QualificationFilterSet
    search_fields = ["person__first_name", "person__last_name", "person__email", "type__name"]
    search_backend_name = None
    list_export = ["person", "type", "issued_on", "expires_on", "revoked_on", "source"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("person"), FieldPanel("type")]),
            FieldRowPanel([FieldPanel("issued_on"), FieldPanel("expires_on")]),
            FieldRowPanel([FieldPanel("revoked_on"), FieldPanel("revoke_reason")]),
            FieldPanel("document"),
        ],
        base_form_class=QualificationForm,
    )


class TrainingRecordViewSet(ScopedModelViewSet):
    """Deleting moves a record to the trash ("Deleted training records"), where the
    coordinator can restore it."""

    model = TrainingRecord
    icon = "doc-full"
    url_prefix = "competence/training"
    name = "certifications_training"
    index_view_class = views.TrainingRecordIndexView
    delete_view_class = views.TrainingRecordDeleteView
    list_display = [
        "title",
        "provider",
        DayColumn("date", label=_("Date"), sort_key="date"),
        NumberColumn(
            "hours", label=capfirst(TrainingRecord._meta.get_field("hours").verbose_name), sort_key="hours"
        ),
        Column("theme", label=_("Theme"), sort_key="theme__name"),
    ]
    search_fields = ["title", "provider"]
    search_backend_name = None
    list_export = ["title", "provider", "date", "hours", "theme"]
    edit_handler = ObjectList(
        [
            FieldPanel("organisation", permission="superuser"),
            FieldPanel("title"),
            FieldRowPanel([FieldPanel("provider"), FieldPanel("date"), FieldPanel("hours")]),
            FieldPanel("theme"),
            FieldPanel("attendees", heading=_("Who attended"), widget=forms.CheckboxSelectMultiple),
        ],
        base_form_class=TrainingRecordForm,
    )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("trash/", views.TrainingRecordTrashView.as_view(), name="trash"),
            path("trash/<int:pk>/restore/", views.TrainingRecordRestoreView.as_view(), name="restore"),
        ]


class ShiftRoleViewSet(ScopedModelViewSet):
    model = ShiftRole
    icon = "list-ol"
    url_prefix = "competence/roles"
    name = "certifications_role"
    list_display = [
        "name",
        NumberColumn(
            "min_training_hours",
            label=capfirst(ShiftRole._meta.get_field("min_training_hours").verbose_name),
            sort_key="min_training_hours",
        ),
        "training_window_months",
    ]
    ordering = ["sort_order", "name"]
    edit_handler = ObjectList(
        [
            FieldPanel("organisation", permission="superuser"),
            FieldPanel("name"),
            FieldPanel("description"),
            InlinePanel(
                "requirements", heading=_("Required qualifications, in order"), label=_("Requirement")
            ),
            FieldRowPanel([FieldPanel("min_training_hours"), FieldPanel("training_window_months")]),
            FieldPanel("sort_order"),
        ],
        base_form_class=ShiftRoleForm,
    )


register_permission_policy(Certificate, views.CertificatePermissionPolicy(Certificate))


class CertificateViewSet(ScopedModelViewSet):
    """The certificates issued by the user's organisations (on their first download). Nobody adds
    or deletes one here (``CertificatePermissionPolicy``); a certificate's page ("edit") shows it
    and revokes it (``views.CertificateView``)."""

    model = Certificate
    icon = "doc-full-inverse"
    url_prefix = "competence/certificates"
    name = "certifications_certificate"
    list_display = [
        "grouped_code",  # the title column: it opens the certificate's page
        Column("person", label=_("Holder"), sort_key="person__last_name"),
        Column("course_title", label=_("Course")),
        DayColumn("issued_at", label=_("Issued"), sort_key="issued_at"),
        DayColumn("revoked_at", label=pgettext_lazy("a certificate", "Revoked"), sort_key="revoked_at"),
    ]
    search_fields = ["code", "person__first_name", "person__last_name"]
    search_backend_name = None
    form_fields = ["revoke_reason"]

    @property
    def edit_view(self):
        return views.CertificateView.as_view()


class CompetenceGroup(ViewSetGroup):
    menu_label = _("Competence")
    menu_icon = "tick-inverse"
    menu_order = 160
    items = (
        QualificationViewSet,
        TrainingRecordViewSet,
        CertificateViewSet,
        QualificationTypeViewSet,
        ShiftRoleViewSet,
    )


@hooks.register("register_log_actions")
def register_certificate_log_actions(actions):
    actions.register_action("certifications.revoke", _("Revoke certificate"), _("Certificate revoked"))


@hooks.register("register_admin_viewset")
def register_viewsets():
    return CompetenceGroup()


@hooks.register("register_admin_urls")
def register_board_url():
    return [
        path("competence/clearance/", views.ClearanceBoardView.as_view(), name="certifications_board"),
        path("competence/report/", views.ReportView.as_view(), name="certifications_report"),
        path(
            "competence/report/frozen/<int:pk>/<str:fmt>/",
            views.FrozenReportDownloadView.as_view(),
            name="certifications_frozen_report",
        ),
        path("competence/people/<int:pk>/", views.PersonView.as_view(), name="certifications_person"),
        path(
            "competence/people/<int:pk>/invite/",
            views.PersonInviteView.as_view(),
            name="certifications_person_invite",
        ),
        path(
            "competence/people/<int:pk>/calendar/",
            views.PersonCalendarResetView.as_view(),
            name="certifications_person_calendar",
        ),
    ]


@hooks.register(PERSON_PAGE_HOOK)
def person_page_url(person):
    """The register links to her page here (people/views.py ``person_page_url``)."""
    return reverse("certifications_person", args=[person.pk])


class BoardMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("jour_certifications.view_shiftrole")


@hooks.register("register_admin_menu_item")
def register_board_menu_item():
    return BoardMenuItem(
        _("Clearance board"), reverse("certifications_board"), icon_name="tick-inverse", order=155
    )


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("jour_certifications.view_frozenreport")


@hooks.register("register_admin_menu_item")
def register_report_menu_item():
    return ReportMenuItem(
        _("Competence report"), reverse("certifications_report"), icon_name="doc-full", order=158
    )


class ExpiringClearancePanel(Component):
    """Home-page panel: who loses clearance within 30 days."""

    name = "expiring_clearance"
    order = 50
    template_name = "jour_certifications/admin/expiring_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        organisation = self.request.user.organisation  # its data version first, then the data
        rows = []
        if organisation is not None:
            # The engine on every person and role (seven queries) once a day and data version,
            # as the clearance board's page; the rows are words in the language shown.
            day = timezone.localdate()
            versions = [(organisation.pk, organisation.data_version)]
            rows = kept("certifications:expiring", versions, lambda: expiring_rows(organisation, day), day)
        return {"rows": rows, "board_url": reverse("certifications_board")}


def expiring_rows(organisation, day) -> list[dict[str, str]]:
    """Who loses which clearance within 30 days and why, the first to lapse first, then by name."""
    rows = [
        (
            (warning.on, name_key(result.person), result.role.sort_order),
            {"person": str(result.person), "role": str(result.role), "text": describe(warning)},
        )
        for result in clearance(organisation, day)
        for warning in result.warnings
    ]
    return [row for _key, row in sorted(rows, key=lambda item: item[0])]


@hooks.register("construct_homepage_panels")
def add_expiring_panel(request, panels):
    if request.user.has_perm("jour_certifications.view_shiftrole") and request.user.organisation_id:
        panels.append(ExpiringClearancePanel(request))


@hooks.register("insert_global_admin_css")
def admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("certifications/admin.css"))
