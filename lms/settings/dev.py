"""Development: DEBUG on, console email, a fixed throw-away secret."""

from .base import *
from .base import env_bool, env_list

DEBUG = True
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# The demo's logins work without an authenticator app; REQUIRE_2FA=1 turns the second step on
# (production always has it unless REQUIRE_2FA=0 is set on purpose).
JOUR_REQUIRE_2FA = env_bool("REQUIRE_2FA", False)
# Serve static files from the app directories without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
