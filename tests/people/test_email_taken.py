"""An email address that is taken: the register's add form and the people import say whose it is
(her own register, or another organisation) without naming that organisation or anything about
the person, and say what to do."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from people.models import User
from tests.auth import sign_in
from tests.factories import PersonFactory

OTHER_ORGANISATION = "E-postadressen tillhör en person i en annan förening."
ASK_THE_UMBRELLA = "Be paraplyorganisationens administratör, som kan flytta personen till er förening."
OWN_REGISTER = "En person i ert register har redan den här e-postadressen; sök på adressen i registret."


@pytest.fixture
def taken(org_b):
    """A person of the other organisation, with names that must never reach organisation A."""
    return PersonFactory(
        email="upptagen@example.org", first_name="Zelda", last_name="Quist", organisation=org_b
    )


def add_person(client, email):
    return client.post(
        reverse("people_person:add"),
        {
            "first_name": "Ny",
            "last_name": "Person",
            "email": email,
            "phone": "",
            "group_volunteer": "on",
            "joined_on": "2026-09-01",
            "left_on": "",
            "is_active": "on",
        },
    )


def assert_nothing_about_the_other_organisation(html, org_b, taken):
    for secret in [org_b.name, org_b.slug, taken.first_name, taken.last_name, f"/people/edit/{taken.pk}/"]:
        assert secret not in html, secret


@pytest.mark.django_db
def test_adding_an_address_of_another_organisation_says_so_without_naming_it(
    client, org_a, org_b, coordinator_a, taken
):
    sign_in(client, coordinator_a)
    before = User.objects.count()
    response = add_person(client, "Upptagen@Example.org")
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [f"{OTHER_ORGANISATION} {ASK_THE_UMBRELLA}"]
    html = response.content.decode()
    assert OTHER_ORGANISATION in html and ASK_THE_UMBRELLA in html
    assert_nothing_about_the_other_organisation(html, org_b, taken)
    assert User.objects.count() == before
    taken.refresh_from_db()
    assert (taken.organisation, taken.first_name) == (org_b, "Zelda")


@pytest.mark.django_db
def test_adding_an_address_already_in_her_register_says_so(client, org_a, coordinator_a, volunteer_a):
    sign_in(client, coordinator_a)
    response = add_person(client, volunteer_a.email.upper())
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [OWN_REGISTER]
    assert OWN_REGISTER in response.content.decode()
    assert User.objects.filter(email=volunteer_a.email).count() == 1


@pytest.mark.django_db
def test_editing_keeps_her_own_address_and_refuses_another_organisations(
    client, org_a, org_b, coordinator_a, volunteer_a, taken
):
    sign_in(client, coordinator_a)
    url = reverse("people_person:edit", args=[volunteer_a.pk])
    data = {
        "first_name": "Vera",
        "last_name": volunteer_a.last_name,
        "email": volunteer_a.email,
        "phone": "",
        "group_volunteer": "on",
        "joined_on": volunteer_a.joined_on.isoformat() if volunteer_a.joined_on else "2024-01-01",
        "left_on": "",
        "is_active": "on",
    }
    assert client.post(url, data).status_code == 302
    volunteer_a.refresh_from_db()
    assert volunteer_a.first_name == "Vera"
    response = client.post(url, {**data, "email": taken.email})
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [f"{OTHER_ORGANISATION} {ASK_THE_UMBRELLA}"]
    assert_nothing_about_the_other_organisation(response.content.decode(), org_b, taken)


@pytest.mark.django_db
def test_the_umbrella_administrator_is_still_refused_a_taken_address(client, org_a, superuser, taken):
    sign_in(client, superuser)
    before = User.objects.count()
    response = client.post(
        reverse("people_person:add"),
        {"first_name": "Ny", "email": taken.email, "organisation": org_a.pk, "joined_on": "2026-09-01"},
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert User.objects.count() == before


@pytest.mark.django_db
def test_importing_an_address_of_another_organisation_says_so_without_naming_it(
    client, org_a, org_b, coordinator_a, taken
):
    sign_in(client, coordinator_a)
    content = (
        "email,first_name,last_name,groups,joined_on,left_on,protected_identity\n"
        "ny@example.org,Ny,Person,volunteer,2026-09-01,,no\n"
        f"{taken.email},Annan,Person,volunteer,2026-09-01,,no\n"
    )
    upload = SimpleUploadedFile("people.csv", content.encode(), content_type="text/csv")
    response = client.post(reverse("people_import"), {"file": upload})
    problems = [str(p) for p in response.context["problems"]]
    assert problems == [
        f"line 3: email: {taken.email} tillhör en person i en annan förening; be "
        "paraplyorganisationens administratör, som kan flytta personen till er förening"
    ]
    assert_nothing_about_the_other_organisation(response.content.decode(), org_b, taken)
    assert not User.objects.filter(email="ny@example.org").exists()
