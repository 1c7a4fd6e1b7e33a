"""Member-facing course URLs: include with ``path("kurser/", include("courses.urls"))``."""

from django.urls import path

from . import views

urlpatterns = [
    path("lesson/<int:pk>/done/", views.lesson_done, name="courses_lesson_done"),
    path("kalender/<str:token>.ics", views.calendar_feed, name="courses_calendar_feed"),
    path("session/<int:pk>.ics", views.session_ics, name="courses_session_ics"),
    path("kalender/ny-lank/", views.reset_my_calendar, name="courses_reset_my_calendar"),
]
