"""The quality work's own admin screens: the competence plan against what was done."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permission_policies import ModelPermissionPolicy

from certifications.views import organisation_for
from people.models import Organisation
from people.views import AdminPermissionMixin

from .models import FIRST_PLAN_YEAR, LAST_PLAN_YEAR, PlanItem
from .plan import plan_against_done


class YearForm(forms.Form):
    year = forms.IntegerField(
        label=gettext_lazy("Year"), min_value=FIRST_PLAN_YEAR, max_value=LAST_PLAN_YEAR, required=False
    )

    def chosen_year(self) -> int:
        """The year asked for; this year when none (or a refused one) is."""
        if self.is_bound and self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return timezone.localdate().year


class PlanView(AdminPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """The competence plan of a year against what was done, as the year goes."""

    template_name = "quality/admin/plan.html"
    header_icon = "list-ul"
    permission_policy = ModelPermissionPolicy(PlanItem)
    permission_required = "view"

    def get_page_title(self):
        return _("Competence plan")

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation = organisation_for(self.request)
        form = YearForm(self.request.GET or None)
        year = form.chosen_year()
        plan = plan_against_done(organisation, year)
        context.update(
            form=form,
            year=year,
            plan=plan,
            counts=plan.counts(),
            organisation=organisation,
            organisations=Organisation.objects.order_by("name") if self.request.user.is_superuser else [],
            add_url=reverse("quality_planitem:add"),
            lines_url=reverse("quality_planitem:index") + f"?year={year}",
            themes_url=reverse("quality_theme:index"),
            can_add=self.user_has_permission("add"),
        )
        return context
