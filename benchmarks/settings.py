"""Settings for ``python -m benchmarks``: the site as it runs in production (DEBUG off, the same
middleware, two-step verification on), against the benchmark's own database.

``benchmarks/__main__.py`` sets ``BENCH_DATABASE`` (a dj-database-url address) before Django
starts: a SQLite file under ``benchmarks/.data/``, or a database of its own on the PostgreSQL
server of ``DATABASE_URL``.
"""

import os

import dj_database_url

from lms.settings.base import *

DEBUG = False
SECRET_KEY = "benchmark-only-secret-key-not-for-production-use"  # noqa: S105
ALLOWED_HOSTS = ["testserver"]
DATABASES = {"default": site_database(dj_database_url.parse(os.environ["BENCH_DATABASE"], conn_max_age=600))}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WAGTAILADMIN_BASE_URL = "http://testserver"
# The baselines: trivial views behind the same routing, middleware and authentication.
INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks"]
ROOT_URLCONF = "benchmarks.urls"
# Static files are not what is measured: no collectstatic directory is needed.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None
