"""In a real Chromium: a board member opens the report, switches to the external version and
downloads the XLSX."""

import io
from pathlib import Path

import openpyxl

from tests.browser.conftest import login, screenshot


def test_board_member_downloads_the_external_report(page):
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "styrelse@example.org", admin=True)
    page.get_by_role("link", name="Kompetensredovisning").first.click()
    page.wait_for_load_state()
    page.get_by_label("Extern (för finansiärer)").check()
    page.get_by_role("button", name="Visa").click()
    page.wait_for_load_state()
    assert page.get_by_text("Extern version").first.is_visible()
    # The narrative was made again from the suppressed figures.
    from django.utils import timezone
    from django.utils.translation import override

    from certifications.report import competence_report, year_period
    from people.models import Organisation

    with override("sv"):
        expected = competence_report(
            Organisation.objects.get(slug="bjorkdalen"),
            *year_period(timezone.localdate().year),
            external=True,
        )["narrative"]
    assert page.locator("textarea[name=narrative]").input_value() == expected
    screenshot(page, "board-competence-report")
    with page.expect_download() as info:
        page.get_by_role("button", name="Ladda ner XLSX").click()
    download = info.value
    assert download.suggested_filename.endswith("-external.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    cells = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row}
    assert "<5" in cells
    assert not any("@example.org" in c for c in cells)
