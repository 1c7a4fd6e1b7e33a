"""In a real Chromium: the second login step, and the admin's editors working under the
Content-Security-Policy (the page fixture fails on anything the policy blocks)."""

from courses.models import CoursePage, CourseRun, LessonPage
from tests.browser.conftest import current_code, login, screenshot


def test_coordinator_sets_up_two_step_verification_and_edits_under_the_policy(page):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/admin/")
    page.fill("#id_username", "samordnare@example.org")
    page.fill("#id_password", "jourdemo-2026")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    # The password alone does not open the admin: the set-up page with its QR code does.
    assert "/konto/tvastegsverifiering/ny/" in page.url
    assert page.locator(".otp-qr svg").is_visible()
    screenshot(page, "coordinator-two-step-setup")
    page.fill("#id_token", "000000")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.get_by_text("Koden stämde inte").is_visible()

    # The right code, read off the page like an app would (after the wait django-otp imposes
    # on a wrong code), opens the admin.
    page.wait_for_timeout(1100)
    page.fill("#id_token", current_code(page.locator("#otp-secret").inner_text().strip()))
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.url.endswith("/admin/")

    # The course page editor: the inline panel's "add" button is wired up by an inline script
    # that runs only with the nonce.
    course = CoursePage.objects.filter(runs__isnull=False).first()
    page.goto(f"/admin/pages/{course.pk}/edit/")
    before = int(page.locator("#id_units-TOTAL_FORMS").input_value())
    assert before == 8
    page.locator("#id_units-ADD").click()
    page.wait_for_timeout(300)
    assert page.locator("#id_units-TOTAL_FORMS").input_value() == str(before + 1)

    # The run editor: its page chooser and date pickers initialise the same way.
    run = CourseRun.objects.filter(course=course).first()
    page.goto(f"/admin/runs/edit/{run.pk}/")
    page.wait_for_load_state()
    page.locator("#id_course").locator("xpath=..").locator(".w-dropdown__toggle").first.click()
    page.locator("[data-chooser-action-choose]:visible").first.click()
    # The chooser's modal opens (its script ran) and lists the course pages.
    page.locator(".modal-content").first.wait_for(state="visible")
    page.get_by_text(course.title).last.wait_for(state="visible")


def test_the_page_editors_preview_shows_the_page_under_the_policy(page):
    """The preview panel is an iframe of the admin's own preview URL: that one response may be
    framed by the site (frame-ancestors 'self'), every other page by nobody ('none'). The page
    fixture fails on a framing the policy refuses."""
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "samordnare@example.org", admin=True)
    lesson = LessonPage.objects.first()
    page.goto(f"/admin/pages/{lesson.pk}/edit/")
    page.locator('[data-side-panel-toggle="preview"]').first.click()
    frame = page.frame_locator("#w-preview-iframe")
    frame.get_by_text(lesson.title).first.wait_for(state="visible")
    screenshot(page, "coordinator-page-preview")
