"""Issue 18, in a real Chromium: the run page at phone width wraps its buttons instead of
clipping them; at 1280 px the attendance matrix of a 12-person run scrolls sideways in its own
region while the name column stays in view; the coordinator's start page shows what is waiting
for her. Screenshots, and axe-core clean."""

import datetime

from courses.attendance import enrol
from courses.models import Attendance
from people.models import User
from tests.browser.conftest import last_held_session, login, screenshot, serious_violations
from tests.factories import PersonFactory

NAMES = [("Åsa", "Östlund-Bergqvist"), ("Märta", "Ängström"), ("Zelda", "Zetterlund"), ("Anna", "Andersson")]


def twelve_person_run():
    """The demo's run in progress, with people enrolled up to twelve (long Swedish names)."""
    session = last_held_session()
    run = session.run
    missing = 12 - run.enrolments.active().count()
    people = [
        PersonFactory(
            organisation=run.organisation,
            first_name=NAMES[n % len(NAMES)][0],
            last_name=f"{NAMES[n % len(NAMES)][1]} {n}",
            email=f"deltagare{n}@example.org",
            joined_on=datetime.date(2026, 1, 1),
        )
        for n in range(missing)
    ]
    enrol(run, people)
    assert run.enrolments.active().count() == 12
    return run, session


def test_the_run_page_wraps_at_390_and_its_matrix_scrolls_at_1280(page):
    run, _session = twelve_person_run()
    login(page, "samordnare@example.org", admin=True)
    page.goto(f"/admin/runs/{run.pk}/overview/")
    # At phone width every action is a button within the screen: they wrap, none is clipped.
    buttons = page.locator(".run-actions a, .row-actions a")
    assert buttons.count() >= 5 + 8
    for index in range(buttons.count()):
        box = buttons.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, buttons.nth(index).inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "run-page-390")
    assert serious_violations(page) == []

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/admin/runs/{run.pk}/overview/")
    region = page.locator(".matrix-scroll")
    assert region.get_attribute("tabindex") == "0" and region.get_attribute("aria-label")
    assert page.locator("table.attendance-matrix caption").count() == 1
    assert page.locator("table.attendance-matrix tbody tr").count() >= 12  # a withdrawn one too
    widths = region.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert widths[0] > widths[1], widths  # wider than the screen: it scrolls sideways
    name = page.locator("table.attendance-matrix tbody tr").first.locator("td").first
    session_cell = page.locator("table.attendance-matrix tbody tr").first.locator("td").nth(3)
    before, cell_before = name.bounding_box(), session_cell.bounding_box()
    screenshot(page, "run-page-1280")
    region.evaluate("el => { el.scrollLeft = 400; }")
    page.wait_for_function("document.querySelector('.matrix-scroll').scrollLeft > 0")
    after, cell_after = name.bounding_box(), session_cell.bounding_box()
    assert after["x"] == before["x"]  # the name column stays in view
    assert cell_after["x"] < cell_before["x"]  # while the sessions scroll under it
    background = name.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")  # no text shows through
    screenshot(page, "run-page-1280-scrolled")
    assert serious_violations(page) == []


def test_the_coordinators_start_page(page):
    run, session = twelve_person_run()
    run.leaders.add(User.objects.get(email="samordnare@example.org"))
    Attendance.objects.filter(session=session).delete()  # a register nobody has taken
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "samordnare@example.org", admin=True)
    page.goto("/admin/")
    assert page.get_by_role("heading", name="Dina träffar att leda de närmaste 14 dagarna").is_visible()
    assert page.get_by_role("heading", name="Närvarolistor som inte fyllts i").is_visible()
    assert page.locator(f"a[href='/admin/sessions/{session.pk}/register/']").count() == 1
    screenshot(page, "coordinator-start-page-1280")
    assert serious_violations(page) == []
