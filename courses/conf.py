"""The courses app's settings, read in one place, with their defaults.

A host overrides any of them in its settings module; every name starts with ``COURSES_``.
"""

from django.conf import settings
from django.shortcuts import resolve_url

from jour_core.conf import AppSettings

DEFAULTS = {
    # Where a visitor of a course page is sent to log in (a URL or a URL name). None: where
    # Wagtail sends her for a login-restricted page (WAGTAIL_FRONTEND_LOGIN_URL, else Wagtail's
    # own login form), so the course page and its lessons agree.
    "COURSES_LOGIN_URL": None,
    # The site's address, for calendar links printed by `manage.py calendar_url` and the links in
    # emails. None: Wagtail's
    # WAGTAILADMIN_BASE_URL.
    "COURSES_BASE_URL": None,
    # Self check-in (courses/check_in.py): the QR code on the leader's screen is valid from this
    # many minutes before a session's start to as many after it.
    "COURSES_CHECK_IN_WINDOW_MINUTES": 30,
    # A check-in later than this many minutes after the start is marked late.
    "COURSES_LATE_AFTER_MINUTES": 10,
    # The member's page with her sessions (a URL or a URL name), linked from the emails about
    # sessions (a change, a reminder); None or a name the site does not have: no link.
    "COURSES_MY_SESSIONS_URL": "my_training",
}

app_settings = AppSettings(DEFAULTS)


def login_url() -> str:
    url = app_settings.COURSES_LOGIN_URL or getattr(settings, "WAGTAIL_FRONTEND_LOGIN_URL", None)
    return resolve_url(url or "wagtailcore_login")


def base_url() -> str:
    return app_settings.COURSES_BASE_URL or getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
