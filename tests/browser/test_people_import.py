"""In a real Chromium: a coordinator imports a people file of 2,000 rows through the admin: the
preview shows the counts and the first rows, the confirmation imports the kept file."""

from people.models import PendingImport, User
from tests.browser.conftest import login, screenshot, serious_violations

HEADER = "email,first_name,last_name,groups,joined_on,left_on,protected_identity\n"


def test_coordinator_previews_and_imports_a_large_file(page):
    rows = 2000
    content = HEADER + "".join(
        f"ny{n:04d}@example.org,Ny{n},Volontär,volunteer,2026-01-15,,no\n" for n in range(rows)
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "samordnare@example.org", admin=True)
    page.goto("/admin/people/import/")
    page.set_input_files(
        "input[type=file]", files=[{"name": "nya.csv", "mimeType": "text/csv", "buffer": content.encode()}]
    )
    page.get_by_role("button", name="Kontrollera filen").click()
    page.wait_for_load_state()
    assert page.locator('td[data-count="rows"]').inner_text() == str(rows)
    assert page.locator('td[data-count="new"]').inner_text() == str(rows)
    assert page.locator("tr.import-row").count() == 20
    assert page.get_by_text(f"De första 20 av {rows} raderna").is_visible()
    assert serious_violations(page) == []
    screenshot(page, "coordinator-people-import-preview")
    assert not User.objects.filter(email__startswith="ny0").exists()

    page.get_by_role("button", name="Bekräfta importen").click()
    page.wait_for_url("**/admin/people/")
    assert page.get_by_text(f"{rows} nya, 0 uppdaterade, 0 oförändrade").is_visible()
    assert User.objects.filter(email__startswith="ny").count() == rows
    assert not PendingImport.objects.exists()


def test_the_import_page_offers_the_templates_and_reads_the_registers_own_export(page):
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "samordnare@example.org", admin=True)
    page.goto("/admin/people/import/")
    assert page.get_by_role("link", name="Mall (XLSX)").is_visible()
    assert page.get_by_role("link", name="Mall (CSV)").is_visible()
    assert serious_violations(page) == []
    screenshot(page, "coordinator-people-import-form")
    # The register exported as XLSX, uploaded as it is: nothing new, nothing updated.
    export = page.request.get("/admin/people/?export=xlsx")
    assert export.ok
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "register.xlsx", "mimeType": "application/octet-stream", "buffer": export.body()}],
    )
    page.get_by_role("button", name="Kontrollera filen").click()
    page.wait_for_load_state()
    assert page.locator('td[data-count="new"]').inner_text() == "0"
    assert page.locator('td[data-count="updated"]').inner_text() == "0"
    assert page.locator("p.import-protected").is_visible()
    screenshot(page, "coordinator-people-import-register-back")
