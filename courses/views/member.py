"""What members do: mark a self-paced lesson done, make a new link for their calendar, give
apologies for a coming session, check in at one, turn reminders before sessions on or off.
Thin: check access, call courses.completion, ical, attendance, check_in or reminders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jour_core.audit import audit
from jour_core.scoping import can_see_organisation

from ..attendance import AttendanceError, check_apology, register_people, report_apology, withdraw_apology
from ..check_in import CheckInOutcome, check_in, check_in_status, window
from ..completion import mark_lesson_done
from ..forms import ApologyForm
from ..ical import feed_token
from ..models import Attendance, Enrolment, FeedKind, LessonPage, Mark, Session
from ..reminders import set_session_reminders
from ..selectors import apology_alternatives


@login_required
@require_POST
def lesson_done(request, pk: int):
    """A member marks a lesson of a self-paced course as done."""
    lesson = get_object_or_404(LessonPage.objects.live(), pk=pk)
    course = lesson.get_course()
    if course is None or not course.self_paced:
        raise Http404
    if not can_see_organisation(request.user, course.organisation_id):
        raise Http404
    completion = mark_lesson_done(request.user, lesson)
    if completion is not None:
        messages.success(request, _("Well done! You have completed %(course)s.") % {"course": course.title})
    else:
        messages.success(request, _("Lesson marked as done."))
    return redirect(lesson.url)


@login_required
@require_POST
def reset_my_calendar(request):
    """A member makes a new link for her calendar; the old one answers 404 at once."""
    feed_token(request.user, FeedKind.MY_SESSIONS, reset=True)
    audit("feed.reset", request, kind=FeedKind.MY_SESSIONS)
    messages.success(
        request, _("You have a new calendar link. Subscribe again with it; the old one no longer works.")
    )
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return redirect(next_url)


def her_session(request, pk: int) -> tuple[Session, Enrolment]:
    """A session of her organisation whose register she is on, and her enrolment (in its run,
    or the one she makes up a unit for); 404 otherwise."""
    session = get_object_or_404(
        Session.objects.for_user(request.user).select_related("run__course", "run__organisation"), pk=pk
    )
    for person, enrolment, makeup in register_people(session):
        if person.pk == request.user.pk:
            return session, enrolment or makeup.enrolment
    raise Http404


@login_required
def apologise(request, pk: int):
    """She gives apologies for a coming session (with a note, if she wants), or takes them back;
    then she sees where she can make up the unit."""
    session, enrolment = her_session(request, pk)
    form = ApologyForm(request.POST or None)
    if request.method == "POST":
        try:
            if "withdraw" in request.POST:
                withdraw_apology(session, request.user)
                messages.success(request, _("Your apologies are taken back. Welcome!"))
                return redirect("courses_apologise", pk)
            if form.is_valid():
                report_apology(session, request.user, form.cleaned_data["note"])
                messages.success(request, _("Your apologies are recorded. The circle leaders are told."))
                return redirect("courses_apologise", pk)
        except AttendanceError as exc:
            messages.error(request, str(exc))
    now = timezone.now()
    try:
        check_apology(session, now)
        refusal = None
    except AttendanceError as exc:
        refusal = str(exc)
    attendance = Attendance.objects.filter(session=session, person=request.user).first()
    excused = attendance is not None and attendance.mark == Mark.EXCUSED
    context = {
        "session": session,
        "unit": session.run.course.units.filter(number=session.unit_number).first(),
        "attendance": attendance,
        "excused": excused,
        "refusal": refusal,
        "form": form,
        "alternatives": apology_alternatives(session, enrolment, now) if excused else [],
    }
    return render(request, "jour_courses/apology.html", context)


@login_required
def check_in_view(request, pk: int, code: str):
    """She scanned the leader's QR code: a button to check in while the code is good (POST),
    then what happened, in words."""
    session, _enrolment = her_session(request, pk)
    if request.method == "POST":
        result = check_in(session, request.user, code)
        if result.outcome == CheckInOutcome.CHECKED_IN:
            return redirect("courses_check_in", pk, code)
    else:
        result = check_in_status(session, request.user, code, timezone.now())
    opens, closes = window(session)
    context = {"session": session, "result": result, "code": code, "opens": opens, "closes": closes}
    return render(request, "jour_courses/check_in.html", context)


@login_required
@require_POST
def session_reminders(request):
    """She turns her own reminders the day before a session on (``on=1``) or off (``on=0``)."""
    on = request.POST.get("on")
    if on not in ("0", "1"):
        messages.error(request, _("Choose whether you want the reminders."))
    else:
        set_session_reminders(request.user, on == "1")
        if on == "1":
            messages.success(request, _("You will get an email the day before each of your sessions."))
        else:
            messages.success(request, _("You will no longer get reminders before your sessions."))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return redirect(next_url)
