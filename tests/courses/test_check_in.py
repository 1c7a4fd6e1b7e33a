"""Self check-in: the leader's screen shows a code that changes every minute, valid from 30
minutes before the start to 30 after; a participant on the register who scans it is marked
present (late after 10 minutes), in the history as her own check-in; anything else changes
nothing and says why."""

import datetime

import pytest
from django.urls import reverse

from courses.attendance import set_marks
from courses.check_in import CODE_LENGTH, code_for_minute, current_code, minute_of
from courses.models import Attendance, Mark, SessionStatus
from tests.auth import sign_in
from tests.factories import make_course, make_run

FIRST = datetime.date(2026, 12, 3)  # tests/courses/conftest.py COMING: the coming run's first day

MINUTE = datetime.timedelta(minutes=1)


def scan(client, clock, person, coming_session, offset, code=None, target=None):
    """She scans at ``offset`` from the start the code shown then (or ``code``) and taps the
    button; returns the page she ends on."""
    clock.move_to(coming_session.starts_at + offset)
    sign_in(client, person)
    code = code or code_for_minute(coming_session, minute_of(coming_session.starts_at + offset))
    return client.post(reverse("courses_check_in", args=[(target or coming_session).pk, code]), follow=True)


@pytest.mark.parametrize(
    ("minutes", "mark"),
    [(-31, None), (-30, Mark.PRESENT), (0, Mark.PRESENT), (30, Mark.LATE), (31, None)],
)
def test_the_window_runs_from_30_minutes_before_to_30_after(
    client, clock, coming_session, coming_anna, minutes, mark
):
    page = scan(client, clock, coming_anna, coming_session, minutes * MINUTE).content.decode()
    attendance = Attendance.objects.filter(session=coming_session, person=coming_anna).first()
    assert (attendance.mark if attendance else None) == mark
    if minutes == -31:
        assert "Incheckningen öppnar kl. 17.30." in page
    if minutes == 31:
        assert "Incheckningen till den här träffen är stängd." in page


def test_she_sees_when_she_checked_in_and_the_history_says_check_in(
    client, clock, coming_session, coming_anna
):
    page = scan(
        client, clock, coming_anna, coming_session, 4 * MINUTE + datetime.timedelta(seconds=5)
    ).content.decode()
    assert "Du är incheckad på träff 1, kl. 18.04." in page
    attendance = Attendance.objects.get(session=coming_session, person=coming_anna)
    assert (attendance.mark, attendance.marked_by) == (Mark.PRESENT, coming_anna)
    row = attendance.history.get()
    assert (row.history_user, row.history_change_reason, row.history_type) == (coming_anna, "check-in", "+")


@pytest.mark.parametrize(("minutes", "mark"), [(9, Mark.PRESENT), (11, Mark.LATE)])
def test_late_after_ten_minutes(client, clock, coming_session, coming_anna, minutes, mark):
    scan(client, clock, coming_anna, coming_session, minutes * MINUTE)
    assert Attendance.objects.get().mark == mark


@pytest.mark.parametrize(("age", "accepted"), [(0, True), (1, True), (2, False), (5, False)])
def test_a_code_is_good_in_its_minute_and_the_next_only(
    client, clock, coming_session, coming_anna, age, accepted
):
    shown = coming_session.starts_at - 5 * MINUTE
    code = code_for_minute(coming_session, minute_of(shown))
    page = scan(client, clock, coming_anna, coming_session, (-5 + age) * MINUTE, code=code).content.decode()
    assert Attendance.objects.exists() is accepted
    if not accepted:
        assert "Koden gäller inte" in page


def test_another_sessions_or_organisations_code_never_matches(
    client, clock, org_b, coming_session, coming_run, coming_anna
):
    second = coming_run.sessions.order_by("starts_at")[1]
    foreign = make_run(make_course(org_b), FIRST, title="Deras cirkel").sessions.order_by("starts_at").first()
    now = coming_session.starts_at
    for other in (second, foreign):
        code = code_for_minute(other, minute_of(now))
        assert code != code_for_minute(coming_session, minute_of(now))
        assert (
            "Koden gäller inte"
            in scan(client, clock, coming_anna, coming_session, 0 * MINUTE, code=code).content.decode()
        )
    assert not Attendance.objects.exists()
    # Her code on another organisation's session, or on a session she is not on: not found.
    assert scan(client, clock, coming_anna, coming_session, 0 * MINUTE, target=foreign).status_code == 404
    other_run = (
        make_run(coming_run.course, FIRST, title="Andra cirkeln").sessions.order_by("starts_at").first()
    )
    assert scan(client, clock, coming_anna, coming_session, 0 * MINUTE, target=other_run).status_code == 404
    assert not Attendance.objects.exists()


def test_a_cancelled_session_changes_nothing(client, clock, coming_session, coming_anna):
    coming_session.status, coming_session.cancel_reason = SessionStatus.CANCELLED, "Ledaren är sjuk"
    coming_session.save()
    page = scan(client, clock, coming_anna, coming_session, 0 * MINUTE).content.decode()
    assert "Träffen är inställd" in page
    assert not Attendance.objects.exists()


def test_the_leaders_mark_is_never_overwritten(client, clock, coming_session, coming_anna, coordinator_a):
    clock.move_to(coming_session.starts_at + MINUTE)
    set_marks(coming_session, {coming_anna.pk: Mark.ABSENT}, coordinator_a)
    page = scan(client, clock, coming_anna, coming_session, 2 * MINUTE).content.decode()
    assert "Cirkelledaren har redan markerat dig som frånvarande." in page
    attendance = Attendance.objects.get()
    assert (attendance.mark, attendance.marked_by) == (Mark.ABSENT, coordinator_a)
    assert attendance.history.count() == 1


def test_her_own_apology_is_replaced_and_a_second_scan_changes_nothing(
    client, clock, coming_session, coming_anna
):
    from courses.attendance import report_apology

    report_apology(coming_session, coming_anna, "Trodde inte jag skulle hinna")
    scan(client, clock, coming_anna, coming_session, 12 * MINUTE)
    attendance = Attendance.objects.get()
    assert (attendance.mark, attendance.note) == (Mark.LATE, "")
    scan(client, clock, coming_anna, coming_session, 14 * MINUTE)
    attendance.refresh_from_db()
    assert attendance.history.count() == 2  # the apology, the check-in
    assert (
        "kl. 18.12" in client.get(reverse("courses_check_in", args=[coming_session.pk, "x"])).content.decode()
    )


def test_scanning_asks_for_a_login_and_opening_the_link_writes_nothing(
    client, clock, coming_session, coming_anna
):
    clock.move_to(coming_session.starts_at)
    path = reverse(
        "courses_check_in", args=[coming_session.pk, current_code(coming_session, coming_session.starts_at)]
    )
    response = client.get(path)
    assert response.status_code == 302 and f"next={path}" in response["Location"].replace("%2F", "/")
    sign_in(client, coming_anna)
    page = client.get(path).content.decode()
    assert "Checka in" in page and not Attendance.objects.exists()
    assert len(current_code(coming_session, coming_session.starts_at)) == CODE_LENGTH
    assert current_code(coming_session, coming_session.starts_at - 31 * MINUTE) is None


def test_the_check_in_screen_for_the_leader(
    client, clock, coming_session, coming_anna, coordinator_a, board_a, coordinator_b
):
    screen = reverse("courses_session_check_in", args=[coming_session.pk])
    clock.move_to(coming_session.starts_at - 40 * MINUTE)
    sign_in(client, coordinator_a)
    assert "Incheckningen öppnar kl. 17.30" in client.get(screen).content.decode()
    clock.move_to(coming_session.starts_at + 3 * MINUTE)
    sign_in(client, coordinator_a)
    page = client.get(screen).content.decode()
    code = current_code(coming_session, coming_session.starts_at + 3 * MINUTE)
    assert "<svg" in page and "0 av 1 incheckad" in page
    assert f'data-url="http://testserver/kurser/incheckning/{coming_session.pk}/{code}/"' in page
    scan(client, clock, coming_anna, coming_session, 4 * MINUTE)
    sign_in(client, coordinator_a)
    assert "1 av 1 incheckad" in client.get(screen).content.decode()
    # The run's session list and the register link to the screen while check-in is open.
    overview = client.get(reverse("courses_run_overview", args=[coming_session.run_id])).content.decode()
    register = client.get(reverse("courses_session_register", args=[coming_session.pk])).content.decode()
    assert f'href="{screen}"' in overview and f'href="{screen}"' in register
    sign_in(client, coordinator_b)
    assert client.get(screen).status_code == 404
    sign_in(client, board_a)
    assert client.get(screen).status_code in (302, 403)
