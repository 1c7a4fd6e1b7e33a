"""In a real Chromium at phone width: a volunteer gives apologies from My training; the circle
leader's check-in screen (phone and projector width) and a participant scanning its code.
Screenshots of each, axe-core clean."""

import datetime

from django.urls import reverse
from django.utils import timezone

from courses.models import Attendance, Mark, Session
from tests.browser.conftest import login, screenshot, serious_violations


def next_session_of(email: str) -> Session:
    return (
        Session.objects.filter(
            run__enrolments__person__email=email,
            run__enrolments__status="enrolled",
            starts_at__gt=timezone.now(),
        )
        .order_by("starts_at")
        .first()
    )


def test_volunteer_gives_apologies_from_my_training(page):
    session = next_session_of("volontar1@example.org")
    login(page, "volontar1@example.org")
    page.locator(f"a[href='{reverse('courses_apologise', args=[session.pk])}']").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Anmäl förhinder").is_visible()
    page.get_by_label("Meddelande till cirkelledarna (frivilligt)").fill("Jobbar kväll den veckan.")
    screenshot(page, "volunteer-apology-form")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Anmäl förhinder").click()
    page.wait_for_load_state()
    assert page.get_by_text("Du har anmält förhinder till den här träffen.").is_visible()
    assert page.get_by_role("heading", name=f"Så tar du igen avsnitt {session.unit_number}").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "volunteer-apology-given")
    assert serious_violations(page) == []
    attendance = Attendance.objects.get(session=session, person__email="volontar1@example.org")
    assert (attendance.mark, attendance.note) == (Mark.EXCUSED, "Jobbar kväll den veckan.")


def test_leader_shows_the_code_and_a_participant_checks_in(page, browser, live_server, clock):
    session = next_session_of("volontar2@example.org")
    clock.move_to(session.starts_at + datetime.timedelta(minutes=4))
    login(page, "samordnare@example.org", admin=True)
    page.goto(reverse("courses_session_check_in", args=[session.pk]))
    qr = page.locator(".check-in-qr svg")
    assert qr.is_visible() and qr.bounding_box()["width"] >= 300
    assert page.get_by_text("0 av ").is_visible()
    screenshot(page, "leader-check-in-screen-phone")
    assert serious_violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(page, "leader-check-in-screen-projector")
    url = page.locator(".check-in-qr").get_attribute("data-url")

    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    phone = context.new_page()
    phone.goto(url)  # not logged in yet: the login, then back to the code
    phone.fill("#id_username", "volontar2@example.org")
    phone.fill("#id_password", "jourdemo-2026")
    phone.locator("form button[type=submit]").last.click()
    phone.wait_for_load_state()
    phone.get_by_role("button", name="Checka in").click()
    phone.wait_for_load_state()
    assert phone.get_by_text(f"Du är incheckad på träff {session.unit_number}, kl.").is_visible()
    screenshot(phone, "participant-check-in-result")
    assert serious_violations(phone) == []
    context.close()
    assert Attendance.objects.get(session=session, person__email="volontar2@example.org").mark == Mark.PRESENT

    page.wait_for_timeout(11_000)  # the screen fetches a new code and count by itself
    assert page.get_by_text("1 av ").is_visible()
