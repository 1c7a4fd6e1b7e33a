from django.urls import path
from wagtail import hooks

from . import views


@hooks.register("register_admin_urls")
def register_baseline_page():
    return [path("bench/baseline/<str:name>/", views.baseline_page, name="bench_baseline_page")]
