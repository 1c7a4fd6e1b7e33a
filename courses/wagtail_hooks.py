"""Runs, sessions, attendance and make-ups in the Wagtail admin."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.models import Page

from jour_core.columns import DayColumn
from people.views import ScopedModelViewSet

from .duties import LEAD_DAYS, REGISTERS_SHOWN, registers_not_taken, sessions_to_lead
from .forms import CourseRunForm
from .models import Completion, CourseIndexPage, CoursePage, CourseRun
from .page_access import organisation_of_page, other_organisations_pages
from .views import admin


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
    index_view_class = admin.RunIndexView
    add_view_class = admin.RunCreateView
    edit_view_class = admin.RunEditView
    delete_view_class = admin.RunDeleteView
    list_display = [
        "title",
        Column("course", label=_("Course"), accessor="course.title", sort_key="course__title"),
        DayColumn("first_session", label=_("First session"), sort_key="first_session"),
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
        path("runs/<int:pk>/overview/", admin.RunOverviewView.as_view(), name="courses_run_overview"),
        path("runs/<int:pk>/enrol/", admin.EnrolView.as_view(), name="courses_run_enrol"),
        path("runs/<int:pk>/sessions/add/", admin.SessionFormView.as_view(), name="courses_session_add"),
        path("sessions/<int:session_pk>/edit/", admin.SessionFormView.as_view(), name="courses_session_edit"),
        path("sessions/<int:pk>/register/", admin.RegisterView.as_view(), name="courses_session_register"),
        path(
            "sessions/<int:pk>/check-in/", admin.CheckInScreenView.as_view(), name="courses_session_check_in"
        ),
        path(
            "enrolments/<int:pk>/withdraw/", admin.WithdrawView.as_view(), name="courses_enrolment_withdraw"
        ),
        path("enrolments/<int:pk>/makeup/", admin.MakeUpView.as_view(), name="courses_enrolment_makeup"),
        path("runs/<int:pk>/calendar/", admin.FeedLinkView.as_view(), name="courses_run_calendar"),
        path("runs/calendar/", admin.FeedLinkView.as_view(), name="courses_organisation_calendar"),
    ]


@hooks.register("insert_global_admin_css")
def admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("courses/admin.css"))


def why_not_delete(request, page) -> str | None:
    """Why ``page`` may not be deleted, or None. A course with runs or completions is history:
    unpublish it instead. An organisation's course index is the administrator's to remove."""
    title = page.get_admin_display_title()
    if not request.user.is_superuser and (
        CourseIndexPage.objects.descendant_of(page, inclusive=True).exclude(organisation=None).exists()
    ):
        return _("%(page)s is your organisation's course index; only the administrator can delete it.") % {
            "page": title
        }
    courses = CoursePage.objects.descendant_of(page, inclusive=True)
    if (
        CourseRun.objects.filter(course__in=courses).exists()
        or Completion.objects.filter(course__in=courses).exists()
    ):
        return _("%(page)s has course runs or completions and cannot be deleted; unpublish it instead.") % {
            "page": title
        }
    return None


def why_not_move(page, destination) -> str | None:
    """Why ``page`` may not be moved under ``destination``, or None. A course or lesson stays in
    its organisation (for the administrator too; she copies it instead)."""
    source = organisation_of_page(page)
    target = organisation_of_page(destination)
    if source is not None and target is not None and source != target:
        return _(
            "%(page)s belongs to another organisation than %(destination)s and cannot be moved there."
        ) % {
            "page": page.get_admin_display_title(),
            "destination": destination.get_admin_display_title(),
        }
    return None


@hooks.register("before_delete_page")
def refuse_deleting_records(request, page):
    reason = why_not_delete(request, page)
    if reason is not None:
        messages.error(request, reason)
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None


@hooks.register("before_move_page")
def keep_pages_in_their_organisation(request, page, destination):
    # Wagtail's move confirmation shows the page before its action checks the permission.
    if not page.permissions_for_user(request.user).can_move_to(destination):
        return permission_denied(request)
    reason = why_not_move(page, destination)
    if reason is not None:
        messages.error(request, reason)
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None


@hooks.register("before_bulk_action")
def refuse_bulk_deletes_and_moves_likewise(request, action_type, objects, action):
    """The explorer's bulk delete and bulk move follow the same rules as one page at a time."""
    if action.model is not Page and not issubclass(action.model, Page):
        return None
    if action_type == "delete":
        reasons = [why_not_delete(request, page) for page in objects]
    elif action_type == "move":
        destination = action.cleaned_form.cleaned_data.get("chooser")
        reasons = [why_not_move(page, destination) for page in objects] if destination else []
    else:
        return None
    reasons = [reason for reason in reasons if reason]
    if not reasons:
        return None
    for reason in reasons:
        messages.error(request, reason)
    return redirect(action.next_url)


@hooks.register("construct_page_chooser_queryset")
def choose_only_own_organisations_pages(pages, request):
    """The page chooser lists every page of the site; other organisations' course pages are left
    out (for links and choosers everywhere in the admin), and browsing into one answers 404."""
    hidden = other_organisations_pages(request.user)
    match = getattr(request, "resolver_match", None)
    parent_id = match.kwargs.get("parent_page_id") if match is not None else None
    if parent_id is not None and Page.objects.filter(hidden, pk=parent_id).exists():
        raise Http404
    return pages.exclude(hidden)


@hooks.register("construct_explorer_page_queryset")
def explore_only_own_organisations_pages(parent_page, pages, request):
    """Wagtail's explorer already lists only pages the user has permissions on; this holds even
    when a site turns ``WAGTAILADMIN_PAGE_SEARCH_FILTER_BY_PERMISSIONS`` off."""
    return pages.exclude(other_organisations_pages(request.user))


# The admin's start page: what is waiting for her (courses/duties.py) -----------------------------


class SessionsToLeadPanel(Component):
    """Her next sessions to lead (the coming 14 days), each linked to its run."""

    name = "sessions_to_lead"
    order = 30
    template_name = "jour_courses/admin/panels/sessions_to_lead.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        sessions = sessions_to_lead(self.request.user, timezone.now())
        return {
            "sessions": [(s, reverse("courses_run_overview", args=[s.run_id])) for s in sessions],
            "days": LEAD_DAYS,
            "list_url": reverse("courses_run:index"),
        }


class RegistersNotTakenPanel(Component):
    """Held sessions of her organisation with people on the register and no marks yet, each
    linked to its register."""

    name = "registers_not_taken"
    order = 40
    template_name = "jour_courses/admin/panels/registers_not_taken.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        sessions = list(
            registers_not_taken(self.request.user.organisation_id, timezone.now())[: REGISTERS_SHOWN + 1]
        )
        return {
            "sessions": [
                (s, reverse("courses_session_register", args=[s.pk])) for s in sessions[:REGISTERS_SHOWN]
            ],
            "more": len(sessions) > REGISTERS_SHOWN,
            "list_url": reverse("courses_run:index"),
        }


@hooks.register("construct_homepage_panels")
def add_course_panels(request, panels):
    user = request.user
    if not user.organisation_id:
        return
    if user.has_perm("jour_courses.view_courserun"):
        panels.append(SessionsToLeadPanel(request))
    if user.has_perm("jour_courses.change_attendance"):
        panels.append(RegistersNotTakenPanel(request))
