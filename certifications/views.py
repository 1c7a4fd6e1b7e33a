"""The clearance board: who may work which shift on a date, and why not."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
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
from .forms import BoardFilterForm
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
