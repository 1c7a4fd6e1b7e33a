"""The clearance board: who may work which shift on a date, and why not."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail import hooks
from wagtail.admin import messages as admin_messages
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy

from courses.ical import feed_token
from courses.models import FeedKind
from jour_core.audit import audit
from jour_core.auth import client_address
from jour_core.exports import ExportFile, PersonCell, Sheet, export_response
from jour_core.pagecache import cached_page, keep_page, page_key
from jour_core.passwordreset import invitations_possible, send_invitation
from jour_core.ratelimit import count_request
from people.membership import LEFT, membership_on
from people.models import Organisation, Person
from people.views import (
    AdminPermissionMixin,
    NeedsOrganisationMixin,
    NoOrganisation,
    ScopedIndexMixin,
    ScopedObjectMixin,
    organisation_to_work_on,
)

from .board import BoardFilters, board_page, board_sort, clearance_board
from .certificate_pdf import certificate_pdf, hours_text
from .certificates import (
    CODE_LENGTH,
    completion_for_download,
    issue_certificate,
    normalised_code,
    revoke_certificate,
    verify,
)
from .conf import app_settings
from .forms import BoardFilterForm, ReportForm, RevokeCertificateForm, VerifyCodeForm
from .models import Certificate, FrozenReport, ShiftRole, TrainingRecord
from .person import person_overview
from .report import (
    ALL_ORGANISATIONS,
    CHARTS,
    FORMATS,
    Umbrella,
    chart_title,
    freeze_report,
    made_report,
    narrative_key,
    render_report,
    report_rows,
    report_tables,
    umbrella_overview,
    with_edited_narrative,
    year_period,
)
from .tables import COLUMNS as BOARD_COLUMNS
from .tables import cells as board_cells
from .tables import headers as board_headers
from .tables import values as board_values


def organisation_for(request) -> Organisation:
    """The organisation the screen works on (``people.views.organisation_to_work_on``): the
    coordinator's; a superuser picks one with ?organisation=<id> (another id: 404). None to work
    on: ``NoOrganisation``, which the screen's ``NeedsOrganisationMixin`` answers with a page
    saying what to do."""
    return organisation_to_work_on(request)


class ClearanceBoardView(
    NeedsOrganisationMixin, AdminPermissionMixin, WagtailAdminTemplateMixin, TemplateView
):
    template_name = "jour_certifications/admin/board.html"
    header_icon = "tick-inverse"
    permission_policy = ModelPermissionPolicy(ShiftRole)
    permission_required = "view"

    def get_page_title(self):
        return _("Clearance board")

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get(self, request, *args, **kwargs):
        self.organisation = organisation_for(request)  # its data version first, then the data
        export = request.GET.get("export")
        key = None
        if export not in ("csv", "xlsx"):
            # The query string and today's date say which date and filters the page shows.
            key = page_key(
                request, "certifications_board", self.organisation.data_version, timezone.localdate()
            )
            cached = cached_page(request, key)
            if cached is not None:
                return cached
        self.form = BoardFilterForm(
            request.GET or None, organisation=self.organisation, initial={"on": timezone.localdate()}
        )
        self.day = self.form.day()
        valid = not self.form.is_bound or self.form.is_valid()
        self.filters = BoardFilters.from_form(self.form.cleaned_data if self.form.is_bound and valid else {})
        if export in ("csv", "xlsx") and valid:  # a refused filter shows the page with its message
            return self.export(export)
        # 50 a page, whatever ?per_page= says; any ?page= is a page (a number past the end is
        # the last page, anything else the first), as Django's Paginator.get_page reads it.
        self.sort = board_sort(request.GET.get("sort"))
        self.board = board_page(
            self.organisation, self.day, self.filters, self.sort, request.GET.get("page"), self.form.roles()
        )
        return keep_page(request, key, super().get(request, *args, **kwargs))

    def export(self, fmt: str):
        rows = [
            [PersonCell(result.person, values[0]), *values[1:]]
            for result in clearance_board(self.organisation, self.day, self.filters)
            for values in [board_values(result)]
        ]
        return export_response(
            self.request,
            Sheet([str(label) for _name, label in BOARD_COLUMNS], rows, title=_("Clearance")),
            fmt=fmt,
            kind="clearance",
            filename=f"clearance-{self.day.isoformat()}",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        page = self.board.page
        context.update(
            form=self.form,
            page=page,
            rows=[board_cells(result) for result in page.object_list],
            headers=board_headers(query, self.sort),
            pages=page.paginator.get_elided_page_range(page.number) if page.paginator.num_pages > 1 else (),
            ellipsis=page.paginator.ELLIPSIS,
            day=self.day,
            organisation=self.organisation,
            organisations=Organisation.objects.all() if self.request.user.is_superuser else None,
            cleared_count=self.board.cleared,
            total=self.board.total,
        )
        return context


class ReportView(NeedsOrganisationMixin, AdminPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """The competence report for the board: pick period and version, see the figures, edit the
    narrative, download the files, freeze a copy."""

    template_name = "jour_certifications/admin/report.html"
    header_icon = "doc-full"
    permission_policy = ModelPermissionPolicy(FrozenReport)
    permission_required = "view"

    def get_page_title(self):
        return _("Competence report")

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": "", "label": self.get_page_title()},
        ]

    def subject(self) -> Organisation | Umbrella:
        """The organisation the report is of; the umbrella administrator may ask for all of them
        (``?organisation=all``): their summed report."""
        if self.request.user.is_superuser and self.request.GET.get("organisation") == ALL_ORGANISATIONS:
            organisations = tuple(Organisation.objects.order_by("name"))
            if not organisations:
                raise NoOrganisation
            return Umbrella(organisations)
        return organisation_for(self.request)

    def build(self, data) -> bool:
        """Parse the form and compute the report it asks for (this year's internal one when
        nothing is asked); False when the form is refused."""
        self.organisation = self.subject()
        self.form = ReportForm(
            data or None, initial={"year": timezone.localdate().year, "version": "internal"}
        )
        self.report, self.external = None, False
        if not self.form.is_bound:
            start, end = year_period(timezone.localdate().year)
        elif self.form.is_valid():
            start, end = self.form.period()
            self.external = self.form.cleaned_data["version"] == "external"
        else:
            return False
        # Counted and drawn once for everyone who reads it while nothing it depends on changes.
        self.report, self.charts = made_report(self.organisation, start, end, external=self.external)
        if self.form.is_bound:
            narrative = self.form.cleaned_data.get("narrative") or ""
            self.report = with_edited_narrative(
                self.report, narrative, self.request.POST.get("narrative_for"), self.external
            )
        return True

    def get(self, request, *args, **kwargs):
        asked = request.GET.copy()
        asked.pop("organisation", None)  # which organisation, not what of it: see subject()
        if not self.build(asked):
            return self.render_to_response(self.get_context_data())
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.build(request.POST):
            return self.render_to_response(self.get_context_data())
        action = request.POST.get("action", "")
        if action == "freeze":
            if not self.user_has_permission("add") or isinstance(self.organisation, Umbrella):
                raise PermissionDenied  # a frozen report is one organisation's
            frozen = freeze_report(self.report, self.organisation, self.external, request.user)
            messages.success(request, _("The report was frozen: %(report)s") % {"report": frozen})
            return redirect("certifications_report")
        if action in FORMATS:
            return self.download(render_report(self.report, self.organisation, self.external, action), action)
        if action in CHARTS:
            response = HttpResponse(self.charts[action], content_type="image/png")
            period = self.report["period"]
            response["Content-Disposition"] = (
                f'attachment; filename="{action}-{period["start"]}-{period["end"]}.png"'
            )
            return response
        return self.render_to_response(self.get_context_data())

    def download(self, content: bytes, fmt: str) -> HttpResponse:
        """The files were made by ``render_report`` (its spreadsheets through the one export
        path); served and audited like every export."""
        extension = FORMATS[fmt]
        period = self.report["period"]
        version = "external" if self.external else "internal"
        return export_response(
            self.request,
            ExportFile(content, extension, report_rows(self.report)),
            kind="competence-report",
            filename=f"competence-report-{period['start']}-{period['end']}-{version}",
            version=version,
            report_org=self.organisation.pk or ALL_ORGANISATIONS,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = getattr(self, "report", None)
        context.update(
            form=self.form,
            report=report,
            tables=report_tables(report, getattr(self, "external", False))[:-1] if report else [],
            external=getattr(self, "external", False),
            organisation=self.organisation,
            umbrella=isinstance(self.organisation, Umbrella),
            organisations=Organisation.objects.order_by("name") if self.request.user.is_superuser else [],
            overview=umbrella_overview(list(self.organisation.organisations), timezone.localdate())
            if isinstance(self.organisation, Umbrella)
            else [],
            frozen=FrozenReport.objects.for_user(self.request.user)
            .filter(organisation=self.organisation.pk)
            .select_related("frozen_by")[:50],
            formats=list(FORMATS),
            narrative_for=narrative_key(report, self.external) if report else "",
            charts=[
                (
                    chart_title(report, which, self.external),
                    which,
                    base64.b64encode(self.charts[which]).decode(),
                )
                for which in CHARTS
            ]
            if report
            else [],
        )
        return context


class FrozenReportDownloadView(AdminPermissionMixin, View):
    """A frozen report's file, exactly as it was stored."""

    permission_policy = ModelPermissionPolicy(FrozenReport)
    permission_required = "view"

    def get(self, request, pk: int, fmt: str):
        frozen = get_object_or_404(FrozenReport.objects.for_user(request.user), pk=pk)
        if fmt not in FrozenReport.FILES:
            raise Http404
        extension = FORMATS[fmt]
        version = "external" if frozen.external else "internal"
        # Stored as it was made at freezing (its spreadsheets through the one export path).
        return export_response(
            request,
            ExportFile(bytes(getattr(frozen, FrozenReport.FILES[fmt])), extension, report_rows(frozen.data)),
            kind="competence-report-frozen",
            filename=f"competence-report-{frozen.start}-{frozen.end}-{version}-frozen-{frozen.pk}",
            version=version,
            report=frozen.pk,
        )


class TrainingRecordTrashMixin(AdminPermissionMixin):
    """The deleted training records of the user's organisations; another organisation's record
    answers 404. Restoring needs the delete permission (the same people who may delete)."""

    permission_policy = ModelPermissionPolicy(TrainingRecord)
    permission_required = "delete"

    def trash(self):
        return (
            TrainingRecord.all_objects.deleted()
            .for_user(self.request.user)
            .select_related("organisation", "deleted_by")
        )

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {
                "url": reverse("certifications_training:index"),
                "label": capfirst(TrainingRecord._meta.verbose_name_plural),
            },
            {"url": reverse("certifications_training:trash"), "label": _("Deleted training records")},
        ]


class TrainingRecordTrashView(TrainingRecordTrashMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "jour_certifications/admin/training_trash.html"
    header_icon = "bin"

    def get_page_title(self):
        return _("Deleted training records")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["records"] = self.trash().order_by("-deleted_at")
        context["show_organisation"] = self.request.user.is_superuser
        return context


class TrainingRecordRestoreView(TrainingRecordTrashMixin, WagtailAdminTemplateMixin, TemplateView):
    """GET asks for confirmation; POST (with the CSRF token) takes the record out of the trash."""

    template_name = "jour_certifications/admin/training_restore.html"
    header_icon = "undo"

    def get_page_title(self):
        return _("Restore training record")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.record = None

    def get_record(self) -> TrainingRecord:
        if self.record is None:
            self.record = get_object_or_404(self.trash(), pk=self.kwargs["pk"])
        return self.record

    def get_page_subtitle(self):
        return str(self.get_record())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["record"] = self.get_record()
        return context

    def post(self, request, *args, **kwargs):
        record = self.get_record()
        record.restore(by=request.user)
        messages.success(request, _("Training record '%(object)s' was restored.") % {"object": record})
        return redirect("certifications_training:edit", record.pk)


class TrainingRecordIndexView(ScopedIndexMixin, generic.IndexView):
    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.request.user.has_perm("jour_certifications.delete_trainingrecord"):
            buttons.append(
                HeaderButton(
                    _("Deleted training records"),
                    url=reverse("certifications_training:trash"),
                    icon_name="bin",
                )
            )
        return buttons


class TrainingRecordDeleteView(ScopedObjectMixin, generic.DeleteView):
    """Deleting a training record moves it to the trash (``deleted_at``/``deleted_by``): it stops
    counting at once and the coordinator can undo it from the message or the trash."""

    @property
    def confirmation_message(self):
        return _(
            "The training record is moved to the trash: it stops counting toward clearance and "
            "the report. You can restore it under Deleted training records."
        )

    def delete_action(self):
        self.object.soft_delete(by=self.request.user)

    def form_valid(self, form):
        success_url = self.get_success_url()
        self.delete_action()
        admin_messages.success(
            self.request,
            _("Training record '%(object)s' was moved to the trash.") % {"object": self.object},
            buttons=[
                admin_messages.button(
                    reverse("certifications_training:restore", args=[self.object.pk]), _("Undo")
                )
            ],
        )
        return redirect(success_url)


# A person's page -------------------------------------------------------------------------------

#: The Wagtail hook another app registers to add actions to a person's page: a function of the
#: request and the person answering a list of :class:`PersonAction` (the host's "download her
#: data" comes this way, since the data of every app is the host's to gather).
PERSON_ACTIONS_HOOK = "register_person_page_actions"


@dataclass(frozen=True)
class PersonAction:
    label: str
    url: str
    icon: str = "arrow-right"


def may_be_invited(person: Person) -> bool:
    """An invitation goes to an active account with an address, of someone who has not left."""
    left = membership_on(person.joined_on, person.left_on, timezone.localdate()) == LEFT
    return person.is_active and bool(person.email) and not left


class PersonMixin(AdminPermissionMixin):
    """A person of the register the user may see (``Person.objects.for_user``): another
    organisation's person, or an umbrella administrator, answers 404."""

    permission_policy = ModelPermissionPolicy(Person)

    def get_person(self) -> Person:
        if not hasattr(self, "person"):
            people = Person.objects.for_user(self.request.user).select_related("organisation")
            self.person = get_object_or_404(people, pk=self.kwargs["pk"])
        return self.person

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("people_person:index"), "label": capfirst(Person._meta.verbose_name_plural)},
            {
                "url": reverse("certifications_person", args=[self.get_person().pk]),
                "label": str(self.get_person()),
            },
        ]


class PersonView(PersonMixin, WagtailAdminTemplateMixin, TemplateView):
    """Her page: groups, runs and progress, qualifications, hours, clearance per role, and the
    actions (for those who may change the register)."""

    template_name = "jour_certifications/admin/person.html"
    header_icon = "user"
    permission_required = "view"

    def get_page_title(self):
        return str(self.get_person())

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items()[:-1], {"url": "", "label": self.get_page_title()}]

    def actions(self, person: Person) -> list[PersonAction]:
        if not self.user_has_permission("change"):
            return []
        actions = []
        if invitations_possible() and may_be_invited(person):
            actions.append(
                PersonAction(
                    _("Send an invitation"), reverse("certifications_person_invite", args=[person.pk]), "mail"
                )
            )
        actions += [
            PersonAction(
                _("Reset her calendar link"),
                reverse("certifications_person_calendar", args=[person.pk]),
                "date",
            ),
        ]
        for more in hooks.get_hooks(PERSON_ACTIONS_HOOK):
            actions += more(self.request, person)
        return actions

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.get_person()
        context.update(
            overview=person_overview(person, timezone.localdate()),
            actions=self.actions(person),
            may_edit=self.user_has_permission("change"),
        )
        return context


class PersonActionView(PersonMixin, WagtailAdminTemplateMixin, TemplateView):
    """GET asks for confirmation; POST (with the CSRF token) does it and goes back to her page."""

    template_name = "jour_certifications/admin/person_confirm.html"
    permission_required = "change"
    question = ""
    confirm_label = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            person=self.get_person(),
            question=self.question % {"name": self.get_person()},
            confirm_label=self.confirm_label,
            back_url=reverse("certifications_person", args=[self.get_person().pk]),
        )
        return context

    def post(self, request, *args, **kwargs):
        self.act(self.get_person())
        return redirect("certifications_person", self.get_person().pk)


class PersonInviteView(PersonActionView):
    """An email to her with a link to choose her password (``jour_core.passwordreset``
    ``send_invitation``), through the task queue as every email."""

    header_icon = "mail"
    question = gettext_lazy(
        "Send %(name)s an invitation? She gets an email with a link to choose her password. "
        "A password she has already chosen keeps working until she chooses a new one."
    )
    confirm_label = gettext_lazy("Yes, send the invitation")

    def dispatch(self, request, *args, **kwargs):
        if not invitations_possible():  # a host without a page to choose a password
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Send an invitation")

    def post(self, request, *args, **kwargs):
        person = self.get_person()
        response = redirect("certifications_person", person.pk)
        if not may_be_invited(person):
            messages.error(
                request,
                _("%(name)s has left or has no active account: no invitation was sent.") % {"name": person},
            )
            return response
        send_invitation.enqueue(
            person_id=person.pk,
            domain=request.get_host(),
            use_https=request.is_secure(),
            language=settings.LANGUAGE_CODE,
        )
        audit("person.invited", request, person=person.pk)
        messages.success(request, _("An invitation was sent to %(email)s.") % {"email": person.email})
        return response


class PersonCalendarResetView(PersonActionView):
    """A new link for her calendar (``courses.ical.feed_token``, as she makes one herself): the
    old one answers 404 at once."""

    header_icon = "date"
    question = gettext_lazy(
        "Give %(name)s a new calendar link? The link she subscribed with stops working at once; "
        "she subscribes again from My training."
    )
    confirm_label = gettext_lazy("Yes, make a new link")

    def get_page_title(self):
        return _("Reset her calendar link")

    def act(self, person: Person) -> None:
        feed_token(person, FeedKind.MY_SESSIONS, reset=True)
        audit("feed.reset", self.request, kind=FeedKind.MY_SESSIONS, person=person.pk)
        messages.success(
            self.request,
            _("%(name)s has a new calendar link; the old one no longer works.") % {"name": person},
        )


# Certificates ------------------------------------------------------------------------------------


class CertificatePermissionPolicy(ModelPermissionPolicy):
    """Certificates are issued by downloading them and never deleted (revoked instead): nobody
    adds or deletes one in the admin, the umbrella administrator neither. ``change`` is revoking."""

    REFUSED = frozenset({"add", "delete"})

    def user_has_permission(self, user, action):
        return action not in self.REFUSED and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return super().user_has_any_permission(user, [a for a in actions if a not in self.REFUSED])


class CertificateView(AdminPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """One certificate of the user's organisations (another's answers 404): what it states, its
    state, and the form that revokes it: a reason is required, and the page says what revoking
    does before the button does it. Recorded in the certificate's history, Wagtail's log and the
    audit log."""

    template_name = "jour_certifications/admin/certificate.html"
    header_icon = "doc-full-inverse"
    permission_policy = CertificatePermissionPolicy(Certificate)
    permission_required = "change"

    def get_page_title(self):
        return _("Certificate")

    def get_page_subtitle(self):
        return self.certificate.display_code

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("certifications_certificate:index"), "label": _("Certificates")},
            {"url": "", "label": self.certificate.display_code},
        ]

    def dispatch(self, request, *args, **kwargs):
        self.certificate = get_object_or_404(
            Certificate.objects.for_user(request.user).select_related(
                "person", "organisation", "revoked_by", "issued_by"
            ),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        certificate = self.certificate
        context.update(
            certificate=certificate,
            total_hours=hours_text(certificate.details["total_hours"]),
            form=kwargs.get("form") or RevokeCertificateForm(),
            download_url=None
            if certificate.is_revoked or certificate.person.protected_identity
            else reverse("certifications_certificate_pdf", args=[certificate.completion_id]),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = RevokeCertificateForm(request.POST)
        if self.certificate.is_revoked:
            messages.error(request, _("The certificate was already revoked."))
            return redirect("certifications_certificate:edit", self.certificate.pk)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        if revoke_certificate(self.certificate, request.user, form.cleaned_data["reason"]):
            log(instance=self.certificate, action="certifications.revoke", user=request.user)
            audit("certificate.revoked", request, certificate=self.certificate.pk)
            messages.success(
                request, _("Certificate %(code)s was revoked.") % {"code": self.certificate.display_code}
            )
        return redirect("certifications_certificate:index")


@login_required
def certificate_download(request, pk: int):
    """Her certificate of a completion as a PDF (issued on the first download): hers, or for a
    coordinator of the course's organisation (``certificates.completion_for_download``); anyone
    else, a flagged completion or a revoked certificate: 404. Served and audited as an export."""
    completion = completion_for_download(request.user, pk)
    certificate = issue_certificate(completion, by=request.user) if completion is not None else None
    if certificate is None or certificate.is_revoked:
        raise Http404
    verify_url = request.build_absolute_uri(reverse("certifications_verify", args=[certificate.code]))
    content = certificate_pdf(certificate, completion.person.get_full_name(), verify_url)
    return export_response(
        request,
        ExportFile(content, "pdf", None),
        kind="certificate",
        filename=f"intyg-{slugify(certificate.details['course'])[:50] or 'kurs'}",
        certificate=certificate.pk,
    )


def _verification_headers(response):
    """Nothing of a check kept by a shared cache or a search engine."""
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def verify_form(request):
    """The public page where a code from a paper is typed (``?kod=``): on to its answer."""
    typed = request.GET.get("kod")
    form = VerifyCodeForm(request.GET if typed is not None else None)
    if form.is_bound and form.is_valid():
        return redirect("certifications_verify", code=form.cleaned_data["kod"])
    return _verification_headers(render(request, "jour_certifications/verify.html", {"form": form}))


def verify_code(request, code: str):
    """The public answer for a code: genuine (course, dates, organisation, initials; nothing but
    "valid" for a protected identity), revoked (and when), or no certificate with that code
    (404, after the same one query). Rate-limited per client address."""
    looked_up = count_request(
        "certificate-verify",
        client_address(request) or "-",
        app_settings.CERTIFICATIONS_VERIFY_WINDOW_SECONDS,
    )
    context = {"form": VerifyCodeForm(), "code": normalised_code(code)[:CODE_LENGTH]}
    if looked_up > app_settings.CERTIFICATIONS_VERIFY_LIMIT:
        audit("certificate.verify_limited", request)
        response = render(
            request, "jour_certifications/verify.html", {**context, "limited": True}, status=429
        )
        return _verification_headers(response)
    verification = verify(code)
    context.update(verification=verification, asked=True)
    status = 200 if verification is not None else 404
    return _verification_headers(render(request, "jour_certifications/verify.html", context, status=status))
