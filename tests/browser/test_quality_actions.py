"""In a real Chromium: the coordinator sees the overdue action on the admin's start page, opens
the list of actions and closes one with its follow-up; the pages are axe-core clean."""

from tests.browser.conftest import login, screenshot, serious_violations


def test_the_coordinator_follows_up_an_overdue_action(page):
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "samordnare@example.org", admin=True)
    # Once more, without the login's message (Wagtail's green banner is not ours to check).
    page.reload()
    page.wait_for_load_state()
    panel = page.locator("section", has=page.get_by_role("heading", name="Försenade åtgärder"))
    assert panel.get_by_role("link", name="Tre tystnadslöften behöver förnyas").is_visible()
    assert serious_violations(page) == []
    screenshot(page, "coordinator-overdue-actions")
    panel.get_by_role("link", name="Alla åtgärder").click()
    page.wait_for_load_state()
    for title in ("Tre tystnadslöften behöver förnyas", "Chattjouren saknade rutin för överlämning"):
        assert page.get_by_role("link", name=title).is_visible()
    assert page.get_by_text("Pågår, försenad").is_visible()
    assert serious_violations(page) == []
    screenshot(page, "coordinator-actions")
    page.get_by_role("link", name="Tre tystnadslöften behöver förnyas").click()
    page.wait_for_load_state()
    page.locator("#id_status").select_option("closed")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    # Closed without its day and follow-up: refused, with the reason.
    assert page.get_by_text("En avslutad åtgärd har sin uppföljning").is_visible()
    from django.utils import timezone

    page.locator("#id_closed_on").fill(timezone.localdate().isoformat())  # closed today
    page.locator("#id_follow_up").fill("Alla tre har förnyat sina tystnadslöften.")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Tre tystnadslöften behöver förnyas").is_visible()
    page.goto(page.url.split("/admin/")[0] + "/admin/")
    panel = page.locator("section", has=page.get_by_role("heading", name="Försenade åtgärder"))
    assert panel.get_by_text("Ingen åtgärd har passerat sitt sista datum.").is_visible()
