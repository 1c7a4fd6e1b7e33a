"""/healthz and /readyz (jour_core/health.py)."""

import json

import pytest
from django.db import connection
from django.test import override_settings

from jour_core import health


@pytest.fixture(autouse=True)
def _migrations_not_yet_seen(monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)


def test_healthz_answers_without_database_session_or_cookie(client):
    # No db fixture: pytest-django refuses any query.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["jour.example.org"])
def test_probes_over_http_by_address_are_neither_redirected_nor_refused(client, db):
    assert client.get("/healthz", HTTP_HOST="10.0.0.5").status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.0.0.5").status_code == 200
    # Any other page keeps both rules.
    assert client.get("/", HTTP_HOST="10.0.0.5").status_code == 400
    assert client.get("/", HTTP_HOST="jour.example.org").status_code == 301


def test_readyz_when_all_is_in_order(client, db, django_assert_max_num_queries):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "ready",
        "checks": {"database": "ok", "cache": "ok", "migrations": "ok"},
    }
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies
    # Once the migrations were seen applied, a probe is one query.
    with django_assert_max_num_queries(1):
        assert client.get("/readyz").status_code == 200


def test_readyz_names_an_unapplied_migration(client, db):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s", ["jour_quality"])
    response = client.get("/readyz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "not ready"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"].startswith("failed: ")
    assert body["checks"]["migrations"].endswith(" unapplied")


def test_readyz_names_a_cache_that_does_not_keep_values(client, db):
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["cache"] == "failed: the value did not come back"


def test_probes_at_the_same_moment_do_not_spoil_each_other(monkeypatch):
    """Workers and balancers share the cache: another probe between this one's write and its
    read must not make it fail (with one key for all, 691 of 900 concurrent probes failed)."""
    from django.core.cache import caches

    cache = caches["default"]
    real_get, outcomes = cache.get, []

    def get_after_another_probe(key, *args, **kwargs):
        if not outcomes:  # once: the other probe writes and reads in between
            outcomes.append("running")
            outcomes[0] = health.cache_check()
        return real_get(key, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(cache, "get", get_after_another_probe)
        assert health.cache_check() == "ok"
    assert outcomes == ["ok"]
    assert not [key for key in cache._cache if "readyz" in key]  # each probe removes its value


def test_readyz_without_a_database_says_so_without_its_message(client, monkeypatch):
    def broken():
        raise RuntimeError("password authentication failed for user secret-user")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["checks"]["database"] == "failed: RuntimeError"
    assert body["checks"]["migrations"] == "not checked: no database"
    assert b"secret-user" not in response.content
