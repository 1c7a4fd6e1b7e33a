"""Erasing a person: her identifying data goes, the organisation's figures stay."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from certifications.models import FrozenReport
from certifications.report import competence_report, freeze_report
from courses.ical import feed_token, token_of
from courses.models import FeedKind
from people.models import User
from tests.auth import sign_in
from tests.factories import PersonFactory
from tests.security.scenario import give_history

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
PASSWORD = "test-password-123"


@pytest.fixture
def anna(org_a):
    return PersonFactory(
        organisation=org_a,
        email="anna.raderas@example.org",
        first_name="Annabella",
        last_name="Raderasdotter",
        phone="070-1234567",
    )


def text_in_database(*needles: str) -> list[str]:
    """Every table and column value that contains one of ``needles`` (a query per table)."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview | bytes):
                        value = bytes(value).decode("utf-8", "ignore")
                    text = str(value).lower()
                    found += [f"{table}: {needle}" for needle in needles if needle.lower() in text]
    return found


def test_without_yes_nothing_is_erased(anna, capsys):
    call_command("erase_person", anna.email)
    out = capsys.readouterr().out
    assert f"#{anna.pk}" in out and "--yes" in out
    anna.refresh_from_db()
    assert anna.first_name == "Annabella" and anna.is_active


def test_unknown_email_and_superuser_are_refused(superuser, db):
    with pytest.raises(CommandError, match="No person"):
        call_command("erase_person", "nobody@example.org", "--yes")
    with pytest.raises(CommandError, match="superuser"):
        call_command("erase_person", superuser.email, "--yes")


def test_erasure_keeps_the_figures_and_removes_her(client, org_a, anna, coordinator_a, board_a, caplog):
    give_history(anna, coordinator_a, units=3)
    give_history(PersonFactory(organisation=org_a), coordinator_a, units=2, title="Annan")
    token = token_of(feed_token(anna, FeedKind.MY_SESSIONS))
    # She has logged in (sessions, history of her account) and once got her password wrong.
    client.post(reverse("login"), {"username": anna.email, "password": "wrong"}, REMOTE_ADDR="10.0.0.5")
    client.post(reverse("login"), {"username": anna.email, "password": PASSWORD}, REMOTE_ADDR="10.0.0.5")
    assert client.session.get(SESSION_KEY) == str(anna.pk)
    anna.first_name = "Annabelle"  # an earlier name, kept in the history if there is one
    anna.save()
    anna.first_name = "Annabella"
    anna.save()

    before = competence_report(org_a, START, END)
    frozen = freeze_report(before, org_a, False, board_a)
    sign_in(client_board := client.__class__(), board_a)
    files = {
        fmt: client_board.get(reverse("certifications_frozen_report", args=[frozen.pk, fmt])).content
        for fmt in FrozenReport.FILES
    }

    # The scan sees her before (her email in the people table at least).
    assert text_in_database("anna.raderas")
    call_command("erase_person", anna.email, "--yes")

    # (a) the frozen report downloads byte for byte the same
    for fmt, content in files.items():
        response = client_board.get(reverse("certifications_frozen_report", args=[frozen.pk, fmt]))
        assert response.content == content, fmt
    # (b) the same period's report, computed again, has the same figures
    after = competence_report(org_a, START, END)
    # Every figure is the same; only her name in the hours per person is gone.
    names = {row["name"] for row in before["hours_per_person"]} - {
        row["name"] for row in after["hours_per_person"]
    }
    assert names == {"Annabella Raderasdotter"}

    def unnamed(report):
        return {**report, "hours_per_person": [{**row, "name": ""} for row in report["hours_per_person"]]}

    assert unnamed(after) == unnamed(before)
    # (c) her name, email and phone are nowhere in the database
    erased = User.objects.get(pk=anna.pk)
    assert erased.email == f"erased-{anna.pk}@invalid.example"
    found = text_in_database("Annabella", "Annabelle", "Raderasdotter", "anna.raderas", "070-1234567")
    # The frozen report is kept as it was (that is what freezing is for); nothing else holds her.
    assert [f for f in found if not f.startswith(FrozenReport._meta.db_table)] == []
    # (d) she cannot log in, her session is gone, her calendar link answers 404
    assert SESSION_KEY not in client.session
    fresh = client.__class__()
    fresh.post(reverse("login"), {"username": anna.email, "password": PASSWORD})
    assert SESSION_KEY not in fresh.session
    fresh.post(reverse("login"), {"username": erased.email, "password": PASSWORD})
    assert SESSION_KEY not in fresh.session
    assert fresh.get(reverse("courses_calendar_feed", args=[token])).status_code == 404


def test_erasure_removes_her_apology_notes_and_keeps_the_mark(org_a, anna):
    from courses.attendance import enrol, report_apology
    from courses.models import Attendance
    from tests.factories import make_course, make_run

    run = make_run(make_course(org_a), datetime.date(2026, 12, 3))
    enrol(run, [anna])
    report_apology(run.sessions.order_by("starts_at").first(), anna, "Ring mig på 070-1234567")
    assert text_in_database("070-1234567")
    call_command("erase_person", anna.email, "--yes")
    assert text_in_database("070-1234567") == []
    assert Attendance.objects.get(person=anna).mark == "excused"
