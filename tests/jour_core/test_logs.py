"""The logs (jour_core/logs.py): one JSON object per line with the request id, one access line
per request, and never a query string or a secret of a path."""

import io
import json
import logging

import pytest
from django.test import override_settings
from django.urls import reverse

from courses.ical import feed_token, token_of
from courses.models import FeedKind
from jour_core.logs import JsonFormatter, TextFormatter, request_id
from tests.factories import PersonFactory


@pytest.fixture
def json_lines():
    """Everything logged, formatted as production formats it (access lines at INFO); the list
    of decoded lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root, access = logging.getLogger(), logging.getLogger("jour_core.access")
    level = access.level
    root.addHandler(handler)
    access.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    access.setLevel(level)


def access_lines(lines):
    return [line for line in lines if line["logger"] == "jour_core.access"]


def test_one_access_line_per_request_without_the_query_string(client, db, json_lines):
    response = client.get("/accounts/login/?next=/secret-place/&email=anna@example.org")
    assert response.status_code == 200
    (line,) = access_lines(json_lines())
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert line["method"] == "GET"
    assert line["path"] == "/accounts/login/"
    assert line["route"] == "login"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert line["level"] == "INFO"
    assert isinstance(line["pid"], int)
    assert line["message"] == "GET /accounts/login/ 200"
    assert "secret-place" not in json.dumps(json_lines())


def test_a_feed_token_is_never_logged(client, org_a, json_lines):
    token = token_of(feed_token(PersonFactory(organisation=org_a), FeedKind.MY_SESSIONS))
    assert client.get(reverse("courses_calendar_feed", args=[token])).status_code == 200
    assert client.get(reverse("courses_calendar_feed", args=[token + "x"])).status_code == 404
    lines = json_lines()
    assert [line["path"] for line in access_lines(lines)] == ["/kurser/kalender/<token>.ics"] * 2
    # Django's own "Not Found" line is redacted as well, and has the request's id.
    (not_found,) = [line for line in lines if line["logger"] == "django.request"]
    assert not_found["message"] == "Not Found: /kurser/kalender/<token>.ics"
    assert not_found["request_id"] == access_lines(lines)[1]["request_id"]
    assert request_id.get() is None
    assert token not in json.dumps(lines)


def test_a_password_reset_link_is_never_logged(client, db, json_lines):
    client.get("/accounts/reset/MQ/abc-0123456789abcdef/")
    (line,) = access_lines(json_lines())
    assert line["path"] == "/accounts/reset/<uidb64>/<token>/"


def test_a_secret_in_a_path_that_does_not_resolve_is_never_logged(client, org_a, json_lines):
    """Without its ".ics", with a slash added, without the trailing slash (Django redirects
    before any view): the path is cut after the start such a URL has."""
    token = token_of(feed_token(PersonFactory(organisation=org_a), FeedKind.MY_SESSIONS))
    paths = [
        f"/kurser/kalender/{token}",
        f"/kurser/kalender/{token}/",
        "/accounts/reset/MQ/abc-0123456789abcdef",
        "/intyg/ABCD-EFGH-JKLM/extra/",
    ]
    for path in paths:
        assert client.get(path).status_code in (301, 302, 404)
    lines = json_lines()
    logged = [line["path"] for line in access_lines(lines)]
    assert logged == [
        "/kurser/kalender/<redacted>",
        "/kurser/kalender/<redacted>",
        "/accounts/reset/<redacted>",
        "/intyg/<redacted>",
    ]
    assert token not in json.dumps(lines) and "abc-0123456789abcdef" not in json.dumps(lines)
    # A page of ours under such a start that takes no secret keeps its path.
    client.get("/intyg/")
    assert access_lines(json_lines())[-1]["path"] == "/intyg/"


def test_text_logs_redact_djangos_lines_as_json_logs_do(client, org_a):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(TextFormatter())
    logging.getLogger("django.request").addHandler(handler)
    try:
        token = token_of(feed_token(PersonFactory(organisation=org_a), FeedKind.MY_SESSIONS))
        assert client.get(reverse("courses_calendar_feed", args=[token + "x"])).status_code == 404
    finally:
        logging.getLogger("django.request").removeHandler(handler)
    assert "Not Found: /kurser/kalender/<token>.ics" in stream.getvalue()
    assert token not in stream.getvalue()


def test_production_writes_access_lines_development_does_not():
    from lms.settings.base import logging_config

    assert logging_config("json", "INFO")["loggers"]["jour_core.access"]["level"] == "INFO"
    assert logging.getLogger("jour_core.access").getEffectiveLevel() == logging.WARNING


def test_a_client_cannot_choose_its_request_id_without_a_trusted_proxy(client, db):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="chosen-by-client")
    assert response["X-Request-ID"] != "chosen-by-client"


@override_settings(JOUR_TRUSTED_PROXY_COUNT=1)
@pytest.mark.parametrize(
    ("offered", "kept"),
    [("proxy-id.0123_ABC", True), ("x" * 64, True), ("x" * 65, False), ("bad id", False), ("a\nb", False)],
)
def test_a_trusted_proxys_sane_request_id_is_kept(client, db, offered, kept):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=offered)
    assert (response["X-Request-ID"] == offered) is kept
    assert len(response["X-Request-ID"]) <= 64


def test_every_line_of_a_request_carries_its_id_and_an_exception_is_one_field(json_lines):
    token = request_id.set("abc123")
    try:
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            logging.getLogger("jour_core.test").exception("it failed")
    finally:
        request_id.reset(token)
    (line,) = json_lines()
    assert line["request_id"] == "abc123"
    assert line["message"] == "it failed"
    assert line["exception"].startswith("Traceback") and "RuntimeError: boom" in line["exception"]
    assert set(line) == {"time", "level", "logger", "message", "request_id", "pid", "exception"}


def test_successful_probes_stay_out_of_the_info_log(client, db, caplog):
    with caplog.at_level(logging.DEBUG, logger="jour_core.access"):
        client.get("/healthz")
        client.get("/readyz")
        client.get("/readyz", HTTP_HOST="not-allowed.example.org")
    access = [r for r in caplog.records if r.name == "jour_core.access"]
    assert [r.levelno for r in access] == [logging.DEBUG] * 3
