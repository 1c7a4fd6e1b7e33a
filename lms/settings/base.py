"""Settings shared by every environment.

Everything that differs between machines comes from environment variables, with safe
development defaults; ``production.py`` refuses to start without the secrets.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

INSTALLED_APPS = [
    # The host: the site's home page and member area.
    "home",
    # The plugins: the domain, on the layer they share.
    "jour_core",
    "people",
    "courses",
    "certifications",
    "quality",
    # Wagtail.
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
    "simple_history",
    "taggit",
    "django_filters",
    "django_tables2",
    # The task queue (Django's task framework; on Django 5.2 its backport django-tasks, which
    # Wagtail 8.0 uses on 6.0 too) and its database backend: email leaves through it
    # (jour_core/mail.py, jour_core/taskqueue.py); `manage.py db_worker` runs it.
    "django_tasks",
    "django_tasks_db",
    # Security: login throttling, two-factor authentication, Content-Security-Policy.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    # Django.
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
]

MIDDLEWARE = [
    # First: the request id of every log line, and the access line (jour_core/logs.py).
    "jour_core.logs.RequestLogMiddleware",
    # /healthz and /readyz, answered before the host check, the HTTPS redirect and the session.
    "jour_core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lms.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "jour_core.middleware.RequireTwoFactorMiddleware",
    # Writes an audit line for every 403 answered to a signed-in person.
    "jour_core.audit.AuditDeniedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the signed-in user as history_user of every change made in a request.
    "simple_history.middleware.HistoryRequestMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "csp.middleware.CSPMiddleware",
    "home.csp.CSPNonceRequestMiddleware",
    # frame-ancestors 'self' only where a view allows same-origin framing (Wagtail's previews).
    "home.csp.SameOriginFramingMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Form widgets render through TEMPLATES, so that templates/wagtailadmin/widgets/ (the date
# pickers with the CSP nonce) override Wagtail's.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "lms.wsgi.application"


def site_database(database: dict) -> dict:
    """The site's connection options. PostgreSQL's JIT compiler spends far longer compiling
    the report's and the clearance engine's aggregate queries than running them (1.46 s for a
    query that runs in under 0.6 s without it, README "Performance"): it is off."""
    if database["ENGINE"] == "django.db.backends.postgresql":
        database.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    return database


def database_from_environment(conn_max_age: int) -> dict:
    """DATABASE_URL (SQLite by default: nothing to install; PostgreSQL with psycopg 3), each
    connection kept for DATABASE_CONN_MAX_AGE seconds (``conn_max_age`` when it is not set:
    0 here, 60 in production) and checked before it is used again."""
    return site_database(
        dj_database_url.config(
            default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", conn_max_age)),
            conn_health_checks=True,
        )
    )


DATABASES = {"default": database_from_environment(conn_max_age=0)}
# On PostgreSQL, Wagtail's search index (wagtailsearch.IndexEntry) has PostgreSQL's search
# fields, and Django 6.0 refuses them without django.contrib.postgres (check postgres.E005).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    INSTALLED_APPS.append("django.contrib.postgres")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "jour_people.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my_training"
LOGOUT_REDIRECT_URL = "/"

# Argon2 for new and changed passwords; older hashes are upgraded at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# django-axes first: it refuses a locked-out username or address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language and time: Swedish by default, English available; dates are Stockholm dates.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [PROJECT_DIR / "static"]
# Where collectstatic writes (and the reverse proxy serves /static/ from, deploy/nginx.conf).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static_collected"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# The task queue: tasks are rows in the database, run by `manage.py db_worker` (README "Email
# and the task queue"); `make run` starts one next to the server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# The package of this Django's task framework (jour_core/taskqueue.py FRAMEWORK), for settings
# that name its immediate or dummy backend: on Django 6.0 never the backport's (the backend named
# when the code loads decides the framework of Wagtail's tasks, jour_core/taskqueue.py).
TASK_FRAMEWORK = "django.tasks" if django.VERSION >= (6, 0) else "django_tasks"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Idle timeout: a session ends after SESSION_IDLE_SECONDS without a request (one hour by
# default) and when the browser closes. Django gives a new session key at every login.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", "3600"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = False
# No page may be framed; Wagtail marks its own preview views SAMEORIGIN (and the CSP follows).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy on every response, the admin included. Scripts only from this
# site, plus the inline scripts of Wagtail's admin that carry the request's nonce (see
# home/csp.py); inline style attributes are allowed because Wagtail's admin uses them;
# charts are inline PNG data: URLs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        # No page may be framed (as X-Frame-Options: DENY says), except Wagtail's previews in
        # the page editor: home.csp.SameOriginFramingMiddleware gives those 'self'.
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Lockout (django-axes, jour_core/lockout.py): five failed logins for one account from one address
# lock that pair (never the account at other addresses); twenty from one address, whatever the
# accounts, lock the address. Both for AXES_COOLOFF_MINUTES (15 by default), on the site login
# and the admin login.
AXES_HANDLER = "jour_core.lockout.PairAndAddressHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
JOUR_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_IP_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "jour_core.auth.lockout_response"
AXES_USERNAME_CALLABLE = "jour_core.auth.lockout_username"
AXES_VERBOSE = False
# The client's address: REMOTE_ADDR, or behind reverse proxies X-Forwarded-For read from the
# right (jour_core/auth.py). No proxy is trusted unless TRUSTED_PROXY_COUNT says how many there are.
AXES_CLIENT_IP_CALLABLE = "jour_core.auth.client_address"
JOUR_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# "Forgot your password?" (jour_core/passwordreset.py): at most this many requests an hour from one
# address and for one account; the mail is sent after the answer.
JOUR_PASSWORD_RESETS_PER_ADDRESS = int(os.environ.get("PASSWORD_RESETS_PER_ADDRESS", "5"))
JOUR_PASSWORD_RESETS_PER_ACCOUNT = int(os.environ.get("PASSWORD_RESETS_PER_ACCOUNT", "3"))

# Two-factor authentication (django-otp, TOTP apps): required for coordinators, the board
# and administrators; see jour_core/twofactor.py. Only the development settings may turn it off.
JOUR_REQUIRE_2FA = env_bool("REQUIRE_2FA", True)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Jourutbildning")


def logging_config(log_format: str, access_level: str) -> dict:
    """Every line through one handler on standard error, as JSON (``LOG_FORMAT=json``, one object
    per line: jour_core/logs.py) or as text; the access lines (one per request, at INFO; a
    successful health probe's at DEBUG) from ``access_level`` up."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": "jour_core.logs.JsonFormatter"},
            "text": {"()": "jour_core.logs.TextFormatter"},
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": log_format}},
        "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
        "loggers": {
            # jour_core/audit.py: one line per security event (ids only, never secrets).
            "audit": {"handlers": ["console"], "level": "INFO", "propagate": False},
            # jour_core/logs.py: one line per request (method, path, status, duration).
            "jour_core.access": {"level": access_level},
            # home/management/commands/run_daily_jobs.py: one line per job, with its duration.
            "home.daily": {"level": "INFO"},
        },
    }


# Development, the tests and the benchmarks: text, no access lines (runserver prints its own).
LOGGING = logging_config(os.environ.get("LOG_FORMAT", "text"), os.environ.get("ACCESS_LOG_LEVEL", "WARNING"))

# Wagtail.
WAGTAIL_SITE_NAME = os.environ.get("WAGTAIL_SITE_NAME", "Jourutbildning")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Documents: an allow-list of harmless types (no SVG, no HTML), 10 MB at most.
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "txt", "xlsx", "ods", "pptx", "odp", "csv"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = True
# Only the administrator changes an email address (the login): on Wagtail's account page anyone
# with admin access could change her own, and with it who receives a password reset.
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
# No Gravatar: it would send a hash of every admin user's email address to a third party.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILUSERS_PASSWORD_REQUIRED = False

# people: how large an uploaded import file may be.
PEOPLE_IMPORT_MAX_BYTES = 2 * 1024 * 1024
