"""Runs, sessions, attendance and make-ups in the Wagtail admin."""

from django.contrib import messages
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn

from people.views import ScopedModelViewSet

from . import views
from .forms import CourseRunForm
from .models import Completion, CoursePage, CourseRun


class CourseRunViewSet(ScopedModelViewSet):
    """Scoped: every view, including the history and usage ones, answers 404 for another
    organisation's run."""

    model = CourseRun
    icon = "calendar"
    menu_label = _("Course runs")
    menu_order = 150
    add_to_admin_menu = True
    url_prefix = "runs"
    name = "courses_run"
    copy_view_enabled = False
    index_view_class = views.RunIndexView
    add_view_class = views.RunCreateView
    edit_view_class = views.RunEditView
    delete_view_class = views.RunDeleteView
    list_display = [
        "title",
        Column("course", label=_("Course"), accessor="course.title", sort_key="course__title"),
        DateColumn("first_session", label=_("First session"), sort_key="first_session"),
        Column("participants", label=_("Participants"), sort_key="participants"),
        "location",
    ]
    search_fields = ["title", "location", "course__title"]
    search_backend_name = None
    ordering = ["-first_session"]
    edit_handler = ObjectList(
        [
            FieldPanel("course"),
            FieldPanel("title"),
            FieldPanel("location"),
            FieldPanel("leaders"),
            MultiFieldPanel(
                [
                    FieldPanel("first_session_date"),
                    FieldRowPanel([FieldPanel("start_time"), FieldPanel("end_time")]),
                    FieldPanel("every_days"),
                ],
                heading=_("Sessions: one per unit"),
            ),
        ],
        base_form_class=CourseRunForm,
    )


course_run_viewset = CourseRunViewSet()


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [course_run_viewset]


@hooks.register("register_admin_urls")
def register_run_screens():
    return [
        path("runs/<int:pk>/overview/", views.RunOverviewView.as_view(), name="courses_run_overview"),
        path("runs/<int:pk>/enrol/", views.EnrolView.as_view(), name="courses_run_enrol"),
        path("runs/<int:pk>/sessions/add/", views.SessionFormView.as_view(), name="courses_session_add"),
        path("sessions/<int:session_pk>/edit/", views.SessionFormView.as_view(), name="courses_session_edit"),
        path("sessions/<int:pk>/register/", views.RegisterView.as_view(), name="courses_session_register"),
        path(
            "enrolments/<int:pk>/withdraw/", views.WithdrawView.as_view(), name="courses_enrolment_withdraw"
        ),
        path("enrolments/<int:pk>/makeup/", views.MakeUpView.as_view(), name="courses_enrolment_makeup"),
        path("runs/<int:pk>/calendar/", views.FeedLinkView.as_view(), name="courses_run_calendar"),
        path("runs/calendar/", views.FeedLinkView.as_view(), name="courses_organisation_calendar"),
    ]


@hooks.register("insert_global_admin_css")
def admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("courses/admin.css"))


@hooks.register("before_delete_page")
def keep_courses_with_records(request, page):
    """A course with runs or completions is history: unpublish it instead of deleting it."""
    courses = CoursePage.objects.descendant_of(page, inclusive=True)
    if (
        CourseRun.objects.filter(course__in=courses).exists()
        or Completion.objects.filter(course__in=courses).exists()
    ):
        messages.error(
            request,
            _("%(page)s has course runs or completions and cannot be deleted; unpublish it instead.")
            % {"page": page.get_admin_display_title()},
        )
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None
