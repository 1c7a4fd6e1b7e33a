""" "Forgot your password?": the same answer, with the same work, for a known and an unknown
address; the mail leaves after the answer; rate limits per address and per account."""

from __future__ import annotations

import datetime
import re

import time_machine
from django.core import mail
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from jour_core.passwordreset import PasswordResetView
from tests.factories import PersonFactory

UNKNOWN = "nobody@example.org"
MOMENT = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC)


def audit_lines(caplog, event: str) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.name == "audit" and f"event={event} " in r.getMessage()
    ]


def reset(client, email, address="10.0.0.1", **extra):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address, **extra)


def view_reset(email: str, address: str = "10.0.0.1"):
    """The view alone, as a WSGI server runs it: the response, not yet closed, and the queries
    the request made."""
    request = RequestFactory().post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)
    request._dont_enforce_csrf_checks = True
    with CaptureQueriesContext(connection) as queries:
        response = PasswordResetView.as_view()(request)
    return response, queries


def close(response) -> None:
    """What the WSGI server does after the last byte. As Django's test client does, the test's
    database connection (inside the test's transaction) is kept open through it."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def comparable_headers(response) -> dict[str, str]:
    headers = dict(response.headers)
    # A fresh request id and nonce per response, when one is used; nothing else may differ.
    headers.pop("X-Request-ID")
    if "Content-Security-Policy" in headers:
        headers["Content-Security-Policy"] = re.sub(
            r"'nonce-[^']+'", "'nonce'", headers["Content-Security-Policy"]
        )
    return headers


# The answer ------------------------------------------------------------------------------------


def test_known_and_unknown_addresses_get_the_same_answer(client, volunteer_a):
    known = reset(client, volunteer_a.email)
    unknown = reset(client, UNKNOWN)
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert comparable_headers(known) == comparable_headers(unknown)
    assert known.cookies.keys() == unknown.cookies.keys()

    def page(url):
        response = client.get(url)
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        return [t.name for t in response.templates], comparable_headers(response), html

    # The "sent" page the redirect leads to: the same templates, headers and text.
    assert page(known["Location"]) == page(unknown["Location"])
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [volunteer_a.email]


def test_the_request_does_the_same_work_and_the_mail_leaves_after_the_answer(volunteer_a):
    known, known_queries = view_reset(volunteer_a.email)
    unknown, unknown_queries = view_reset(UNKNOWN)
    # The same answer, and the same queries: the address is not even looked up in the request.
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [q["sql"] for q in known_queries] == [q["sql"] for q in unknown_queries]
    assert not [q for q in known_queries if "jour_people_user" in q["sql"]]
    assert mail.outbox == []
    # The WSGI server closes the response after its last byte: then the mail goes.
    close(unknown)
    assert mail.outbox == []
    close(known)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [volunteer_a.email]
    assert "/accounts/reset/" in mail.outbox[0].body


def test_the_mail_is_in_the_language_of_the_request(volunteer_a):
    with translation.override("en"):
        response, _ = view_reset(volunteer_a.email)
    with translation.override("sv"):
        close(response)
    assert mail.outbox[0].subject == "A new password"
    with translation.override("sv"):
        response, _ = view_reset(volunteer_a.email, address="10.0.0.2")
    with translation.override("en"):
        close(response)
    assert mail.outbox[1].subject == "Ett nytt lösenord"


def test_a_queue_that_fails_after_the_answer_is_logged_not_raised(volunteer_a, monkeypatch, caplog):
    class Broken:
        name = "broken"

        def enqueue(self, **arguments):
            raise RuntimeError("the queue is down")

    monkeypatch.setattr("jour_core.passwordreset.send_password_reset", Broken())
    response, _ = view_reset(volunteer_a.email)
    close(response)
    assert "broken failed after the response" in caplog.text
    assert "the queue is down" in caplog.text


def test_inactive_people_and_people_without_a_password_get_no_mail(client, org_a):
    inactive = PersonFactory(organisation=org_a, is_active=False)
    without = PersonFactory(organisation=org_a)
    without.set_unusable_password()
    without.save()
    for person in (inactive, without):
        assert reset(client, person.email, address=f"10.0.1.{person.pk}").status_code == 302
    assert mail.outbox == []


# Rate limits -----------------------------------------------------------------------------------


def test_one_address_gets_five_resets_an_hour(client, org_a, audit_log, settings):
    assert settings.JOUR_PASSWORD_RESETS_PER_ADDRESS == 5  # README "Security and privacy"
    people = PersonFactory.create_batch(6, organisation=org_a)
    with time_machine.travel(MOMENT, tick=False) as clock:
        answers = [reset(client, person.email, address="10.0.2.1") for person in people]
        # The sixth gets the same answer, but no mail; the audit log says which limit.
        assert {(a.status_code, a["Location"]) for a in answers} == {(302, reverse("password_reset_done"))}
        assert [m.to[0] for m in mail.outbox] == [p.email for p in people[:5]]
        (line,) = audit_lines(audit_log, "password_reset.limited")
        assert "limit=address" in line and "ip=10.0.2.1" in line
        assert people[5].email not in "\n".join(r.getMessage() for r in audit_log.records)
        # Another address is not limited.
        reset(client, people[5].email, address="10.0.2.2")
        assert mail.outbox[-1].to == [people[5].email]
        # An hour later the address may ask again.
        clock.shift(datetime.timedelta(hours=1, seconds=1))
        reset(client, people[0].email, address="10.0.2.1")
        assert len(mail.outbox) == 7 and mail.outbox[-1].to == [people[0].email]


def test_one_account_gets_three_resets_an_hour_from_any_addresses(client, volunteer_a, audit_log, settings):
    assert settings.JOUR_PASSWORD_RESETS_PER_ACCOUNT == 3  # README "Security and privacy"
    with time_machine.travel(MOMENT, tick=False) as clock:
        for attempt in range(4):
            response = reset(client, volunteer_a.email.upper(), address=f"10.0.3.{attempt}")
            assert response["Location"] == reverse("password_reset_done")
        assert len(mail.outbox) == 3
        (line,) = audit_lines(audit_log, "password_reset.limited")
        assert "limit=account" in line and "ip=10.0.3.3" in line
        clock.shift(datetime.timedelta(hours=1, seconds=1))
        reset(client, volunteer_a.email, address="10.0.3.9")
        assert len(mail.outbox) == 4


def test_unknown_addresses_count_too_so_the_limit_reveals_nothing(client, volunteer_a):
    for attempt in range(5):
        reset(client, f"nobody{attempt}@example.org", address="10.0.4.1")
    reset(client, volunteer_a.email, address="10.0.4.1")
    assert mail.outbox == []


def test_the_counters_keys_hold_neither_the_address_typed_nor_the_client_address(client, volunteer_a):
    reset(client, volunteer_a.email, address="10.0.5.1")
    keys = [key for key in cache._cache if "password-reset" in key]
    assert len(keys) == 2
    for key in keys:
        assert volunteer_a.email not in key and "vol-a" not in key and "10.0.5.1" not in key


def test_a_cache_that_is_down_counts_nothing_and_the_reset_still_works(client, volunteer_a, caplog):
    """A cache degrades, it does not break the site: without counters the answer and the mail
    are as usual, and the failure is in the log."""
    from unittest import mock

    with mock.patch("jour_core.ratelimit.cache.add", side_effect=ConnectionError("cache down")):
        response = reset(client, volunteer_a.email)
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[volunteer_a.email]]
    assert any("not counted" in record.getMessage() for record in caplog.records)


def test_the_limit_counts_within_the_hour_whatever_the_cache_does_with_expiry_times(client, volunteer_a):
    """The hour is part of the counter's key: a cache that moves a key's expiry on every update
    (Django's database and file caches) cannot stretch or shorten it."""
    with time_machine.travel(MOMENT, tick=False) as clock:
        for _ in range(3):
            reset(client, volunteer_a.email)
        reset(client, volunteer_a.email)  # the fourth for the account: refused
        assert len(mail.outbox) == 3
        clock.shift(datetime.timedelta(hours=1))
        reset(client, volunteer_a.email)
        assert len(mail.outbox) == 4
