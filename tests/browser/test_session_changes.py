"""In a real Chromium at phone width: a volunteer of the demo sees on My training that one of
her next sessions is cancelled (with its reason) and another moved, was emailed of both, and
turns on the reminders the day before. The page is axe-core clean."""

import datetime

from django.core import mail
from django.utils import timezone

from courses.attendance import save_session
from courses.ical import sessions_for_person
from courses.models import SessionStatus
from people.models import User
from tests.browser.conftest import login, screenshot, serious_violations


def test_a_volunteer_sees_her_cancelled_and_moved_sessions_and_asks_for_reminders(page):
    volunteer = User.objects.get(email="volontar1@example.org")
    volunteer.session_reminders = False  # the demo's Sara wants them: start from off
    volunteer.save(update_fields=["session_reminders"])
    cancelled, moved = (
        sessions_for_person(volunteer)
        .not_cancelled()
        .filter(starts_at__gte=timezone.now())
        .order_by("starts_at")[:2]
    )
    cancelled.status, cancelled.cancel_reason = SessionStatus.CANCELLED, "Cirkelledaren är sjuk"
    save_session(cancelled)
    moved.starts_at += datetime.timedelta(days=1)
    moved.ends_at += datetime.timedelta(days=1)
    save_session(moved)
    assert {"Inställd", "Ny tid"} <= {
        m.subject.split(":")[0] for m in mail.outbox if m.to == [volunteer.email]
    }

    login(page, volunteer.email)
    upcoming = page.locator("section", has=page.get_by_role("heading", name="Nästa träffar"))
    assert upcoming.locator(".status--cancelled").first.inner_text().strip().lower() == "inställd"
    assert upcoming.get_by_text("Anledning: Cirkelledaren är sjuk").is_visible()
    assert upcoming.get_by_text("Flyttad från").first.is_visible()
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    upcoming.get_by_role("button", name="Påminn mig dagen före").click()
    page.wait_for_load_state()
    assert page.get_by_text("Du får ett mejl dagen före var och en av dina träffar.").first.is_visible()
    assert page.get_by_role("button", name="Sluta skicka påminnelser").is_visible()
    volunteer.refresh_from_db()
    assert volunteer.session_reminders
    upcoming.scroll_into_view_if_needed()
    screenshot(page, "volunteer-session-changes")
    assert serious_violations(page) == []
