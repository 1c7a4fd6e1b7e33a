"""Member-facing course URLs: include with ``path("kurser/", include("courses.urls"))``."""

from django.urls import path

from .views import calendar, member

urlpatterns = [
    path("lesson/<int:pk>/done/", member.lesson_done, name="courses_lesson_done"),
    path("kalender/<str:token>.ics", calendar.calendar_feed, name="courses_calendar_feed"),
    path("session/<int:pk>.ics", calendar.session_ics, name="courses_session_ics"),
    path("kalender/ny-lank/", member.reset_my_calendar, name="courses_reset_my_calendar"),
    path("forhinder/<int:pk>/", member.apologise, name="courses_apologise"),
    path("incheckning/<int:pk>/<str:code>/", member.check_in_view, name="courses_check_in"),
    path("paminnelser/", member.session_reminders, name="courses_session_reminders"),
]
