"""Admin screens for runs: the run list, create, edit and delete (a ModelViewSet, see
wagtail_hooks), the overview with its matrix, the attendance register, sessions, enrolment,
withdrawal, make-ups and the coordinator's calendar links. Thin: check access, call
courses.attendance, completion, scheduling or ical, render."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Min, ProtectedError, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView, TemplateView
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy

from jour_core.audit import audit
from jour_core.exports import PersonCell, Sheet, export_response
from jour_core.pagecache import cached_page, keep_page, page_key
from people.models import Organisation
from people.views import (
    AdminPermissionMixin,
    NeedsOrganisationMixin,
    ScopedIndexMixin,
    ScopedObjectMixin,
    organisation_to_work_on,
)

from ..attendance import (
    CLEAR,
    AttendanceError,
    allowed_marks,
    enrol,
    record_makeup,
    register_people,
    save_session,
    set_marks,
    withdraw,
)
from ..check_in import CheckInOutcome, checked_in_count, current_code, window, window_state
from ..completion import progress_for_enrolments, progress_for_run
from ..forms import EnrolForm, MakeUpForm, SessionForm
from ..ical import feed_link, feed_token
from ..models import (
    Attendance,
    Completion,
    CourseRun,
    Enrolment,
    EnrolmentStatus,
    FeedKind,
    MakeUp,
    MakeUpKind,
    Mark,
    Session,
)
from ..scheduling import generate_sessions
from ..tables import AttendanceMatrixTable, MatrixRow, cell_text, completion_text

# The run list, create and edit (a ModelViewSet, see wagtail_hooks) ------------------------------


class RunIndexView(ScopedIndexMixin, generic.IndexView):
    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.request.user.organisation_id:
            buttons.append(
                HeaderButton(
                    _("Calendar of all runs"), url=reverse("courses_organisation_calendar"), icon_name="date"
                )
            )
        return buttons

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("course")
            .annotate(
                first_session=Min("sessions__starts_at"),
                participants=Count(
                    "enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED), distinct=True
                ),
            )
        )

    def get_edit_url(self, instance):
        return reverse("courses_run_overview", args=[instance.pk])


class RunCreateView(generic.CreateView):
    @transaction.atomic  # the run and its sessions, or neither
    def save_instance(self):
        run = super().save_instance()
        data = self.form.cleaned_data
        if data.get("first_session_date"):
            generate_sessions(
                run,
                data["first_session_date"],
                data["start_time"],
                data["end_time"],
                every_days=data["every_days"],
            )
        return run

    def get_success_url(self):
        return reverse("courses_run_overview", args=[self.object.pk])


class RunDeleteView(ScopedObjectMixin, generic.DeleteView):
    """A run whose sessions have attendance or make-ups is history: it cannot be deleted."""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ProtectedError:
            messages.error(
                self.request,
                _("%(run)s has attendance or make-ups recorded and cannot be deleted.")
                % {"run": self.object},
            )
            return redirect("courses_run_overview", self.object.pk)


class RunEditView(ScopedObjectMixin, generic.EditView):
    def get_success_url(self):
        return reverse("courses_run_overview", args=[self.object.pk])


# Custom screens ----------------------------------------------------------------------------------


class RunScreenMixin(AdminPermissionMixin, WagtailAdminTemplateMixin):
    """Finds the run (or session, enrolment) among those the user may see; the permission is
    checked by Wagtail's policy (``AdminPermissionMixin``)."""

    permission_policy = ModelPermissionPolicy(CourseRun)
    permission_required = "view"
    header_icon = "calendar"

    def get_run(self) -> CourseRun:
        return get_object_or_404(
            CourseRun.objects.for_user(self.request.user).select_related("course"), pk=self.kwargs["pk"]
        )

    def run_breadcrumbs(self, run: CourseRun, *more: dict) -> list[dict]:
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("courses_run:index"), "label": _("Course runs")},
            {"url": reverse("courses_run_overview", args=[run.pk]), "label": run.title},
            *more,
        ]


def matrix_rows(run: CourseRun) -> list[MatrixRow]:
    progresses = progress_for_run(run)
    completions = {
        c.person_id: c
        for c in Completion.objects.filter(
            course_id=run.course_id, person_id__in=[p.enrolment.person_id for p in progresses]
        )
    }
    return [MatrixRow(p, completions.get(p.enrolment.person_id)) for p in progresses]


class RunOverviewView(RunScreenMixin, TemplateView):
    template_name = "jour_courses/admin/run_overview.html"

    def get(self, request, *args, **kwargs):
        self.run = self.get_run()
        self.sessions = list(self.run.sessions.all())
        now = timezone.now()
        for session in self.sessions:
            session.check_in_open = window_state(session, now) not in (
                CheckInOutcome.CLOSED,
                CheckInOutcome.CANCELLED,
            )
        self.rows = matrix_rows(self.run)
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            return self.export(export)
        return super().get(request, *args, **kwargs)

    def get_page_title(self):
        return self.run.title

    def get_breadcrumbs_items(self):
        return [*self.run_breadcrumbs(self.run)[:-1], {"url": "", "label": self.run.title}]

    def get_header_buttons(self):
        """None in the slim header, which clips them on a phone: the run's actions are a row
        of buttons in the page that wraps (``run_actions``)."""
        return []

    def run_actions(self) -> list[HeaderButton]:
        buttons = []
        if self.request.user.has_perm("jour_courses.change_courserun"):
            buttons += [
                HeaderButton(
                    _("Edit run"), url=reverse("courses_run:edit", args=[self.run.pk]), icon_name="edit"
                ),
                HeaderButton(
                    _("Add a session"),
                    url=reverse("courses_session_add", args=[self.run.pk]),
                    icon_name="plus",
                ),
            ]
        buttons.append(
            HeaderButton(
                _("Calendar"), url=reverse("courses_run_calendar", args=[self.run.pk]), icon_name="date"
            )
        )
        for fmt in ("csv", "xlsx"):
            buttons.append(
                HeaderButton(
                    _("Download %(format)s") % {"format": fmt.upper()},
                    url=f"{reverse('courses_run_overview', args=[self.run.pk])}?export={fmt}",
                    icon_name="download",
                )
            )
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        can_change = self.request.user.has_perm("jour_courses.change_courserun")
        context.update(
            run=self.run,
            sessions=self.sessions,
            now=timezone.now(),
            table=AttendanceMatrixTable(self.rows, self.sessions),
            rows=self.rows,
            flagged=[row for row in self.rows if row.completion and row.completion.flagged],
            can_change=can_change,
            enrol_form=EnrolForm(run=self.run) if can_change else None,
            leaders=list(self.run.leaders.all()),
            actions=self.run_actions(),
        )
        return context

    def export(self, fmt: str):
        headers = [_("Participant"), *[str(s) for s in self.sessions], _("Units done"), _("Completed")]
        rows = [
            [
                PersonCell(row.progress.enrolment.person, row.name),
                *[cell_text(row, s) for s in self.sessions],
                f"{row.progress.done}/{row.progress.required}",
                # A completion's date as a date (a date cell in XLSX); flagged or withdrawn in words.
                row.completion.completed_on
                if row.completion and not row.completion.flagged
                else completion_text(row),
            ]
            for row in self.rows
        ]
        return export_response(
            self.request,
            Sheet(headers, rows, title=_("Attendance")),
            fmt=fmt,
            kind="attendance",
            filename=f"attendance-run-{self.run.pk}",
            run=self.run.pk,
        )


# Wagtail's admin scripts that the register has no use for: it has no date picker, tag field,
# chooser, modal or privacy switch. Its page leaves them out and defers the rest (its template;
# jour_core/templatetags/jour_scripts.py), so that it is drawn before the scripts run.
UNUSED_ON_REGISTER = (
    "wagtailadmin/js/vendor/jquery-ui-1.13.2.min.js",
    "wagtailadmin/js/vendor/jquery.datetimepicker.js",
    "wagtailadmin/js/vendor/bootstrap-transition.js",
    "wagtailadmin/js/vendor/bootstrap-modal.js",
    "wagtailadmin/js/vendor/tag-it.js",
    "wagtailadmin/js/modal-workflow.js",
    "wagtailadmin/js/privacy-switch.js",
)


class RegisterView(RunScreenMixin, TemplateView):
    """The attendance register: every participant on one page, one click each, saved together."""

    template_name = "jour_courses/admin/register.html"
    permission_policy = ModelPermissionPolicy(Attendance)
    permission_required = "change"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.session = get_object_or_404(
            Session.objects.for_user(request.user).select_related("run__course", "run__organisation"),
            pk=kwargs["pk"],
        )

    def get(self, request, *args, **kwargs):
        # The organisation's data version was read with the session, before the register.
        now = timezone.now()
        not_yet = self.session.starts_at > now
        check_in = window_state(self.session, now) != CheckInOutcome.CLOSED
        version = self.session.run.organisation.data_version
        key = page_key(request, "courses_session_register", version, not_yet, check_in)
        return cached_page(request, key) or keep_page(request, key, super().get(request, *args, **kwargs))

    def get_page_title(self):
        return _("Attendance register")

    def get_page_subtitle(self):
        return str(self.session)

    def get_breadcrumbs_items(self):
        return self.run_breadcrumbs(self.session.run, {"url": "", "label": _("Attendance register")})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        marks = {a.person_id: a for a in self.session.attendance.select_related("marked_by")}
        unit = self.session.run.course.units.filter(number=self.session.unit_number).first()
        allowed = allowed_marks(self.session)
        context.update(
            session=self.session,
            unit=unit,
            rows=[
                {
                    "person": person,
                    "makeup": makeup,
                    "mark": marks[person.pk].mark if person.pk in marks else None,
                    "attendance": marks.get(person.pk),
                }
                for person, _enrolment, makeup in register_people(self.session)
            ],
            marks=[(value, label, value in allowed) for value, label in Mark.choices],
            can_clear=CLEAR in allowed,
            clear=CLEAR,
            can_save=bool(allowed),
            errors=kwargs.get("errors"),
            not_yet=self.session.starts_at > timezone.now(),
            check_in_open=window_state(self.session, timezone.now()) != CheckInOutcome.CLOSED,
            unused_scripts=UNUSED_ON_REGISTER,
        )
        return context

    def post(self, request, *args, **kwargs):
        prefix = "mark-"
        marks = {
            int(key[len(prefix) :]): value
            for key, value in request.POST.items()
            if key.startswith(prefix) and key[len(prefix) :].isdigit() and value
        }
        try:
            changed = set_marks(self.session, marks, request.user)
        except AttendanceError as exc:
            messages.error(request, str(exc))
            return self.render_to_response(self.get_context_data(errors=[str(exc)]))
        messages.success(
            request,
            ngettext(
                "Attendance saved: %(count)d mark changed.",
                "Attendance saved: %(count)d marks changed.",
                changed,
            )
            % {"count": changed},
        )
        return redirect("courses_run_overview", self.session.run_id)


class CheckInScreenView(RunScreenMixin, TemplateView):
    """The circle leader's check-in screen for a session, on a phone or a projector: a QR code
    that changes every minute (courses/check_in.py), how many have checked in. It refreshes
    itself (courses/static/courses/check_in.js)."""

    template_name = "jour_courses/admin/check_in.html"
    permission_policy = ModelPermissionPolicy(Attendance)
    permission_required = "change"
    header_icon = "tick"
    #: How often the screen fetches a new code and count.
    refresh_seconds = 10

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.session = get_object_or_404(
            Session.objects.for_user(request.user).select_related("run__course", "run__organisation"),
            pk=kwargs["pk"],
        )

    def get_page_title(self):
        return _("Check-in")

    def get_page_subtitle(self):
        return str(self.session)

    def get_breadcrumbs_items(self):
        return self.run_breadcrumbs(self.session.run, {"url": "", "label": _("Check-in")})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        code = current_code(self.session, now)
        url = (
            self.request.build_absolute_uri(reverse("courses_check_in", args=[self.session.pk, code]))
            if code
            else None
        )
        opens, closes = window(self.session)
        context.update(
            session=self.session,
            state=window_state(self.session, now),
            check_in_url=url,
            qr_svg=segno.make(url, error="m").svg_inline(scale=8, omitsize=True) if url else "",
            checked_in=checked_in_count(self.session),
            on_register=len(register_people(self.session)),
            opens=opens,
            closes=closes,
            refresh_seconds=self.refresh_seconds,
        )
        return context


class SessionFormView(RunScreenMixin, FormView):
    """Add an extra session to a run, or move, cancel or reinstate one."""

    template_name = "jour_courses/admin/session_form.html"
    form_class = SessionForm
    permission_policy = ModelPermissionPolicy(Session)
    permission_required = "change"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if "session_pk" in kwargs:
            self.session = get_object_or_404(
                Session.objects.for_user(request.user).select_related("run__course"), pk=kwargs["session_pk"]
            )
            self.run = self.session.run
        else:
            self.session = None
            self.run = get_object_or_404(
                CourseRun.objects.for_user(request.user).select_related("course"), pk=kwargs["pk"]
            )

    def get_page_title(self):
        return _("Edit session") if self.session else _("Add a session")

    def get_breadcrumbs_items(self):
        return self.run_breadcrumbs(self.run, {"url": "", "label": self.get_page_title()})

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "run": self.run, "instance": self.session}

    def form_valid(self, form):
        session = save_session(form.save(commit=False))
        messages.success(request=self.request, message=_("Session saved: %(session)s") % {"session": session})
        return redirect("courses_run_overview", self.run.pk)


class EnrolView(RunScreenMixin, FormView):
    form_class = EnrolForm
    permission_policy = ModelPermissionPolicy(Enrolment)
    permission_required = "add"
    template_name = "jour_courses/admin/enrol.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.run = get_object_or_404(CourseRun.objects.for_user(request.user), pk=kwargs["pk"])

    def get_page_title(self):
        return _("Enrol people")

    def get_breadcrumbs_items(self):
        return self.run_breadcrumbs(self.run, {"url": "", "label": self.get_page_title()})

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "run": self.run}

    def form_valid(self, form):
        try:
            result = enrol(self.run, list(form.cleaned_data["people"]))
        except AttendanceError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        if result.enrolled or result.re_enrolled:
            messages.success(
                self.request,
                _("Enrolled: %(names)s")
                % {"names": ", ".join(map(str, result.enrolled + result.re_enrolled))},
            )
        if result.already:
            messages.warning(
                self.request,
                _("Already enrolled, nothing changed: %(names)s")
                % {"names": ", ".join(map(str, result.already))},
            )
        return redirect("courses_run_overview", self.run.pk)


class EnrolmentScreenMixin(RunScreenMixin):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.enrolment = get_object_or_404(
            Enrolment.objects.for_user(request.user).select_related("run__course", "person"), pk=kwargs["pk"]
        )

    def get_breadcrumbs_items(self):
        return self.run_breadcrumbs(self.enrolment.run, {"url": "", "label": self.get_page_title()})


class WithdrawView(EnrolmentScreenMixin, TemplateView):
    template_name = "jour_courses/admin/withdraw.html"
    permission_policy = ModelPermissionPolicy(Enrolment)
    permission_required = "change"

    def get_page_title(self):
        return _("Withdraw %(person)s") % {"person": self.enrolment.person}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "enrolment": self.enrolment}

    def post(self, request, *args, **kwargs):
        if self.enrolment.is_withdrawn:
            raise Http404
        withdraw(self.enrolment)
        messages.success(
            request, _("%(person)s is withdrawn from the run.") % {"person": self.enrolment.person}
        )
        return redirect("courses_run_overview", self.enrolment.run_id)


class MakeUpView(EnrolmentScreenMixin, FormView):
    template_name = "jour_courses/admin/makeup.html"
    form_class = MakeUpForm
    permission_policy = ModelPermissionPolicy(MakeUp)
    permission_required = "add"
    page_title = gettext_lazy("Record a make-up")

    def get_page_subtitle(self):
        return str(self.enrolment.person)

    def get_form_kwargs(self):
        (progress,) = progress_for_run_enrolment(self.enrolment)
        self.progress = progress
        missing = [u.number for u in progress.units if not u.is_satisfied]
        return {**super().get_form_kwargs(), "enrolment": self.enrolment, "missing_units": missing}

    def get_initial(self):
        return {"unit_number": self.request.GET.get("unit")}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "enrolment": self.enrolment, "progress": self.progress}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            record_makeup(
                self.enrolment,
                data["unit_number"],
                self.request.user,
                session=data["session"] if data["kind"] == MakeUpKind.OTHER_RUN else None,
                attended=data["attended"],
                date=data["date"] if data["kind"] == MakeUpKind.CATCH_UP else None,
                led_by=data["led_by"],
                note=data["note"],
            )
        except AttendanceError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Make-up recorded."))
        return redirect("courses_run_overview", self.enrolment.run_id)


def progress_for_run_enrolment(enrolment: Enrolment):
    return progress_for_enrolments(Enrolment.objects.filter(pk=enrolment.pk))


class FeedLinkView(NeedsOrganisationMixin, RunScreenMixin, TemplateView):
    """The coordinator's subscription link for a run's or the organisation's calendar."""

    template_name = "jour_courses/admin/feed_link.html"

    def get_page_title(self):
        return _("Calendar subscription")

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("courses_run:index"), "label": _("Course runs")},
            {"url": "", "label": self.get_page_title()},
        ]

    def target(self):
        if "pk" in self.kwargs:
            return {"kind": FeedKind.RUN, "run": self.get_run(), "organisation": None}
        # Hers; the umbrella administrator's choice (?organisation=<id>); none: the page saying
        # what to do (NeedsOrganisationMixin).
        organisation = organisation_to_work_on(self.request)
        return {"kind": FeedKind.ORGANISATION, "run": None, "organisation": organisation}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        target = self.target()
        feed = feed_token(self.request.user, reset=kwargs.get("reset", False), **target)
        link = feed_link(feed, self.request.build_absolute_uri("/"))
        context.update(
            feed=feed,
            feed_url=link.url,
            webcal_url=link.webcal,
            target=target,
            organisations=Organisation.objects.order_by("name")
            if target["run"] is None and self.request.user.is_superuser
            else [],
        )
        return context

    def post(self, request, *args, **kwargs):
        messages.success(request, _("A new link was made; the old one no longer works."))
        audit("feed.reset", request, kind="run-or-organisation")
        return self.render_to_response(self.get_context_data(reset=True))
