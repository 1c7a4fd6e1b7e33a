"""In a real Chromium at phone width: a volunteer who completed the study circle downloads her
certificate from My training, and its code is checked on the public page, genuine and then
revoked; axe-core finds nothing serious on either."""

from certifications.certificates import revoke_certificate
from certifications.models import Certificate
from people.models import User
from tests.browser.conftest import login, screenshot, serious_violations

#: Completed the demo's earlier run of the study circle.
HOLDER = "sofia.bergman@example.org"


def test_a_volunteer_downloads_her_certificate_and_anyone_checks_it(page, tmp_path):
    holder = User.objects.get(email=HOLDER)
    holder.set_password("jourdemo-2026")
    holder.save()
    login(page, HOLDER)
    link = page.locator("a.certificate-link").first
    link.scroll_into_view_if_needed()
    assert link.is_visible() and "Ladda ner intyget" in link.inner_text()
    screenshot(page, "certificate-my-training")
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "intyg.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    certificate = Certificate.objects.get(person=holder)

    # Anyone checks the code, typed as printed on the paper (no login needed).
    page.context.clear_cookies()
    page.goto("/intyg/")
    page.fill("input[name=kod]", certificate.display_code.lower())
    page.get_by_role("button", name="Kontrollera").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/intyg/{certificate.code}/")
    assert page.get_by_role("heading", name="Giltigt").is_visible()
    body = page.locator("main").inner_text()
    assert "S. B." in body and "Bergman" not in body
    screenshot(page, "certificate-verify-genuine")
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    coordinator = User.objects.get(email="samordnare@example.org")
    revoke_certificate(certificate, coordinator, "Utfärdat av misstag")
    page.reload()
    assert page.get_by_role("heading", name="Återkallat").is_visible()
    assert "Utfärdat av misstag" not in page.locator("main").inner_text()
    screenshot(page, "certificate-verify-revoked")
    assert serious_violations(page) == []

    page.goto("/intyg/INTE-EN-KOD/")
    assert page.get_by_role("heading", name="Inget intyg med den koden").is_visible()
    assert serious_violations(page) == []


def test_a_coordinator_revokes_a_certificate_with_a_reason(page):
    from certifications.certificates import issue_certificate
    from courses.models import Completion

    holder = User.objects.get(email=HOLDER)
    certificate = issue_certificate(Completion.objects.filter(person=holder).first(), by=holder)
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "samordnare@example.org", admin=True)
    page.goto("/admin/competence/certificates/")
    page.get_by_role("link", name=certificate.display_code).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Återkalla intyget").is_visible()
    assert serious_violations(page) == []
    page.fill("textarea[name=reason], input[name=reason]", "Utfärdat på fel kurs")
    screenshot(page, "certificate-admin-revoke")
    page.get_by_role("button", name="Ja, återkalla intyget").click()
    page.wait_for_load_state()
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.revoke_reason == "Utfärdat på fel kurs"
    assert "/admin/competence/certificates/" in page.url
    screenshot(page, "certificate-admin-list")
