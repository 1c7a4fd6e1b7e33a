"""In a real Chromium: the coordinator opens a volunteer's page from the register, reads it at
1280 px, and gives her a new calendar link after confirming."""

from tests.browser.conftest import login, screenshot, serious_violations


def test_coordinator_opens_a_person_from_the_register(page):
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "samordnare@example.org", admin=True)
    page.goto("/admin/people/?q=Ek")
    page.get_by_role("link", name="Visa Sara Ek").click()
    page.wait_for_load_state()
    assert "/admin/competence/people/" in page.url
    assert page.get_by_role("heading", name="Sara Ek").is_visible()
    for heading in ("Kvalifikationer", "Fortbildning", "Kurser"):
        assert page.get_by_role("heading", name=heading).is_visible()
    assert page.locator("table.person-runs tbody tr").count() >= 1
    assert page.locator("table.person-roles tbody tr").count() >= 1
    assert page.get_by_text("av 8 avsnitt").first.is_visible()
    assert serious_violations(page) == []
    screenshot(page, "coordinator-person-page")
    # A new calendar link, behind a confirmation.
    page.get_by_role("link", name="Ny kalenderlänk").click()
    page.wait_for_load_state()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Ja, gör en ny länk").click()
    page.wait_for_load_state()
    assert page.get_by_text("har fått en ny kalenderlänk").is_visible()
    assert page.get_by_role("heading", name="Sara Ek").is_visible()
