"""Quality work in the Wagtail admin: the competence plan and its themes, the plan against what
was done, the evaluations' results and questions, the actions, and the home-page panel of
overdue ones."""

from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup

from courses.models import Theme
from jour_core.columns import DayColumn, YesNoColumn
from people.views import ScopedModelViewSet

from .filters import ActionFilterSet, EvaluationQuestionFilterSet, PlanItemFilterSet
from .forms import ActionForm, EvaluationQuestionForm, PlanItemForm, ThemeForm
from .models import Action, EvaluationQuestion, PlanItem
from .views import EvaluationResultsView, FrozenReviewDownloadView, PlanView, ReviewView


class ActionViewSet(ScopedModelViewSet):
    """Findings and their actions; each keeps its history (Wagtail's, and the rows' own)."""

    model = Action
    icon = "list-ul"
    url_prefix = "quality/actions"
    name = "quality_action"
    list_display = [
        "title",
        Column("get_source_display", label=_("Where it came from")),
        Column("responsible", label=_("Responsible"), sort_key="responsible__last_name"),
        # The day itself (a relative "2 weeks ago" reads badly for a day still to come).
        DayColumn("due_on", label=_("By when"), sort_key="due_on"),
        Column("status_today", label=_("Status"), sort_key="status"),
        DayColumn("closed_on", label=_("Closed on"), sort_key="closed_on"),
    ]
    filterset_class = ActionFilterSet
    search_fields = ["title", "finding", "action", "follow_up"]
    search_backend_name = None
    list_export = ["title", "source", "responsible", "due_on", "status", "closed_on", "follow_up"]
    edit_handler = ObjectList(
        [
            FieldPanel("organisation", permission="superuser"),
            FieldPanel("title"),
            FieldPanel("finding"),
            FieldPanel("source"),
            FieldPanel("action"),
            FieldRowPanel([FieldPanel("responsible"), FieldPanel("due_on")]),
            FieldRowPanel([FieldPanel("status"), FieldPanel("closed_on")]),
            FieldPanel("follow_up"),
        ],
        base_form_class=ActionForm,
    )


class ThemeViewSet(ScopedModelViewSet):
    """The organisation's themes: the competence plan plans by them, courses and records carry one."""

    model = Theme
    icon = "tag"
    url_prefix = "quality/themes"
    name = "quality_theme"
    menu_label = _("Themes")
    list_display = ["name", "description", Column("sort_order", label=_("Order"), sort_key="sort_order")]
    search_fields = ["name", "description"]
    search_backend_name = None
    list_export = ["name", "description", "sort_order"]
    edit_handler = ObjectList(
        [
            FieldPanel("organisation", permission="superuser"),
            FieldPanel("name"),
            FieldPanel("description"),
            FieldPanel("sort_order"),
        ],
        base_form_class=ThemeForm,
    )


class PlanItemViewSet(ScopedModelViewSet):
    """The lines of the competence plan: a theme, for whom, when in the year."""

    model = PlanItem
    icon = "date"
    url_prefix = "quality/plan-lines"
    name = "quality_planitem"
    menu_label = _("Competence plan lines")
    list_display = [
        Column("theme", label=_("Theme"), sort_key="theme__name"),
        Column("year", label=_("Year"), sort_key="year"),
        Column("get_period_display", label=_("Planned"), sort_key="period"),
        Column("groups_display", label=_("For")),
        "note",
    ]
    filterset_class = PlanItemFilterSet
    search_fields = ["note", "theme__name"]
    search_backend_name = None
    list_export = ["year", "theme", "period", "groups_display", "note"]
    edit_handler = ObjectList(
        [
            FieldPanel("organisation", permission="superuser"),
            FieldRowPanel([FieldPanel("year"), FieldPanel("theme"), FieldPanel("period")]),
            FieldRowPanel(
                [FieldPanel("group_volunteer"), FieldPanel("group_staff"), FieldPanel("group_board")],
                heading=_("For"),
            ),
            FieldPanel("note"),
        ],
        base_form_class=PlanItemForm,
    )


class EvaluationQuestionViewSet(ScopedModelViewSet):
    """The questions of the organisation's evaluation forms, one form per kind of course."""

    model = EvaluationQuestion
    icon = "help"
    url_prefix = "quality/evaluation-questions"
    name = "quality_question"
    list_display = [
        "text",
        Column("get_course_kind_display", label=_("For courses of the kind"), sort_key="course_kind"),
        Column("get_kind_display", label=_("Answered with"), sort_key="kind"),
        Column("sort_order", label=_("Order"), sort_key="sort_order"),
        YesNoColumn("active", label=_("Asked"), sort_key="active"),
    ]
    ordering = ["course_kind", "sort_order", "pk"]
    filterset_class = EvaluationQuestionFilterSet
    edit_handler = ObjectList(
        [
            FieldPanel("organisation", permission="superuser"),
            FieldRowPanel([FieldPanel("course_kind"), FieldPanel("kind")]),
            FieldPanel("text"),
            FieldRowPanel([FieldPanel("sort_order"), FieldPanel("active")]),
        ],
        base_form_class=EvaluationQuestionForm,
    )


class EvaluationResultsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("jour_quality.view_evaluationresponse")


class EvaluationResultsViewSet(ViewSet):
    """The results screen (per run and unit, for a period); who answered is nowhere."""

    name = "quality_evaluations"
    url_prefix = "quality/evaluations"
    icon = "clipboard-list"
    menu_label = _("Evaluations")
    menu_item_class = EvaluationResultsMenuItem

    def get_urlpatterns(self):
        return [path("", EvaluationResultsView.as_view(), name="results")]


class QualityGroup(ViewSetGroup):
    menu_label = _("Quality work")
    menu_icon = "pick"
    menu_order = 165
    items = (
        PlanItemViewSet,
        ThemeViewSet,
        EvaluationResultsViewSet,
        EvaluationQuestionViewSet,
        ActionViewSet,
    )


class PlanMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("jour_quality.view_planitem")


class ReviewMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("jour_quality.view_frozenreview")


@hooks.register("register_admin_urls")
def register_quality_urls():
    return [
        path("quality/plan/", PlanView.as_view(), name="quality_plan"),
        path("quality/review/", ReviewView.as_view(), name="quality_review"),
        path(
            "quality/review/frozen/<int:pk>/<str:fmt>/",
            FrozenReviewDownloadView.as_view(),
            name="quality_frozen_review",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_plan_menu_item():
    return PlanMenuItem(_("Competence plan"), reverse("quality_plan"), icon_name="list-ul", order=164)


@hooks.register("register_admin_menu_item")
def register_review_menu_item():
    return ReviewMenuItem(
        _("Annual quality review"), reverse("quality_review"), icon_name="doc-full", order=166
    )


@hooks.register("register_admin_viewset")
def register_viewsets():
    return QualityGroup()


class OverdueActionsPanel(Component):
    """Home-page panel: the organisation's actions past their last day and not closed."""

    name = "overdue_actions"
    order = 60
    template_name = "jour_quality/admin/overdue_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        today = timezone.localdate()
        # Her own organisation's, as the other panels (a superuser who belongs to one included).
        actions = (
            Action.objects.for_organisation(self.request.user.organisation_id)
            .overdue(today)
            .select_related("responsible")
        )
        return {
            "actions": [(action, reverse("quality_action:edit", args=[action.pk])) for action in actions],
            "list_url": reverse("quality_action:index"),
        }


@hooks.register("construct_homepage_panels")
def add_overdue_panel(request, panels):
    if request.user.has_perm("jour_quality.view_action") and request.user.organisation_id:
        panels.append(OverdueActionsPanel(request))
