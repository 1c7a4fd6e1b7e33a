"""Two of the admin frame's tags for less (jour_core/frame.py): the same answers as Wagtail's own,
the config without a query of its own, the keyboard shortcuts dialog rendered once."""

from unittest import mock

import pytest
from django.db import connection
from django.template import Context
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.admin.templatetags import wagtailadmin_tags
from wagtail.models import Locale
from wagtail.users.models import UserProfile

from jour_core import frame
from tests.auth import sign_in

pytestmark = pytest.mark.django_db


def _request(rf, user, agent: str = ""):
    request = rf.get("/admin/", HTTP_USER_AGENT=agent)
    request.user = user
    return request


def _without_token(config: dict) -> dict:
    """The config but for its CSRF token (masked afresh each time it is asked for)."""
    assert config["CSRF_TOKEN"]
    return {key: value for key, value in config.items() if key != "CSRF_TOKEN"}


def test_the_config_is_wagtails_with_the_locales_of_the_sidebars_query(
    rf, coordinator_a, django_assert_num_queries
):
    Locale.objects.get_or_create(language_code="en")
    request = _request(rf, coordinator_a)
    context = {"request": request}
    hasattr(coordinator_a, "wagtail_userprofile")  # as the admin's middleware has read it
    with django_assert_num_queries(1):  # the sidebar's, which its key reads again for nothing
        ours = frame.wagtail_config(context)
        frame.request_rows(request)
    assert _without_token(ours) == _without_token(wagtailadmin_tags.wagtail_config(context))
    assert [locale["code"] for locale in ours["LOCALES"]] == sorted(["sv", "en"])


def test_the_config_for_no_one_signed_in_is_wagtails(rf):
    from django.contrib.auth.models import AnonymousUser

    context = {"request": _request(rf, AnonymousUser())}
    assert _without_token(frame.wagtail_config(context)) == _without_token(
        wagtailadmin_tags.wagtail_config(context)
    )


@pytest.mark.parametrize("agent", ["", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0)"])
@pytest.mark.parametrize("enabled", [True, False])
def test_the_dialog_is_wagtails_for_each_platform_and_setting(rf, coordinator_a, agent, enabled):
    profile = UserProfile.get_for_user(coordinator_a)
    profile.keyboard_shortcuts = enabled
    profile.save()
    coordinator_a.refresh_from_db()
    frame._DIALOGS.clear()
    for language in ("sv", "en"):
        with translation.override(language):
            context = Context({"request": _request(rf, coordinator_a, agent)})
            expected = frame._rendered(wagtailadmin_tags.keyboard_shortcuts_dialog(context))
            assert frame.keyboard_shortcuts_dialog(context) == expected
            assert ("⌘ + s" in expected) == bool(agent)
            if language == "en":
                assert ("Keyboard shortcuts are currently disabled" in expected) == (not enabled)


def test_the_dialog_is_rendered_once_for_a_language_and_platform(client, coordinator_a):
    frame._DIALOGS.clear()
    sign_in(client, coordinator_a)
    made = mock.patch.object(frame, "_rendered", wraps=frame._rendered)
    with made as rendered:
        first = client.get("/admin/")
        second = client.get("/admin/")
    assert rendered.call_count == 1
    assert 'id="keyboard-shortcuts-dialog"' in first.content.decode()
    assert first.content.count(b"keyboard-shortcuts-dialog") == second.content.count(
        b"keyboard-shortcuts-dialog"
    )


def test_an_admin_page_reads_no_locales_of_its_own(client, coordinator_a):
    sign_in(client, coordinator_a)
    client.get("/admin/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/")
    assert response.status_code == 200
    assert b'"LOCALES"' in response.content
    assert not [q for q in queries.captured_queries if q["sql"].startswith('SELECT "wagtailcore_locale"')]
