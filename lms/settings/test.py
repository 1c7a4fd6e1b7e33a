"""Tests: fast hashing, in-memory email, no manifest needed for static files."""

from .base import *

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production-use"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run at once, in the test's thread (a test of the worker switches to the database backend).
# Django 6.0's own framework, or its backport on 5.2 (jour_core/taskqueue.py).
TASKS = {"default": {"BACKEND": f"{TASK_FRAMEWORK}.backends.immediate.ImmediateBackend"}}
WHITENOISE_USE_FINDERS = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
MEDIA_ROOT = BASE_DIR / "test-artifacts" / "media"
WAGTAILADMIN_BASE_URL = "http://testserver"
WHITENOISE_AUTOREFRESH = True
