"""A second, minimal host for the plugins: Wagtail's own apps plus people, courses,
certifications and quality. No ``home``, no ``lms``: if a plugin leans on the main site, this host breaks.

The database is the SQLite file named by ``PLUGIN_HOST_DB`` (the test makes a fresh one).
"""

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent

SECRET_KEY = "plugin-host-test-only-secret-key-not-for-production"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost"]

INSTALLED_APPS = [
    # The plugins.
    "jour_core",
    "people",
    "courses",
    "certifications",
    "quality",
    # What they need.
    "django_filters",
    "django_tables2",
    "simple_history",
    # The task queue the plugins send email through; no TASKS: its immediate backend.
    "django_tasks",
    # Wagtail, as `wagtail start` lists it.
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "tests.plugin_host.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("PLUGIN_HOST_DB", ":memory:"),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# The plugins' one required setting: a person is the user.
AUTH_USER_MODEL = "jour_people.User"

LANGUAGE_CODE = "en"
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
MEDIA_ROOT = os.environ.get("PLUGIN_HOST_MEDIA", str(HERE / "media"))
MEDIA_URL = "/media/"

WAGTAIL_SITE_NAME = "Plugin host"
WAGTAILADMIN_BASE_URL = "http://testserver"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# This host names its login page its own way; the course page's login link must follow.
WAGTAIL_FRONTEND_LOGIN_URL = "/sign-in/"
