"""The audit log: one line per security event, never a secret or a name."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from certifications.models import FrozenReport
from courses.ical import feed_token, token_of
from courses.models import FeedKind
from jour_core.audit import audit
from tests.auth import sign_in
from tests.factories import PersonFactory

PASSWORD = "test-password-123"


def lines(caplog, event: str | None = None) -> list[str]:
    found = [r.getMessage() for r in caplog.records if r.name == "audit"]
    return [line for line in found if event is None or f"event={event} " in line + " "]


def everything(caplog) -> str:
    """Every log record of any logger, with its arguments, as one text."""
    return "\n".join(f"{r.name} {r.getMessage()} {r.args!r} {r.__dict__!r}" for r in caplog.records)


def login(client, email, password, address="10.0.0.1"):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address)


def test_audit_never_writes_forbidden_fields_or_odd_values(audit_log):
    audit("test.event", None, user=3, token="abc", password="x", feed_url="u", note="a b <c>")
    (line,) = lines(audit_log, "test.event")
    assert line == "event=test.event user=3 ip=- note=-"


def test_login_success_and_logout_are_logged(client, volunteer_a, audit_log):
    assert login(client, volunteer_a.email, PASSWORD).status_code == 302
    (line,) = lines(audit_log, "login.success")
    assert f"user={volunteer_a.pk} " in line and "ip=10.0.0.1" in line
    assert f"org={volunteer_a.organisation_id}" in line
    client.post(reverse("logout"))
    (line,) = lines(audit_log, "logout")
    assert f"user={volunteer_a.pk}" in line
    assert volunteer_a.email not in everything(audit_log)


def test_failed_login_never_logs_the_password(client, volunteer_a, caplog, audit_log):
    caplog.set_level(logging.DEBUG)
    secret = "Hemligt-Lösen-4711"
    login(client, volunteer_a.email, secret)
    login(client, "nobody@example.org", secret)
    failed = lines(audit_log, "login.failed")
    assert len(failed) == 2
    assert f"user={volunteer_a.pk} " in failed[0]
    assert "user=unknown" in failed[1]
    text = everything(audit_log)
    assert secret not in text
    assert "nobody@example.org" not in "\n".join(lines(audit_log))
    assert volunteer_a.email not in "\n".join(lines(audit_log))


def test_lockout_is_logged(client, volunteer_a, audit_log):
    pytest.importorskip("axes")
    for _ in range(5):
        login(client, volunteer_a.email, "wrong-password", address="10.0.1.1")
    (line,) = lines(audit_log, "login.lockout")
    assert f"user={volunteer_a.pk} " in line and "ip=10.0.1.1" in line
    assert "wrong-password" not in everything(audit_log)


def test_feed_reset_is_logged_without_the_token(client, volunteer_a, audit_log):
    old = token_of(feed_token(volunteer_a, FeedKind.MY_SESSIONS))
    sign_in(client, volunteer_a)
    client.post(reverse("courses_reset_my_calendar"), {"next": "/"})
    new = token_of(feed_token(volunteer_a, FeedKind.MY_SESSIONS))
    (line,) = lines(audit_log, "feed.reset")
    assert f"user={volunteer_a.pk} " in line
    text = everything(audit_log)
    # No feed link either (the access line names the reset page, /kurser/kalender/ny-lank/).
    assert old not in text and new not in text and ".ics" not in text


def test_people_export_logs_kind_and_count_but_no_names(client, coordinator_a, org_a, audit_log):
    people = PersonFactory.create_batch(3, organisation=org_a)
    sign_in(client, coordinator_a)
    response = client.get(reverse("people_person:index") + "?export=csv")
    assert response.status_code == 200
    (line,) = lines(audit_log, "export")
    assert "kind=people" in line and "format=csv" in line and "rows=4" in line
    text = "\n".join(lines(audit_log))
    for person in [*people, coordinator_a]:
        assert person.email not in text and person.first_name not in text and person.last_name not in text


def test_report_and_frozen_report_downloads_are_logged(client, board_a, org_a, audit_log):
    sign_in(client, board_a)
    response = client.post(
        reverse("certifications_report"), {"year": "2026", "version": "internal", "action": "json"}
    )
    assert response.status_code == 200
    (line,) = lines(audit_log, "export")
    assert "kind=competence-report " in line and "format=json" in line and f"user={board_a.pk} " in line
    client.post(reverse("certifications_report"), {"year": "2026", "version": "internal", "action": "freeze"})
    frozen = FrozenReport.objects.get()
    client.get(reverse("certifications_frozen_report", args=[frozen.pk, "json"]))
    line = lines(audit_log, "export")[-1]
    assert "kind=competence-report-frozen" in line and f"report={frozen.pk}" in line and "format=json" in line


def test_admin_permission_denial_is_logged(client, volunteer_a, board_a, audit_log):
    # The board reads the register but may not add people: the admin denies it.
    sign_in(client, board_a)
    client.get(reverse("people_person:add"))
    denied = lines(audit_log, "access.denied")
    assert denied and f"user={board_a.pk} " in denied[0]


def test_a_403_to_a_signed_in_person_is_logged(client, volunteer_a, audit_log, settings):
    from django.core.exceptions import PermissionDenied
    from django.urls import path

    def forbidden(request):
        raise PermissionDenied

    import types

    urls = types.ModuleType("audit_test_urls")
    urls.urlpatterns = [path("forbidden/", forbidden)]
    import sys

    sys.modules["audit_test_urls"] = urls
    settings.ROOT_URLCONF = "audit_test_urls"
    sign_in(client, volunteer_a)
    assert client.get("/forbidden/").status_code == 403
    (line,) = lines(audit_log, "access.denied")
    assert f"user={volunteer_a.pk} " in line and "status=403" in line


def test_without_a_trusted_proxy_the_log_ignores_x_forwarded_for(client, volunteer_a, audit_log, settings):
    settings.JOUR_TRUSTED_PROXY_COUNT = 0
    client.post(
        reverse("login"),
        {"username": volunteer_a.email, "password": "wrong-password"},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        REMOTE_ADDR="10.0.5.1",
    )
    (line,) = lines(audit_log, "login.failed")
    assert "ip=10.0.5.1" in line and "198.51.100.7" not in line
