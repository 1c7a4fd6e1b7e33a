"""The site's URLs (``lms.urls``) with the floor of ``make saturation`` at a feed's place: a
trivial view through the same gunicorn, middleware and token-shaped path as a calendar feed,
answering 304 with no database query. Only ``lms.settings.load`` routes here."""

from django.http import HttpResponseNotModified
from django.urls import path
from django.views.decorators.http import require_GET

from lms.urls import urlpatterns as site_patterns


@require_GET
def floor(request, token: str) -> HttpResponseNotModified:
    response = HttpResponseNotModified()
    response["ETag"] = '"floor"'
    return response


_after = next(i for i, p in enumerate(site_patterns) if str(p.pattern) == "kurser/")
urlpatterns = [
    *site_patterns[:_after],
    path("kurser/golv/<str:token>.ics", floor, name="load_floor"),
    *site_patterns[_after:],
]
