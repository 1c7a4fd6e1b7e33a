"""The baselines of the feed and page benchmarks: trivial views behind the same routing,
middleware and authentication as the real ones, answering a prebuilt response of the same size."""

from __future__ import annotations

from django.http import Http404, HttpResponse, HttpResponseNotModified

from courses.ical import find_feed

#: name -> (status, content type, body); filled by the runner with the real view's answer.
PREBUILT: dict[str, tuple[int, str, bytes]] = {}


def _prebuilt(name: str) -> HttpResponse:
    status, content_type, body = PREBUILT[name]
    if status == 304:
        return HttpResponseNotModified()
    return HttpResponse(body, content_type=content_type, status=status)


def baseline_page(request, name: str) -> HttpResponse:
    """An admin page (behind Wagtail's admin login, as the board and the register are)."""
    return _prebuilt(name)


def baseline_feed(request, name: str, token: str) -> HttpResponse:
    """A calendar feed: the same token check as the real feed, then the prebuilt answer."""
    if find_feed(token) is None:
        raise Http404
    return _prebuilt(name)
