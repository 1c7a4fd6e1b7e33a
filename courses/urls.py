"""Member-facing course URLs: include with ``path("kurser/", include("courses.urls"))``."""

from django.urls import path

from . import views

urlpatterns = [
    path("lesson/<int:pk>/done/", views.lesson_done, name="courses_lesson_done"),
]
