"""In a real Chromium, on the demo: the board's competence plan against what was done, the
actions, and the annual review with its PDF and a frozen copy. Every page is axe-core clean;
screenshots in test-artifacts/ (a volunteer's evaluation on a phone: test_evaluations.py)."""

from django.utils import timezone

from tests.browser.conftest import login, screenshot, serious_violations


def test_the_board_follows_the_plan_and_writes_the_annual_review(page):
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "styrelse@example.org", admin=True)
    year = timezone.localdate().year
    page.goto(f"/admin/quality/plan/?year={year}")
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=f"Kompetensplan {year}: Kvinnojouren Björkdalen").is_visible()
    table = page.get_by_role("table", name="Planerat mot genomfört per tema")
    assert table.get_by_role("rowheader", name="Barn som upplever våld").first.is_visible()
    assert table.get_by_text("Genomfört", exact=True).first.is_visible()
    assert page.get_by_role("heading", name="Gjort utan plan").is_visible()
    assert serious_violations(page) == []
    screenshot(page, "board-competence-plan")

    page.goto("/admin/quality/actions/")
    page.wait_for_load_state()
    assert page.get_by_text("Pågår, försenad").is_visible()
    assert serious_violations(page) == []
    screenshot(page, "board-actions")

    page.goto("/admin/quality/review/")
    page.wait_for_load_state()
    page.get_by_label("Styrelsens sammanfattning").fill(
        "Året visade att barnperspektivet behöver mer tid. Vi tar med det i nästa års plan."
    )
    page.get_by_role("button", name="Visa").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Kompetensplanen: planerat mot genomfört").is_visible()
    assert page.get_by_role("heading", name="Åtgärder och deras uppföljning").is_visible()
    assert page.get_by_role("heading", name="Kompetensredovisningen").is_visible()
    assert serious_violations(page) == []
    screenshot(page, "board-annual-review")
    with page.expect_download() as download:
        page.get_by_role("button", name="Ladda ner PDF").click()
    assert download.value.suggested_filename == f"arlig-uppfoljning-{year}-external.pdf"
    page.get_by_role("button", name="Frys en kopia").click()
    page.wait_for_load_state()
    assert page.get_by_text("Uppföljningen frystes").is_visible()
    assert page.get_by_role("link", name="PDF").first.is_visible()
