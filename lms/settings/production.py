"""Production: refuses to start without a real SECRET_KEY and ALLOWED_HOSTS."""

from django.core.exceptions import ImproperlyConfigured

from .base import *
from .base import database_from_environment, env_bool, env_list, logging_config

DEBUG = False

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith(("dev-", "test-", "django-insecure")):
    raise ImproperlyConfigured(
        "Set SECRET_KEY to a random value of at least 50 characters, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(64))'."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "Set ALLOWED_HOSTS to the comma-separated host names this site answers to ('*' is refused)."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# A proxy's headers are trusted only when TRUSTED_PROXY_COUNT says how many reverse proxies
# there are (base.py: 0 by default, so a client cannot pick the address her failed logins count
# against, nor claim HTTPS). Behind one proxy, set TRUSTED_PROXY_COUNT=1: without it the site
# redirects to HTTPS for ever (X-Forwarded-Proto is not read), which shows at once, rather than
# counting every client at the proxy's address (twenty failed logins from anyone would lock
# everyone out).
if JOUR_TRUSTED_PROXY_COUNT > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# One JSON object per line, with the request id, and an access line per request
# (jour_core/logs.py); LOG_FORMAT=text for text.
LOGGING = logging_config(os.environ.get("LOG_FORMAT", "json"), os.environ.get("ACCESS_LOG_LEVEL", "INFO"))

# The shared cache (README "Run it in production"): with several gunicorn workers, REDIS_URL
# (e.g. redis://127.0.0.1:6379/0) gives them one page cache, one feed cache and one set of
# rate-limit counters. While Redis is down the cache reads as a miss and writes nothing
# (jour_core/cache.py): the site answers, slower. Without REDIS_URL each worker has its own
# in-memory cache. Login lockouts are counted in the database, not here (jour_core/lockout.py).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "jour_core.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "jour",
            # Short timeouts: an unreachable Redis must not hold a request for long.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }

EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# Persistent database connections: each gunicorn worker keeps its connection for a minute
# unless DATABASE_CONN_MAX_AGE says otherwise, checked before reuse. A new PostgreSQL connection
# per request cost 10 to 12 ms, more than a calendar poll's whole answer (README "Load test").
DATABASES = {"default": database_from_environment(conn_max_age=60)}
