"""What members do: mark a self-paced lesson done, make a new link for their calendar. Thin:
check access, call courses.completion or ical."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jour_core.audit import audit
from jour_core.scoping import can_see_organisation

from ..completion import mark_lesson_done
from ..ical import feed_token
from ..models import FeedKind, LessonPage


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
