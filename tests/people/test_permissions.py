"""The scoping helpers for one object at hand and the organisation an admin screen works on,
and our admin screens' permission check (people/permissions.py, people/views.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.views import View
from wagtail.permission_policies import ModelPermissionPolicy

from jour_core.scoping import can_see_organisation
from people.models import Person
from people.permissions import working_organisation
from people.views import AdminPermissionMixin
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_each_sees_her_own_organisation_and_the_superuser_every_one(org_a, org_b, coordinator_a, superuser):
    assert can_see_organisation(coordinator_a, org_a.pk)
    assert not can_see_organisation(coordinator_a, org_b.pk)
    assert not can_see_organisation(coordinator_a, None)
    assert can_see_organisation(superuser, org_b.pk)
    assert can_see_organisation(superuser, None)
    assert not can_see_organisation(AnonymousUser(), org_a.pk)
    coordinator_a.is_active = False
    assert not can_see_organisation(coordinator_a, org_a.pk)


def test_a_coordinator_works_on_her_organisation_whatever_she_chooses(org_a, org_b, coordinator_a):
    assert working_organisation(coordinator_a) == org_a
    assert working_organisation(coordinator_a, org_b) == org_a
    assert working_organisation(coordinator_a, str(org_b.pk)) == org_a
    assert working_organisation(PersonFactory(organisation=None)) is None


def test_the_superuser_works_on_the_one_she_chooses(org_a, org_b, superuser):
    first = OrganisationFactory(slug="jour-0", name="Aaa-jouren")
    assert working_organisation(superuser) == first
    assert working_organisation(superuser, org_b) == org_b
    assert working_organisation(superuser, str(org_b.pk)) == org_b
    assert working_organisation(superuser, "") == first
    for unknown in ("0", "999999", "1e3", "-1", "²"):
        assert working_organisation(superuser, unknown) is None


class Screen(AdminPermissionMixin, View):
    permission_required = "add"

    def get(self, request):
        return "opened"


def call(view_class, user):
    request = RequestFactory().get("/")
    request.user = user
    return view_class.as_view()(request)


def test_a_screen_checks_the_policy_and_a_screen_without_one_admits_nobody(coordinator_a, board_a, superuser):
    with_policy = type("WithPolicy", (Screen,), {"permission_policy": ModelPermissionPolicy(Person)})
    assert call(with_policy, coordinator_a) == "opened"
    with pytest.raises(PermissionDenied):
        call(with_policy, board_a)
    for user in (coordinator_a, superuser):
        with pytest.raises(PermissionDenied):
            call(Screen, user)
