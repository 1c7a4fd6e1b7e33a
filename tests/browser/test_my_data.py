"""In a real Chromium: a volunteer reads her data on a phone (My training → "Mina uppgifter") and
downloads it as PDF; her coordinator opens the same from her page. Swedish headings, "Ja"/"Nej",
no Python values, no serious accessibility violation."""

import re

from tests.browser.conftest import login, screenshot, serious_violations


def test_a_volunteer_reads_her_data_on_a_phone(page):
    login(page, "volontar1@example.org")
    page.goto("/min-utbildning/")
    page.get_by_role("link", name="Mina uppgifter").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Mina uppgifter", level=1).is_visible()
    for heading in ("I registret", "Anmälningar", "Närvaro", "Kvalifikationer", "Kalenderlänkar"):
        assert page.get_by_role("heading", name=heading).is_visible(), heading
    text = page.locator("main").inner_text()
    assert "volontar1@example.org" in text
    assert not re.search(r"\b(True|False|None|present|absent)\b", text)
    assert serious_violations(page) == []
    screenshot(page, "my-data-phone")
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner som PDF").click()
    assert download.value.suggested_filename.startswith("mina-uppgifter-")
    assert download.value.suggested_filename.endswith(".pdf")


def test_the_coordinator_opens_her_data_from_her_page(page):
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "samordnare@example.org", admin=True)
    page.goto("/admin/people/?q=Ek")
    page.get_by_role("link", name="Visa Sara Ek").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Hennes uppgifter").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Närvaro").is_visible()
    assert page.get_by_role("link", name="Ladda ner som JSON").is_visible()
    assert serious_violations(page) == []
    screenshot(page, "coordinator-her-data")
