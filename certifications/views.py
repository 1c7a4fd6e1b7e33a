"""The clearance board: who may work which shift on a date, and why not."""

from __future__ import annotations

import base64
import datetime

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from django_tables2 import RequestConfig
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from people.exports import export_response
from people.models import Organisation

from .clearance import clearance
from .forms import BoardFilterForm, ReportForm
from .models import FrozenReport
from .report import (
    FORMATS,
    competence_report,
    coverage_chart,
    freeze_report,
    hours_chart,
    render_report,
    report_tables,
)
from .tables import ClearanceTable


def organisation_for(request) -> Organisation:
    """The coordinator's organisation; a superuser picks one with ?organisation=<id>."""
    if request.user.is_superuser:
        chosen = request.GET.get("organisation")
        if chosen:
            return get_object_or_404(Organisation, pk=chosen)
        organisation = Organisation.objects.order_by("name").first()
    else:
        organisation = request.user.organisation
    if organisation is None:
        raise Http404
    return organisation


class ClearanceBoardView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "certifications/admin/board.html"
    header_icon = "tick-inverse"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("certifications.view_shiftrole"):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Clearance board")

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get(self, request, *args, **kwargs):
        self.organisation = organisation_for(request)
        self.form = BoardFilterForm(
            request.GET or None, organisation=self.organisation, initial={"on": timezone.localdate()}
        )
        self.day = self.form.day()
        data = self.form.cleaned_data if self.form.is_bound and self.form.is_valid() else {}
        role = data.get("role")
        results = clearance(self.organisation, self.day, roles=[role] if role else None)
        if data.get("group"):
            results = [r for r in results if data["group"] in r.person.member_groups]
        if data.get("cleared"):
            results = [r for r in results if r.cleared == (data["cleared"] == "yes")]
        if data.get("q"):
            needle = data["q"].lower()
            results = [r for r in results if needle in f"{r.person.get_full_name()} {r.person.email}".lower()]
        self.results = results
        self.table = ClearanceTable(results)
        if request.GET.get("export") in ("csv", "xlsx"):
            return self.export(request.GET["export"])
        RequestConfig(request, paginate={"per_page": 50}).configure(self.table)
        return super().get(request, *args, **kwargs)

    def export(self, fmt: str):
        columns = ["name", "groups", "role", "cleared", "reasons", "warnings"]
        headers = [str(self.table.columns[c].header) for c in columns]
        rows, protected = [], 0
        for result, values in zip(self.results, list(self.table.as_values())[1:], strict=True):
            values = list(values)
            if result.person.protected_identity:
                protected += 1
                values[0] = _("Protected identity %(number)d") % {"number": protected}
            rows.append(values)
        return export_response(
            headers, rows, fmt, filename=f"clearance-{self.day.isoformat()}", title=_("Clearance")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        context.update(
            form=self.form,
            table=self.table,
            day=self.day,
            organisation=self.organisation,
            organisations=Organisation.objects.all() if self.request.user.is_superuser else None,
            cleared_count=sum(1 for r in self.results if r.cleared),
            total=len(self.results),
            query=query.urlencode(),
        )
        return context


class ReportView(WagtailAdminTemplateMixin, TemplateView):
    """The competence report for the board: pick period and version, see the figures, edit the
    narrative, download the files, freeze a copy."""

    template_name = "certifications/admin/report.html"
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("certifications.view_frozenreport"):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Competence report")

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": "", "label": self.get_page_title()},
        ]

    def build(self, data) -> bool:
        self.organisation = organisation_for(self.request)
        self.form = ReportForm(
            data or None, initial={"year": timezone.localdate().year, "version": "internal"}
        )
        self.report, self.external, narrative = None, False, ""
        if self.form.is_bound:
            if not self.form.is_valid():
                return False
            start, end = self.form.period()
            self.external = self.form.cleaned_data["version"] == "external"
            narrative = (self.form.cleaned_data.get("narrative") or "").strip()
        else:
            year = timezone.localdate().year
            start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        self.report = competence_report(self.organisation, start, end, external=self.external)
        self.narrative_for = f"{start}|{end}|{'external' if self.external else 'internal'}"
        # An edited narrative belongs to the period and version it was written for: switching either
        # starts again from the generated one (so internal figures never leak into the external).
        if narrative and self.request.POST.get("narrative_for") == self.narrative_for:
            self.report["narrative"] = narrative
        return True

    def get(self, request, *args, **kwargs):
        if not self.build(request.GET):
            return self.render_to_response(self.get_context_data())
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.build(request.POST):
            return self.render_to_response(self.get_context_data())
        action = request.POST.get("action", "")
        if action == "freeze":
            if not request.user.has_perm("certifications.add_frozenreport"):
                return permission_denied(request)
            frozen = freeze_report(self.report, self.organisation, self.external, request.user)
            messages.success(request, _("The report was frozen: %(report)s") % {"report": frozen})
            return redirect("certifications_report")
        if action in FORMATS:
            return self.download(render_report(self.report, self.organisation, self.external, action), action)
        if action in ("chart-hours", "chart-coverage"):
            response = HttpResponse(self.chart(action), content_type="image/png")
            period = self.report["period"]
            response["Content-Disposition"] = (
                f'attachment; filename="{action}-{period["start"]}-{period["end"]}.png"'
            )
            return response
        return self.render_to_response(self.get_context_data())

    def chart(self, which: str) -> bytes:
        if which == "chart-hours":
            period = self.report["period"]
            return hours_chart(
                self.organisation,
                datetime.date.fromisoformat(period["start"]),
                datetime.date.fromisoformat(period["end"]),
            )
        return coverage_chart(self.report)

    def download(self, content: bytes, fmt: str, name: str | None = None) -> HttpResponse:
        content_type, extension = FORMATS[fmt]
        period = self.report["period"]
        version = "external" if self.external else "internal"
        filename = name or f"competence-report-{period['start']}-{period['end']}-{version}.{extension}"
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = getattr(self, "report", None)
        context.update(
            form=self.form,
            report=report,
            tables=report_tables(report)[:-1] if report else [],
            external=getattr(self, "external", False),
            organisation=self.organisation,
            frozen=FrozenReport.objects.for_user(self.request.user)
            .filter(organisation=self.organisation)
            .select_related("frozen_by")[:50],
            formats=list(FORMATS),
            narrative_for=getattr(self, "narrative_for", ""),
            charts=[
                (
                    _("Training hours per month"),
                    "chart-hours",
                    base64.b64encode(self.chart("chart-hours")).decode(),
                ),
                (
                    _("Qualification coverage"),
                    "chart-coverage",
                    base64.b64encode(self.chart("chart-coverage")).decode(),
                ),
            ]
            if report
            else [],
        )
        return context


def frozen_report_download(request, pk: int, fmt: str):
    """A frozen report's file, exactly as it was stored."""
    if not request.user.has_perm("certifications.view_frozenreport"):
        return permission_denied(request)
    frozen = get_object_or_404(FrozenReport.objects.for_user(request.user), pk=pk)
    if fmt not in FrozenReport.FILES:
        raise Http404
    content_type, extension = FORMATS[fmt]
    version = "external" if frozen.external else "internal"
    response = HttpResponse(bytes(getattr(frozen, FrozenReport.FILES[fmt])), content_type=content_type)
    filename = f"competence-report-{frozen.start}-{frozen.end}-{version}-frozen-{frozen.pk}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
