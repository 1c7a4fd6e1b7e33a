"""In a real Chromium: the coordinator opens the clearance board, filters a role, and exports."""

import io
from pathlib import Path

import openpyxl

from tests.browser.conftest import login, screenshot, serious_violations


def test_coordinator_filters_the_board_and_exports(page):
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "samordnare@example.org", admin=True)
    page.get_by_role("link", name="Behörighetstavla").first.click()
    page.wait_for_load_state()
    assert "/admin/competence/clearance/" in page.url
    page.select_option("#id_role", label="Telefonjour")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_load_state()
    rows = page.locator("table.clearance-board tbody tr")
    assert rows.count() >= 20
    assert set(page.locator("table.clearance-board tbody td:nth-child(3)").all_inner_texts()) == {
        "Telefonjour"
    }
    assert page.get_by_text("Tystnadslöftet behöver förnyas (senast förnyat").first.is_visible()
    assert page.get_by_text("Tystnadslöfte återkallades").first.is_visible()
    screenshot(page, "coordinator-clearance-board")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ner XLSX").click()
    download = download_info.value
    assert download.suggested_filename.startswith("clearance-") and download.suggested_filename.endswith(
        ".xlsx"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    assert sheet.max_row == rows.count() + 1
    assert {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)} == {"Telefonjour"}
    assert serious_violations(page) == []
