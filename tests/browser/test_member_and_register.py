"""In a real Chromium: the volunteer's progress, the coordinator's attendance register, and
accessibility (axe-core) on the public and member pages."""

import pytest
from django.utils import timezone

from courses.models import Attendance
from tests.browser.conftest import last_held_session, login, screenshot, serious_violations


@pytest.mark.awkward_moments
def test_volunteer_logs_in_and_sees_her_progress(page, moment):
    login(page, "volontar1@example.org")
    assert page.url.endswith("/min-utbildning/")
    progress = page.locator("progress.progress").first
    assert progress.get_attribute("value") == "6" and progress.get_attribute("max") == "8"
    assert page.get_by_text("6 av 8 avsnitt").first.is_visible()
    assert page.get_by_role("heading", name="Nästa träffar").is_visible()
    path = screenshot(page, "volunteer-my-training")
    assert path.stat().st_size > 10_000
    # No horizontal scrolling at phone width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_coordinator_marks_everyone_and_the_matrix_updates(page):
    # The demo's run in progress: its sixth session was the last one held; mark it anew.
    session = last_held_session()
    run = session.run
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "samordnare@example.org", admin=True)
    page.goto(f"/admin/runs/{run.pk}/overview/")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.locator(f"a[href='/admin/sessions/{session.pk}/register/']").click()
    page.wait_for_load_state()
    # Wagtail's scripts, deferred on the register and some left out, have all run: the menu is
    # drawn, the icons are in, and nothing failed.
    page.locator("#wagtail-sidebar").get_by_role("link", name="Kursomgångar").wait_for()
    page.wait_for_function("document.querySelectorAll('[data-sprite] svg symbol').length > 50")
    assert errors == []
    rows = page.locator("fieldset.register-row")
    count = rows.count()
    assert count >= 4
    marks = ["Närvarande", "Sen", "Närvarande", "Anmält förhinder", "Frånvarande"]
    for index in range(count):
        rows.nth(index).get_by_text(marks[index % len(marks)], exact=True).click()
    screenshot(page, "coordinator-attendance-register")
    page.get_by_role("button", name="Spara närvaron").click()
    page.wait_for_load_state()
    assert f"/admin/runs/{run.pk}/overview/" in page.url
    saved = Attendance.objects.filter(session=session).count()
    assert saved == count
    attended = sum(1 for i in range(count) if marks[i % len(marks)] in ("Närvarande", "Sen"))
    footer = page.locator("table.attendance-matrix tfoot td").nth(
        1 + list(run.sessions.order_by("starts_at").values_list("pk", flat=True)).index(session.pk)
    )
    assert footer.inner_text().strip() == str(attended)
    screenshot(page, "coordinator-run-matrix")


PUBLIC_PAGES = ["/", "/utbildningar/", "/utbildningar/studiecirkel/", "/accounts/login/"]
MEMBER_PAGES = [
    "/min-utbildning/",
    "/utbildningar/studiecirkel/traff-1/",
    "/utbildningar/stodsamtal-i-chatten/traff-1/",
]


@pytest.mark.parametrize("width", [360, 1280])
def test_no_serious_accessibility_violations(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    problems = {}
    for path in PUBLIC_PAGES:
        page.goto(path)
        problems[path] = serious_violations(page)
    login(page, "volontar2@example.org")
    for path in MEMBER_PAGES:
        page.goto(path)
        assert page.url.endswith(path), f"{path} redirected to {page.url}"
        problems[path] = serious_violations(page)
    assert {path: found for path, found in problems.items() if found} == {}


def test_member_copies_her_calendar_link_and_the_feed_lists_her_next_session(page):
    import icalendar

    from courses.ical import sessions_for_person
    from people.models import User

    login(page, "volontar2@example.org")
    link = page.locator("#feed-url").input_value()
    assert "/kurser/kalender/" in link
    assert (
        page.get_by_role("link", name="Prenumerera i kalendern").get_attribute("href").startswith("webcal://")
    )
    response = page.request.get(link)
    assert response.status == 200 and response.headers["content-type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(response.body()).walk("VEVENT")
    person = User.objects.get(email="volontar2@example.org")
    upcoming = (
        sessions_for_person(person)
        .filter(starts_at__gt=timezone.now(), status="scheduled")
        .order_by("starts_at")
        .first()
    )
    assert f"{upcoming.uid}@jourutbildning" in {str(e["UID"]) for e in events}
    next_event = next(e for e in events if str(e["UID"]) == f"{upcoming.uid}@jourutbildning")
    assert next_event.decoded("dtstart") == upcoming.starts_at
    screenshot(page, "volunteer-calendar-link")
