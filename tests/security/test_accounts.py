"""Taking over an account through the register (issue 14, point 2): only the administrator
changes the email address and the active flag of an account with admin access; a coordinator
never sees superusers in the register; changing anyone's email address tells the old address and
ends her sessions."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from people.models import User
from tests.auth import sign_in
from tests.factories import PersonFactory, register_form


def signed_in_elsewhere(person: User) -> Client:
    other = Client()
    sign_in(other, person)
    return other


def is_signed_in(client: Client) -> bool:
    return client.get(reverse("my_training")).status_code == 200


@pytest.mark.parametrize("account", ["board_a", "other_coordinator"])
def test_a_coordinator_cannot_change_the_address_or_active_flag_of_an_admin_account(
    client, coordinator_a, board_a, org_a, account, django_capture_on_commit_callbacks
):
    target = board_a if account == "board_a" else PersonFactory(organisation=org_a, roles=["Coordinators"])
    address = target.email
    sign_in(client, coordinator_a)
    url = reverse("people_person:edit", args=[target.pk])
    form = client.get(url).context["form"]
    assert form.fields["email"].disabled and form.fields["is_active"].disabled
    with django_capture_on_commit_callbacks(execute=True):
        # The takeover: her address changed to one the coordinator reads, the account switched off.
        data = register_form(target, email="kapad@example.org", first_name="Ändrad")
        data.pop("is_active")
        response = client.post(url, data)
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.email, target.is_active, target.first_name) == (address, True, "Ändrad")
    assert mail.outbox == []
    # "Forgot password" for the address she tried to set reaches nobody.
    client.post(reverse("password_reset"), {"email": "kapad@example.org"})
    assert all("kapad@example.org" not in message.to for message in mail.outbox)


def test_the_administrator_changes_an_admin_accounts_address(client, superuser, coordinator_a):
    sign_in(client, superuser)
    url = reverse("people_person:edit", args=[coordinator_a.pk])
    form = client.get(url).context["form"]
    assert not form.fields["email"].disabled and not form.fields["is_active"].disabled
    response = client.post(url, register_form(coordinator_a, email="ny-adress@example.org"))
    assert response.status_code == 302
    assert User.objects.get(pk=coordinator_a.pk).email == "ny-adress@example.org"


def test_changing_an_address_tells_the_old_one_and_ends_her_sessions(
    client, coordinator_a, volunteer_a, django_capture_on_commit_callbacks, audit_log
):
    elsewhere = signed_in_elsewhere(volunteer_a)
    assert is_signed_in(elsewhere)
    sign_in(client, coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people_person:edit", args=[volunteer_a.pk]),
            register_form(volunteer_a, email="Nytt.Namn@Example.org"),
        )
    assert response.status_code == 302
    assert User.objects.get(pk=volunteer_a.pk).email == "nytt.namn@example.org"
    (notice,) = mail.outbox
    assert notice.to == ["vol-a@example.org"]
    assert notice.subject == "Din e-postadress har ändrats"
    assert "nytt.namn" not in notice.body  # the new address is not handed to whoever reads the old
    assert settings.WAGTAIL_SITE_NAME in notice.body
    assert not is_signed_in(elsewhere)
    assert client.get(reverse("people_person:index")).status_code == 200  # the coordinator's own stays
    assert any("event=person.email_changed" in record.getMessage() for record in audit_log.records)


def test_changing_her_own_address_keeps_the_session_she_does_it_in(
    client, superuser, django_capture_on_commit_callbacks
):
    elsewhere = signed_in_elsewhere(superuser)
    sign_in(client, superuser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("people_person:edit", args=[superuser.pk]),
            {**register_form(superuser, email="paraply@example.org"), "is_superuser": "on"},
        )
    assert User.objects.get(pk=superuser.pk).email == "paraply@example.org"
    assert [m.to for m in mail.outbox] == [["root@example.org"]]
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    assert elsewhere.get(reverse("wagtailadmin_home")).status_code == 302


def test_a_save_that_keeps_the_address_tells_no_one(
    client, coordinator_a, volunteer_a, django_capture_on_commit_callbacks
):
    sign_in(client, coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("people_person:edit", args=[volunteer_a.pk]), register_form(volunteer_a, phone="070")
        )
        volunteer_a.refresh_from_db()
        volunteer_a.save(update_fields=["last_login"])
    assert mail.outbox == []


def test_a_coordinator_never_sees_superusers_in_the_register(client, coordinator_a, org_a, board_a):
    umbrella = PersonFactory(organisation=org_a, is_superuser=True, first_name="Paraplyadmin", last_name="Zz")
    for reader in (coordinator_a, board_a):
        client.logout()
        sign_in(client, reader)
        listing = client.get(reverse("people_person:index"))
        assert "Paraplyadmin" not in listing.content.decode()
        exported = client.get(reverse("people_person:index") + "?export=csv")
        body = b"".join(exported.streaming_content) if exported.streaming else exported.content
        assert exported.status_code == 200 and "Paraplyadmin" not in body.decode("utf-8-sig")
        for name in ("edit", "inspect", "history", "usage", "changes"):
            response = client.get(reverse(f"people_person:{name}", args=[umbrella.pk]))
            assert response.status_code in (302, 403, 404), name  # the board may not edit at all
            assert "Paraplyadmin" not in response.content.decode(), name
    client.logout()
    sign_in(client, coordinator_a)
    response = client.post(
        reverse("people_person:edit", args=[umbrella.pk]), register_form(umbrella, email="x@example.org")
    )
    assert response.status_code == 404
    assert User.objects.get(pk=umbrella.pk).email == umbrella.email


def test_the_admins_account_page_does_not_change_email_addresses(client, coordinator_a):
    """Wagtail's own account page would let anyone with admin access change her address:
    switched off (``WAGTAIL_EMAIL_MANAGEMENT_ENABLED``); the administrator changes it."""
    sign_in(client, coordinator_a)
    html = client.get(reverse("wagtailadmin_account")).content.decode()
    assert 'name="name_email-email"' not in html
