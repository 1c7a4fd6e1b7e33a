"""Django's own admin (``django.contrib.admin``, which ``wagtail start`` mounts at /django-admin/)
asks ``user.is_staff``: the person model answers it (``people.models.User.is_staff``), for the
umbrella administrator only, since that admin has no organisation scoping. The whole admin in a
host: tests/plugin_host/serve_pages.py ``check_django_admin``."""

import pytest
from django.contrib.admin.sites import AdminSite
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory


@pytest.mark.django_db
def test_only_the_umbrella_administrator_may_use_djangos_admin(
    superuser, coordinator_a, board_a, volunteer_a
):
    site = AdminSite()
    request = RequestFactory().get("/django-admin/")
    for user, allowed in (
        (superuser, True),
        (coordinator_a, False),
        (board_a, False),
        (volunteer_a, False),
        (AnonymousUser(), False),
    ):
        request.user = user
        assert site.has_permission(request) is allowed, user
    superuser.is_active = False
    request.user = superuser
    assert not site.has_permission(request)


@pytest.mark.django_db
def test_is_staff_follows_is_superuser_and_cannot_be_set(coordinator_a):
    assert coordinator_a.is_staff is False
    coordinator_a.is_superuser = True
    assert coordinator_a.is_staff is True
    with pytest.raises(AttributeError):
        coordinator_a.is_staff = False
