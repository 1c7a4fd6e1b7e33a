"""The load test (``make load``, ``loadtest/run.py``): production settings, DEBUG off, served by
gunicorn over plain HTTP on the loopback address, against a throw-away SQLite database.

Only what plain HTTP on 127.0.0.1 needs differs from production: no HTTPS redirect, no HSTS,
cookies without the Secure flag. Never use this for a real site.
"""

from .production import *

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Mail stays in memory, unless a measurement points it at an SMTP server (loadtest/reset_timing.py).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers write sessions at once: take the write lock at BEGIN and wait
    # for it rather than failing with "database is locked"; WAL lets readers go on meanwhile.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    } | DATABASES["default"].get("OPTIONS", {})

# The site's URLs plus the floor of `make saturation` (a trivial view at a feed's place).
ROOT_URLCONF = "loadtest.urls"
