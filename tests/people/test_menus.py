"""Issue 18: each role sees the admin menus it uses. A coordinator and the board do not see
Wagtail's Help, Reports or Settings; the umbrella administrator keeps everything."""

import json
import re

import pytest

from tests.auth import sign_in

WAGTAILS_OWN = {"help", "reports", "settings"}


def top_level_menu(client, user) -> set[str]:
    """The names of the sidebar's top-level items, as the admin's start page sends them."""
    sign_in(client, user)
    html = client.get("/admin/").content.decode()
    props = json.loads(
        re.search(
            r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', html, re.S
        ).group(1)
    )
    (main,) = [m for m in props["modules"] if m["_type"] == "wagtail.sidebar.MainMenuModule"]
    return {item["_args"][0]["name"] for item in main["_args"][0]}


def test_a_coordinator_sees_her_work_and_not_wagtails_help_or_reports(client, coordinator_a):
    menu = top_level_menu(client, coordinator_a)
    assert not menu & WAGTAILS_OWN
    # Her screens, and the pages, documents and images of her course material.
    assert {"explorer", "documents", "images", "behorighetstavla", "kursomgangar", "personer"} <= menu


def test_the_board_sees_its_screens_only(client, board_a):
    menu = top_level_menu(client, board_a)
    assert not menu & WAGTAILS_OWN
    assert {"behorighetstavla", "kompetensredovisning", "arlig-uppfoljning"} <= menu
    assert "explorer" not in menu


@pytest.mark.django_db
def test_the_umbrella_administrator_keeps_everything(client, superuser):
    menu = top_level_menu(client, superuser)
    assert menu >= WAGTAILS_OWN
    assert {"explorer", "documents", "images", "behorighetstavla"} <= menu
