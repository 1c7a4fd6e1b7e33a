"""The public calendar endpoints: a subscribed feed (opened by its secret token, answering 304
when nothing changed) and one session as an .ics file. Thin: the feeds are courses.ical's."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotFound, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..ical import (
    build_calendar,
    cached_feed_version,
    current_feed_version,
    feed_allowed,
    feed_calendar,
    find_feed,
    polled_version,
    sessions_for_person,
)
from ..models import Session

NOT_FOUND = b"Not found\n"


def _not_found() -> HttpResponse:
    """Unknown, revoked and malformed tokens all get this same answer."""
    return HttpResponseNotFound(NOT_FOUND, content_type="text/plain; charset=utf-8")


def _calendar_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def calendar_feed(request, token: str):
    """A subscribed calendar: 304 when nothing changed, else the whole feed. A phone asking
    again about its "My sessions" feed with the ETag it has is answered by ``polled_version``
    (one precompiled query and the cache); everything else by the full path, where a request
    without a condition, or whose condition fails, reads the sessions once for both the
    version and the calendar (``feed_calendar``)."""
    conditional = _conditional(request)
    polled = polled_version(token) if conditional else None
    if polled is not None and _not_modified(request, polled):
        return _with_version(HttpResponseNotModified(), polled)
    feed = find_feed(token)
    if feed is None or not feed_allowed(feed):
        return _not_found()
    version = current_feed_version(feed) if conditional else cached_feed_version(feed)
    if version is not None and _not_modified(request, version):
        return _with_version(HttpResponseNotModified(), version)
    version, body = feed_calendar(feed, version, request.build_absolute_uri("/"))
    return _with_version(_calendar_response(body, "kalender.ics"), version)


def _conditional(request) -> bool:
    return "If-None-Match" in request.headers or "If-Modified-Since" in request.headers


def _with_version(response: HttpResponse, version) -> HttpResponse:
    response["ETag"] = version.etag
    response["Cache-Control"] = "private, max-age=300"
    if version.last_modified is not None:
        response["Last-Modified"] = http_date(version.last_modified.timestamp())
    return response


def _not_modified(request, version) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return (
            version.etag in {tag.strip() for tag in if_none_match.split(",")} or if_none_match.strip() == "*"
        )
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return (
        since is not None
        and version.last_modified is not None
        and int(version.last_modified.timestamp()) <= since
    )


@login_required
@require_GET
def session_ics(request, pk: int):
    """One session as an .ics file ("Add to calendar"), for those whose schedule it is in."""
    user = request.user
    mine = sessions_for_person(user).filter(pk=pk).exists()
    managed = (
        user.has_perm("jour_courses.view_courserun") and Session.objects.for_user(user).filter(pk=pk).exists()
    )
    if not (mine or managed):
        raise Http404
    session = Session.objects.filter(pk=pk)
    return _calendar_response(
        build_calendar(session, str(_("Session")), request.build_absolute_uri("/")), f"traff-{pk}.ics"
    )
