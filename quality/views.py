"""Quality work's views. The participant's evaluation form (a member page): nothing about her
answer goes to a log, a message or a URL. The admin screens: the competence plan against what
was done, and the evaluations' results (nothing on them says who answered). Thin: check
access, call quality.plan or quality.evaluations, render. And the annual quality review
(quality.review): on the screen, as files, frozen."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permission_policies import ModelPermissionPolicy

from certifications.report.files import report_tables
from certifications.views import organisation_for
from jour_core.exports import ExportFile, export_response
from people.models import Organisation
from people.views import AdminPermissionMixin, NeedsOrganisationMixin

from .evaluations import (
    EvaluationRefused,
    evaluation_for,
    evaluation_results,
    questions_for,
    submit_evaluation,
)
from .forms import EvaluationForm, EvaluationResultsForm
from .models import FIRST_PLAN_YEAR, LAST_PLAN_YEAR, EvaluationResponse, FrozenReview, PlanItem
from .plan import plan_against_done
from .review import FORMATS, free_texts, freeze_review, quality_review, render_review, review_tables

# The participant's evaluation form ------------------------------------------------------------


def _next_url(request) -> str:
    """Where to go after answering: the page she came from (on this site), else this one."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""


@login_required
def evaluation(request, run_pk: int, unit: int):
    """She answers the evaluation of a unit of a run (0: the whole course). Another
    organisation's run, or no such unit: 404; one she may not answer (not attended, closed,
    answered already): the reason, and nothing is written."""
    try:
        evaluation = evaluation_for(request.user, run_pk, unit)
    except EvaluationRefused as refusal:
        return _refused(request, refusal)
    form = EvaluationForm(
        questions_for(evaluation.run.organisation_id, evaluation.run.course.kind), request.POST or None
    )
    if request.method == "POST" and form.is_valid():
        try:
            submit_evaluation(request.user, run_pk, unit, form.answers())
        except EvaluationRefused as refusal:  # a second answer, sent at the same moment
            return _refused(request, refusal)
        messages.success(request, _("Thank you! Your answer has been saved, without your name."))
        return redirect(_next_url(request) or request.path)
    context = {"evaluation": evaluation, "form": form, "next": _next_url(request)}
    return render(request, "jour_quality/evaluation.html", context)


def _refused(request, refusal: EvaluationRefused):
    if refusal.code == EvaluationRefused.NOT_FOUND:
        raise Http404
    answered = refusal.code == EvaluationRefused.ANSWERED
    context = {"refusal": refusal, "answered": answered, "next": _next_url(request)}
    return render(request, "jour_quality/evaluation.html", context, status=200 if answered else 403)


# The competence plan ----------------------------------------------------------------------


class QualityScreen(NeedsOrganisationMixin, AdminPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """An admin screen of the quality work (one organisation's: without one, the page saying
    what to do): its title under Home in the breadcrumbs."""

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


class YearForm(forms.Form):
    year = forms.IntegerField(
        label=gettext_lazy("Year"), min_value=FIRST_PLAN_YEAR, max_value=LAST_PLAN_YEAR, required=False
    )

    def chosen_year(self) -> int:
        """The year asked for; this year when none (or a refused one) is."""
        if self.is_bound and self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return timezone.localdate().year


class PlanView(QualityScreen):
    """The competence plan of a year against what was done, as the year goes."""

    template_name = "jour_quality/admin/plan.html"
    page_title = gettext_lazy("Competence plan")
    header_icon = "list-ul"
    permission_policy = ModelPermissionPolicy(PlanItem)
    permission_required = "view"

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


# The evaluations' results ------------------------------------------------------------------


class EvaluationResultsView(QualityScreen):
    """The organisation's evaluation results for a period: per run and unit, the number of
    answers, the mean of each rating and the free texts (alphabetical); the external version
    withholds those with fewer than 5 answers. Nothing here says who answered."""

    template_name = "jour_quality/admin/evaluation_results.html"
    page_title = gettext_lazy("Evaluations")
    header_icon = "clipboard-list"
    permission_policy = ModelPermissionPolicy(EvaluationResponse)
    permission_required = "view"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation = organisation_for(self.request)
        asked = self.request.GET.copy()
        asked.pop("organisation", None)  # which organisation, not what of it
        form = EvaluationResultsForm(
            asked or None, initial={"year": timezone.localdate().year, "version": "internal"}
        )
        results = None
        if not form.is_bound or form.is_valid():
            start, end = form.period()
            results = evaluation_results(organisation, start, end, external=form.external())
        context.update(
            form=form,
            results=results,
            organisation=organisation,
            organisations=Organisation.objects.order_by("name") if self.request.user.is_superuser else [],
        )
        return context


# The annual quality review ------------------------------------------------------------------


class ReviewForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=FIRST_PLAN_YEAR, max_value=LAST_PLAN_YEAR)
    version = forms.ChoiceField(
        label=gettext_lazy("Version"),
        choices=[
            ("external", gettext_lazy("External (for the municipality and funders)")),
            ("internal", gettext_lazy("Internal (for the board)")),
        ],
        initial="external",
        widget=forms.RadioSelect,
    )
    summary = forms.CharField(
        label=gettext_lazy("The board's summary"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "What the year showed and what the association carries into next year's plan."
        ),
    )

    def clean_year(self):
        year = self.cleaned_data["year"]
        if datetime.date(year, 1, 1) > timezone.localdate():
            raise forms.ValidationError(
                _("The year has not begun: a review tells what has happened. Choose one that has begun.")
            )
        return year


class ReviewView(QualityScreen):
    """The annual quality review: pick the year and the version, write the board's summary, see
    it, download it as PDF or JSON, freeze a copy."""

    template_name = "jour_quality/admin/review.html"
    page_title = gettext_lazy("Annual quality review")
    header_icon = "doc-full"
    permission_policy = ModelPermissionPolicy(FrozenReview)
    permission_required = "view"

    def build(self, data) -> bool:
        """Parse the form and make the review it asks for (this year's external one when
        nothing is asked); False when the form is refused."""
        self.organisation = organisation_for(self.request)
        if not data:
            data = {"year": timezone.localdate().year, "version": "external"}
        self.form = ReviewForm(data)
        self.review = None
        if not self.form.is_valid():
            return False
        self.review = quality_review(
            self.organisation,
            self.form.cleaned_data["year"],
            external=self.form.cleaned_data["version"] == "external",
            summary=self.form.cleaned_data["summary"],
        )
        return True

    def get(self, request, *args, **kwargs):
        asked = request.GET.copy()
        asked.pop("organisation", None)  # which organisation, not what of it
        self.build(asked)
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        if not self.build(request.POST):
            return self.render_to_response(self.get_context_data())
        action = request.POST.get("action", "")
        if action == "freeze":
            if not self.user_has_permission("add"):
                raise PermissionDenied
            frozen = freeze_review(self.review, self.organisation, request.user)
            messages.success(request, _("The review was frozen: %(review)s") % {"review": frozen})
            return redirect(reverse("quality_review") + f"?organisation={self.organisation.pk}")
        if action in FORMATS:
            return self.download(render_review(self.review, self.organisation, action), action)
        return self.render_to_response(self.get_context_data())

    def download(self, content: bytes, fmt: str):
        version = "external" if self.review["external"] else "internal"
        return export_response(
            self.request,
            ExportFile(content, fmt, len(self.review["actions"]) + len(self.review["plan"])),
            kind="quality-review",
            filename=f"arlig-uppfoljning-{self.review['year']}-{version}",
            version=version,
            review_org=self.organisation.pk,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review = self.review
        context.update(
            form=self.form,
            review=review,
            tables=review_tables(review) if review else [],
            free_texts=free_texts(review) if review else [],
            report_tables=[
                t for t in report_tables(review["report"], review["external"]) if t[0] != _("Narrative")
            ]
            if review
            else [],
            organisation=self.organisation,
            organisations=Organisation.objects.order_by("name") if self.request.user.is_superuser else [],
            frozen=FrozenReview.objects.for_user(self.request.user)
            .filter(organisation=self.organisation)
            .select_related("frozen_by")[:50],
            can_freeze=self.user_has_permission("add"),
        )
        return context


class FrozenReviewDownloadView(AdminPermissionMixin, View):
    """A frozen review's file, exactly as it was stored."""

    permission_policy = ModelPermissionPolicy(FrozenReview)
    permission_required = "view"

    def get(self, request, pk: int, fmt: str):
        frozen = get_object_or_404(FrozenReview.objects.for_user(request.user), pk=pk)
        if fmt not in FORMATS:
            raise Http404
        version = "external" if frozen.external else "internal"
        data = frozen.data
        return export_response(
            request,
            ExportFile(bytes(getattr(frozen, FORMATS[fmt])), fmt, len(data["actions"]) + len(data["plan"])),
            kind="quality-review-frozen",
            filename=f"arlig-uppfoljning-{frozen.year}-{version}-fryst-{frozen.pk}",
            version=version,
            review=frozen.pk,
        )
