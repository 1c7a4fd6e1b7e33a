"""Settings: production refuses to start without its secrets; the defaults are Swedish and Stockholm."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def check_production(**env):
    environment = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="lms.settings.production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_secret_key():
    result = check_production(ALLOWED_HOSTS="jour.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = check_production(SECRET_KEY="x" * 64)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_both():
    result = check_production(SECRET_KEY="k" * 64, ALLOWED_HOSTS="jour.example.org")
    assert result.returncode == 0, result.stderr


def test_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "sv"
    assert [code for code, _ in settings.LANGUAGES] == ["sv", "en"]
    assert settings.TIME_ZONE == "Europe/Stockholm"
    assert settings.USE_TZ
    assert settings.AUTH_USER_MODEL == "jour_people.User"


def production_setting(name: str, **env) -> str:
    environment = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TRUSTED_PROXY_COUNT", "REDIS_URL"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        SECRET_KEY="k" * 64,
        ALLOWED_HOSTS="jour.example.org",
        **env,
    )
    code = f"from django.conf import settings; print(settings.{name})"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_trusts_no_proxy_unless_told_how_many_there_are():
    # Without a proxy count, X-Forwarded-For is the client's to write: it is ignored.
    assert production_setting("JOUR_TRUSTED_PROXY_COUNT") == "0"
    assert production_setting("JOUR_TRUSTED_PROXY_COUNT", TRUSTED_PROXY_COUNT="1") == "1"


def test_production_shares_a_redis_cache_only_when_told_where():
    assert production_setting("CACHES['default']['BACKEND']").endswith("LocMemCache")
    url = "redis://127.0.0.1:6379/0"
    assert (
        production_setting("CACHES['default']['BACKEND']", REDIS_URL=url)
        == "jour_core.cache.DegradingRedisCache"
    )
    assert production_setting("CACHES['default']['LOCATION']", REDIS_URL=url) == url


def test_production_logs_json_unless_told_otherwise():
    formatter = "LOGGING['handlers']['console']['formatter']"
    assert production_setting(formatter) == "json"
    assert production_setting(formatter, LOG_FORMAT="text") == "text"
    assert production_setting("LOGGING['loggers']['jour_core.access']['level']") == "INFO"


def test_production_trusts_a_proxys_https_header_only_with_a_proxy_count():
    assert production_setting("SECURE_PROXY_SSL_HEADER") == "None"
    assert production_setting("SECURE_PROXY_SSL_HEADER", TRUSTED_PROXY_COUNT="1") == str(
        ("HTTP_X_FORWARDED_PROTO", "https")
    )


def test_the_system_checks_pass_on_the_database_of_the_run():
    """Django's checks with the settings and the database of this run: on PostgreSQL, Django 6.0
    refuses Wagtail's search fields without django.contrib.postgres (postgres.E005), which
    lms/settings/base.py installs there."""
    from django.core.management import call_command

    call_command("check", fail_level="ERROR")
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        assert "django.contrib.postgres" in settings.INSTALLED_APPS
