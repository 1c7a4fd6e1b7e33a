"""Member-facing quality URLs: include with ``path("kvalitet/", include("quality.urls"))``."""

from django.urls import path

from . import views

urlpatterns = [
    # A unit of a study circle's run, or 0 for a whole continuing-education course.
    path("utvardering/<int:run_pk>/<int:unit>/", views.evaluation, name="quality_evaluation"),
]
