"""The admin sidebar from the cache (jour_core/sidebar.py): made once while nothing it shows
changes, and never a menu entry a person no longer may use (or without one she now may)."""

from unittest import mock

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.admin.templatetags import wagtailadmin_tags
from wagtail.models import GroupCollectionPermission, GroupPagePermission
from wagtail.users.models import UserProfile

from jour_core.sidebar import sidebar_key
from people.permissions import COORDINATORS_GROUP
from tests.auth import sign_in
from tests.people.test_menus import top_level_menu


def _menu(client, user) -> set[str]:
    return top_level_menu(client, user)


def test_the_sidebar_is_made_once_while_nothing_it_shows_changes(client, coordinator_a):
    made = mock.patch.object(wagtailadmin_tags, "sidebar_props", wraps=wagtailadmin_tags.sidebar_props)
    with made as wagtails:
        first = _menu(client, coordinator_a)
        assert _menu(client, coordinator_a) == first
        client.get("/admin/account/")
    assert wagtails.call_count == 1


def test_another_person_gets_her_own_sidebar(client, coordinator_a, board_a):
    assert "explorer" in _menu(client, coordinator_a)
    assert "explorer" not in _menu(client, board_a)


def test_a_role_group_losing_a_permission_loses_the_menu_entry_at_once(client, coordinator_a):
    view_shiftrole = Permission.objects.get(
        content_type__app_label="jour_certifications", codename="view_shiftrole"
    )
    coordinators = Group.objects.get(name=COORDINATORS_GROUP)
    assert "behorighetstavla" in _menu(client, coordinator_a)
    coordinators.permissions.remove(view_shiftrole)
    assert "behorighetstavla" not in _menu(client, coordinator_a)
    coordinators.permissions.add(view_shiftrole)
    assert "behorighetstavla" in _menu(client, coordinator_a)


def test_joining_and_leaving_a_group_changes_the_menu_at_once(client, coordinator_a):
    view_shiftrole = Permission.objects.get(
        content_type__app_label="jour_certifications", codename="view_shiftrole"
    )
    Group.objects.get(name=COORDINATORS_GROUP).permissions.remove(view_shiftrole)
    readers = Group.objects.create(name="Tavlans läsare")
    readers.permissions.add(view_shiftrole)
    assert "behorighetstavla" not in _menu(client, coordinator_a)
    coordinator_a.groups.add(readers)
    assert "behorighetstavla" in _menu(client, coordinator_a)
    coordinator_a.groups.remove(readers)
    assert "behorighetstavla" not in _menu(client, coordinator_a)


def test_page_permissions_written_in_bulk_change_the_explorer_at_once(client, coordinator_a):
    """Wagtail's group form writes page permissions with ``bulk_create`` (no signal)."""
    rows = GroupPagePermission.objects.filter(group__in=coordinator_a.groups.all())
    kept = [(r.group_id, r.page_id, r.permission_id) for r in rows]
    assert kept and "explorer" in _menu(client, coordinator_a)
    rows.delete()
    assert "explorer" not in _menu(client, coordinator_a)
    GroupPagePermission.objects.bulk_create(
        GroupPagePermission(group_id=g, page_id=p, permission_id=perm) for g, p, perm in kept
    )
    assert "explorer" in _menu(client, coordinator_a)


def test_collection_permissions_written_in_bulk_change_the_menu_at_once(client, coordinator_a):
    rows = GroupCollectionPermission.objects.filter(group__in=coordinator_a.groups.all())
    kept = [(r.group_id, r.collection_id, r.permission_id) for r in rows]
    assert kept and {"documents", "images"} <= _menu(client, coordinator_a)
    rows.delete()
    assert not {"documents", "images"} & _menu(client, coordinator_a)
    GroupCollectionPermission.objects.bulk_create(
        GroupCollectionPermission(group_id=g, collection_id=c, permission_id=perm) for g, c, perm in kept
    )
    assert {"documents", "images"} <= _menu(client, coordinator_a)


@pytest.mark.django_db
def test_becoming_administrator_shows_her_menus_at_once(client, coordinator_a):
    assert "settings" not in _menu(client, coordinator_a)
    coordinator_a.is_superuser = True
    coordinator_a.save(update_fields=["is_superuser"])
    assert "settings" in _menu(client, coordinator_a)


def test_the_language_is_part_of_the_sidebar(client, coordinator_a):
    sign_in(client, coordinator_a)
    swedish = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    profile = UserProfile.get_for_user(coordinator_a)
    profile.preferred_language = "en"
    profile.save()
    english = client.get("/admin/").content.decode()
    assert "Log out" in english and "Log out" not in swedish


def test_an_administrators_key_reads_no_permissions(rf, superuser, django_assert_num_queries):
    """An administrator has every permission: her sidebar's key does not read them (two queries
    on every admin page), and is still the one query that reads what the menu shows."""
    request = rf.get("/admin/")
    request.user = superuser
    unread = mock.patch.object(type(superuser), "get_all_permissions", side_effect=AssertionError("read"))
    with unread, django_assert_num_queries(1):
        sidebar_key(request)
