"""The site's URLs with the feed baseline right after the members' course URLs."""

from django.urls import path

from lms.urls import urlpatterns as site_patterns

from . import views

_after = next(i for i, p in enumerate(site_patterns) if str(p.pattern) == "kurser/") + 1
urlpatterns = [
    *site_patterns[:_after],
    path("kurser/bench/<str:name>/<str:token>.ics", views.baseline_feed, name="bench_baseline_feed"),
    *site_patterns[_after:],
]
