"""The shared cache (jour_core/cache.py) against a real redis-server: two backends (as two
workers would have) share values; with Redis stopped a request still answers and the cache
reads as a miss; when Redis returns the cache works again."""

import logging
import os

import pytest
from django.core.cache import caches
from django.test import override_settings

from jour_core import cache as shared_cache
from tests import redis_server


@pytest.fixture
def redis(tmp_path):
    if not redis_server.available():
        if os.environ.get("CI"):
            pytest.fail(f"{redis_server.REDIS_SERVER} is missing (apt-get install redis-server)")
        pytest.skip("redis-server is not installed")
    server = redis_server.RedisServer(tmp_path / "redis", password="hemligt-redis-losen")  # as in production
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_caches(redis, monkeypatch):
    """Django's default cache on the server, and a second alias on it as another worker's."""
    monkeypatch.setattr(shared_cache, "RETRY_SECONDS", 0.0)
    shared_cache._outage.__init__()
    options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    config = {"BACKEND": "jour_core.cache.DegradingRedisCache", "LOCATION": redis.url, "OPTIONS": options}
    with override_settings(CACHES={"default": config, "other": dict(config)}):
        caches["default"].clear()
        yield caches["default"], caches["other"]
    shared_cache._outage.__init__()


def test_a_wrong_password_is_a_miss_and_never_logged(redis, monkeypatch, caplog):
    """A REDIS_URL with a password Redis does not take: the cache reads as a miss (the site
    answers from the database), and the warning does not repeat the password."""
    monkeypatch.setattr(shared_cache, "RETRY_SECONDS", 0.0)
    shared_cache._outage.__init__()
    wrong = redis.url.replace(redis.password, "fel-losen")
    config = {"BACKEND": "jour_core.cache.DegradingRedisCache", "LOCATION": wrong}
    with override_settings(CACHES={"default": config}), caplog.at_level(logging.WARNING, "jour_core.cache"):
        caches["default"].set("kept", 1, 60)
        assert caches["default"].get("kept") is None
    shared_cache._outage.__init__()
    assert caplog.records and "fel-losen" not in caplog.text and redis.password not in caplog.text


def test_two_workers_share_values(redis_caches):
    mine, theirs = redis_caches
    mine.set("board", b"page", 60)
    assert theirs.get("board") == b"page"
    assert theirs.add("counter", 0, 60) is True
    assert mine.incr("counter") == 1
    assert theirs.incr("counter") == 2
    assert mine.get_many(["board", "counter"]) == {"board": b"page", "counter": 2}
    theirs.delete("board")
    assert mine.get("board") is None


def test_stopped_redis_is_a_miss_and_logged_once(redis, redis_caches, caplog):
    cache, _ = redis_caches
    cache.set("kept", 1, 60)
    redis.stop()
    with caplog.at_level(logging.WARNING, logger="jour_core.cache"):
        assert cache.get("kept") is None
        assert cache.get("kept", "default") == "default"
        assert cache.get_many(["kept"]) == {}
        assert cache.add("new", 1, 60) is False
        cache.set("new", 1, 60)
        assert cache.delete("kept") is False
        assert cache.get_or_set("computed", lambda: "fresh", 60) == "fresh"
        with pytest.raises(ValueError, match="not found"):
            cache.incr("counter")
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 1
    assert warnings[0].startswith("cache unavailable (ConnectionError on get")


def test_a_page_answers_while_redis_is_down_and_the_cache_returns(redis, redis_caches, client, caplog, db):
    cache, other = redis_caches
    redis.stop()
    with caplog.at_level(logging.WARNING, logger="jour_core.cache"):
        assert client.get("/accounts/login/").status_code == 200
        # The rate limit of the password reset counts in the cache: it lets the request through.
        response = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
        assert response.status_code in (200, 302)
        redis.start()
        cache.set("back", "yes", 60)
    assert other.get("back") == "yes"
    assert "cache available again" in caplog.records[-1].getMessage()


def test_after_a_failure_redis_is_left_alone_for_a_while(redis, redis_caches, monkeypatch):
    cache, _ = redis_caches
    monkeypatch.setattr(shared_cache, "RETRY_SECONDS", 3600.0)
    redis.stop()
    assert cache.get("x") is None
    redis.start()
    # Within RETRY_SECONDS of the failure the worker does not ask Redis: still a miss.
    cache.set("x", 1, 60)
    assert cache.get("x") is None
    monkeypatch.setattr(shared_cache._outage, "retry_at", 0.0)
    cache.set("x", 1, 60)
    assert cache.get("x") == 1
