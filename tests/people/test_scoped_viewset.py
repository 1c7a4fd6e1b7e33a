"""A scoped viewset keeps its scoping whatever view classes it is given: a viewset that sets
Wagtail's plain ``DeleteView`` (or edit, history, usage, inspect, index) still answers 404 for
another organisation's person and lists only the user's organisation."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.auth import sign_in
from tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.people.plain_views_urls")]

OBJECT_VIEWS = ["edit", "delete", "history", "usage", "inspect"]


@pytest.fixture
def client_b(client, coordinator_b):
    coordinator_b.user_permissions.add(Permission.objects.get(codename="delete_person"))
    return sign_in(client, coordinator_b)


@pytest.mark.parametrize("view", OBJECT_VIEWS)
def test_another_organisations_person_answers_404(client_b, org_a, view):
    alva = PersonFactory(first_name="Alva", organisation=org_a)
    response = client_b.get(reverse(f"plain_people:{view}", args=[alva.pk]))
    assert response.status_code == 404
    assert b"Alva" not in response.content


@pytest.mark.parametrize("view", OBJECT_VIEWS)
def test_her_own_organisations_person_opens(client_b, org_b, view):
    bodil = PersonFactory(first_name="Bodil", organisation=org_b)
    response = client_b.get(reverse(f"plain_people:{view}", args=[bodil.pk]))
    assert response.status_code == 200


def test_a_refused_delete_deletes_nothing(client_b, org_a):
    alva = PersonFactory(first_name="Alva", organisation=org_a)
    response = client_b.post(reverse("plain_people:delete", args=[alva.pk]))
    assert response.status_code == 404
    alva.refresh_from_db()


def test_the_listing_shows_only_her_organisation(client_b, org_a, org_b):
    PersonFactory(first_name="Alva", organisation=org_a)
    PersonFactory(first_name="Bodil", organisation=org_b)
    response = client_b.get(reverse("plain_people:index"))
    assert response.status_code == 200
    assert b"Bodil" in response.content
    assert b"Alva" not in response.content
