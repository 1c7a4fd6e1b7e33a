"""Authentication: Argon2, password rules, lockout, password reset, two-step verification,
sessions and deactivation."""

from __future__ import annotations

import base64
import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from courses.ical import feed_token, find_feed, token_of
from courses.models import FeedKind
from jour_core.auth import _warn_forwarded_for_ignored
from tests.auth import sign_in
from tests.factories import PersonFactory

PASSWORD = "test-password-123"


def post_login(client, email, password, admin=False, address="10.0.0.1"):
    url = reverse("wagtailadmin_login") if admin else reverse("login")
    return client.post(url, {"username": email, "password": password}, REMOTE_ADDR=address)


def code_for(device: TOTPDevice, offset_steps: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = totp.time + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


# Passwords -------------------------------------------------------------------------------------


def test_new_passwords_are_hashed_with_argon2():
    from lms.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        encoded = make_password("ett långt lösenord 2026")
        assert identify_hasher(encoded).algorithm == "argon2"
        assert check_password("ett långt lösenord 2026", encoded)


@pytest.mark.parametrize(
    "password, message",
    [("kort1", "too short"), ("password1234", "too common"), ("1234567890123", "entirely numeric")],
)
def test_password_rules_refuse_short_common_and_numeric_passwords(password, message):
    with pytest.raises(ValidationError) as error, override_settings(LANGUAGE_CODE="en"):
        from django.utils import translation

        with translation.override("en"):
            validate_password(password)
    assert message in " ".join(error.value.messages)


# Lockout ---------------------------------------------------------------------------------------


LOGINS = pytest.mark.parametrize("admin", [False, True], ids=["site-login", "admin-login"])


def assert_locked(response):
    assert response.status_code == 429
    assert "För många försök" in response.content.decode()


@LOGINS
def test_wrong_passwords_from_other_addresses_never_lock_her_out_at_her_own(
    client, volunteer_a, coordinator_a, admin
):
    person = coordinator_a if admin else volunteer_a
    # Someone else tries her account five times, each time from another address.
    for attempt in range(5):
        response = post_login(
            client, person.email, "wrong-password", admin=admin, address=f"198.51.100.{attempt}"
        )
        assert response.status_code == 200  # the form again, with its error; no lockout
    # She logs in from her own address with her password.
    response = post_login(client, person.email, PASSWORD, admin=admin, address="10.9.9.9")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(person.pk)


@LOGINS
def test_she_logs_in_with_her_address_in_any_case(client, volunteer_a, coordinator_a, admin):
    """Addresses are stored lower-cased; she types hers as she writes it (an address moved from
    a site's auth.User keeps the capitals she knows)."""
    person = coordinator_a if admin else volunteer_a
    typed = person.email.upper() if admin else person.email.title()
    assert post_login(client, typed, PASSWORD, admin=admin).status_code == 302
    assert client.session[SESSION_KEY] == str(person.pk)


@LOGINS
def test_five_wrong_passwords_from_one_address_lock_that_account_at_that_address(
    client, volunteer_a, coordinator_a, board_a, admin
):
    person = coordinator_a if admin else volunteer_a
    for attempt in range(5):
        response = post_login(client, person.email, "wrong-password", admin=admin, address="10.0.1.1")
        # Four times the form again, with an error; the fifth failure locks.
        assert response.status_code == (429 if attempt == 4 else 200)
    # From that address, even the right password (in any case) is refused.
    locked = post_login(client, person.email.upper(), PASSWORD, admin=admin, address="10.0.1.1")
    assert_locked(locked)
    assert SESSION_KEY not in client.session
    # Another account at that address, and her account at another address, log in.
    assert post_login(client, board_a.email, PASSWORD, admin=admin, address="10.0.1.1").status_code == 302
    client.post(reverse("logout"))
    assert post_login(client, person.email, PASSWORD, admin=admin, address="10.9.9.9").status_code == 302
    assert client.session[SESSION_KEY] == str(person.pk)


@LOGINS
def test_one_address_trying_many_accounts_is_locked_for_every_account(
    client, volunteer_a, coordinator_a, board_a, admin, settings
):
    limit = settings.JOUR_ADDRESS_FAILURE_LIMIT
    assert limit == 20  # the documented default (README "Security and privacy")
    person = coordinator_a if admin else volunteer_a
    # Fewer than five failures per account, so no pair is locked: the address limit locks.
    for attempt in range(limit):
        response = post_login(
            client, f"guess{attempt // 4}@example.org", "wrong-password", admin=admin, address="10.0.2.1"
        )
        assert response.status_code == (429 if attempt == limit - 1 else 200), attempt
    assert_locked(post_login(client, person.email, PASSWORD, admin=admin, address="10.0.2.1"))
    # The same accounts from another address are not affected.
    assert post_login(client, board_a.email, PASSWORD, admin=admin, address="10.0.2.2").status_code == 302


def test_a_login_does_not_reset_the_count_of_her_address(client, volunteer_a, board_a, settings):
    """An attacker with an account of her own cannot clear the address limit by logging in."""
    settings.JOUR_ADDRESS_FAILURE_LIMIT = 6
    for attempt in range(5):
        post_login(client, f"guess{attempt}@example.org", "wrong-password", address="10.0.3.1")
    assert post_login(client, board_a.email, PASSWORD, address="10.0.3.1").status_code == 302
    client.post(reverse("logout"))
    assert_locked(post_login(client, "guess9@example.org", "wrong-password", address="10.0.3.1"))
    assert_locked(post_login(client, volunteer_a.email, PASSWORD, address="10.0.3.1"))


def test_behind_a_proxy_the_lockout_counts_the_clients_address_not_the_proxys(
    client, volunteer_a, board_a, settings
):
    settings.JOUR_TRUSTED_PROXY_COUNT = 1
    url = reverse("login")
    proxy = {"REMOTE_ADDR": "127.0.0.1"}  # every request comes through the same proxy
    for attempt in range(settings.JOUR_ADDRESS_FAILURE_LIMIT):
        # The client may put anything at the left of X-Forwarded-For; the proxy appends the
        # address it saw, and only that one counts.
        forwarded = f"198.51.100.{attempt}, 203.0.113.7"
        client.post(
            url,
            {"username": f"guess{attempt}@example.org", "password": "x"},
            HTTP_X_FORWARDED_FOR=forwarded,
            **proxy,
        )
    locked = client.post(
        url,
        {"username": volunteer_a.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
        **proxy,
    )
    assert locked.status_code == 429
    # Another client behind the same proxy logs in.
    other = client.post(
        url, {"username": board_a.email, "password": PASSWORD}, HTTP_X_FORWARDED_FOR="192.0.2.20", **proxy
    )
    assert other.status_code == 302


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(client, volunteer_a, settings, caplog):
    settings.JOUR_TRUSTED_PROXY_COUNT = 0
    _warn_forwarded_for_ignored.cache_clear()
    # A client that varies X-Forwarded-For still counts against her own address: the pair is
    # locked after five failures, whatever the header says.
    for attempt in range(5):
        client.post(
            reverse("login"),
            {"username": volunteer_a.email, "password": "wrong-password"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}",
            REMOTE_ADDR="10.0.4.1",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.4.1"}
    locked = client.post(
        reverse("login"),
        {"username": volunteer_a.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="192.0.2.99",
        REMOTE_ADDR="10.0.4.1",
    )
    assert_locked(locked)
    # The operator is told once that the header was there and ignored.
    warnings = [r for r in caplog.records if "X-Forwarded-For is ignored" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].levelname == "WARNING"


def test_the_lockout_ends_after_the_cool_off(client, volunteer_a, settings):
    for _ in range(5):
        post_login(client, volunteer_a.email, "wrong-password")
    assert post_login(client, volunteer_a.email, PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    )
    response = post_login(client, volunteer_a.email, PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(volunteer_a.pk)


def test_session_key_is_rotated_at_login(client, volunteer_a):
    client.get(reverse("login"))
    client.session["something"] = "before"
    session = client.session
    session["marker"] = "before"
    session.save()
    before = session.session_key
    assert post_login(client, volunteer_a.email, PASSWORD).status_code == 302
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


def test_sessions_time_out_when_idle_and_each_request_extends_them(client, volunteer_a, settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE <= 3600
    post_login(client, volunteer_a.email, PASSWORD)
    key = client.session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + datetime.timedelta(seconds=5))
    assert client.get(reverse("my_training")).status_code == 200
    extended = Session.objects.get(pk=client.session.session_key).expire_date
    assert extended > timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    # Idle past the age: the session is gone and the member area asks for the login again.
    Session.objects.all().update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("my_training"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# Password reset (the same answer for every address, rate limits: test_password_reset.py) --------


def test_password_reset_link_sets_a_new_password_that_follows_the_rules(client, volunteer_a):
    client.post(reverse("password_reset"), {"email": volunteer_a.email})
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    weak = client.post(form_url, {"new_password1": "12345", "new_password2": "12345"})
    assert weak.status_code == 200 and "form-error" in weak.content.decode()
    strong = "ett-nytt-långt-lösenord-26"
    done = client.post(form_url, {"new_password1": strong, "new_password2": strong})
    assert done["Location"] == reverse("password_reset_complete")
    volunteer_a.refresh_from_db()
    assert volunteer_a.check_password(strong)
    # The link works once.
    assert "inte giltig" in client.get(link, follow=True).content.decode()


# Two-step verification -------------------------------------------------------------------------


def test_a_coordinator_must_set_up_and_pass_two_step_verification(client, coordinator_a):
    response = post_login(client, coordinator_a.email, PASSWORD, admin=True)
    assert response.status_code == 302
    # Every admin page sends her to the set-up until she has confirmed an authenticator.
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("jour_core_otp_setup"))
    page = client.get(response["Location"])
    secret = re.search(r'id="otp-secret">([A-Z2-7]+)<', page.content.decode()).group(1)
    device = TOTPDevice.objects.get(user=coordinator_a, confirmed=False)
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    assert "<svg" in page.content.decode()  # the QR code

    wrong = client.post(reverse("jour_core_otp_setup"), {"token": "000000", "next": "/admin/"})
    assert wrong.status_code == 200 and "stämde inte" in wrong.content.decode()
    # A wrong code makes the next try wait a moment (django-otp's throttling).
    throttled = client.post(reverse("jour_core_otp_setup"), {"token": code_for(device), "next": "/admin/"})
    assert throttled.status_code == 200 and "Vänta en stund" in throttled.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    right = client.post(reverse("jour_core_otp_setup"), {"token": code_for(device), "next": "/admin/"})
    assert right["Location"] == "/admin/"
    assert client.get(reverse("wagtailadmin_home")).status_code == 200

    # Next login: the code is asked for again, and another phone cannot be enrolled.
    client.post(reverse("logout"))
    post_login(client, coordinator_a.email, PASSWORD)
    response = client.get(reverse("my_training"))
    assert response["Location"].startswith(reverse("jour_core_otp_verify"))
    assert client.get(reverse("jour_core_otp_setup"))["Location"].startswith(reverse("jour_core_otp_verify"))
    assert TOTPDevice.objects.filter(user=coordinator_a).count() == 1
    bad = client.post(reverse("jour_core_otp_verify"), {"token": "123456"})
    assert bad.status_code == 200 and "fel" in bad.content.decode()
    device.refresh_from_db()
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    good = client.post(reverse("jour_core_otp_verify"), {"token": code_for(device, 1), "next": "/admin/"})
    assert good["Location"] == "/admin/"
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


@pytest.mark.parametrize("role", ["board_a", "superuser"])
def test_board_and_administrators_need_two_step_verification_too(client, db, role, request):
    person = request.getfixturevalue(role)
    client.force_login(person)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("jour_core_otp_setup"))


def test_volunteers_are_not_asked_for_a_second_step(client, volunteer_a):
    post_login(client, volunteer_a.email, PASSWORD)
    assert client.get(reverse("my_training")).status_code == 200


def test_a_volunteer_gets_no_admin_even_after_login(client, volunteer_a):
    sign_in(client, volunteer_a)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    assert reverse("wagtailadmin_home") not in response["Location"] or "login" in response["Location"]


# Deactivation ----------------------------------------------------------------------------------


def test_deactivating_a_person_ends_her_sessions_and_her_calendar_links(
    client, db, django_capture_on_commit_callbacks
):
    person = PersonFactory(email="ends@example.org")
    other = PersonFactory(email="stays@example.org", organisation=person.organisation)
    other_client = type(client)()
    sign_in(client, person)
    sign_in(other_client, other)
    token = token_of(feed_token(person, FeedKind.MY_SESSIONS))
    assert find_feed(token) is not None
    assert client.get(reverse("my_training")).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        person.is_active = False
        person.save()

    assert not [s for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(person.pk)]
    response = client.get(reverse("my_training"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert find_feed(token) is None
    assert client.get(reverse("courses_calendar_feed", args=[token])).status_code == 404
    # Nobody else is logged out.
    assert other_client.get(reverse("my_training")).status_code == 200


def test_a_new_person_without_a_device_reaches_only_the_two_step_pages(client, coordinator_a):
    client.force_login(coordinator_a)
    for url in ["/", reverse("my_training"), "/admin/pages/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("jour_core_otp_setup")), url
    assert client.get(reverse("jour_core_otp_setup")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
