from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "oldsite-test-only-secret-key-not-for-production"
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
