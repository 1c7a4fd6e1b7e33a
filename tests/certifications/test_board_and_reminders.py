"""The clearance board, the member's view, the home-page panel and the reminders: one engine."""

import csv
import datetime
import io
import json

import openpyxl
import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from certifications.clearance import clearance
from certifications.models import ReminderSent
from certifications.reminders import send_reminders
from tests.auth import sign_in
from tests.certifications.conftest import qualify, train
from tests.factories import PersonFactory

D = datetime.date


@pytest.fixture
def people(org_a, catalogue):
    today = timezone.localdate()
    cleared = PersonFactory(
        email="klar@example.org", first_name="Klara", organisation=org_a, group_staff=True
    )
    qualify(cleared, catalogue["basic"], "2024-01-01")
    qualify(
        cleared,
        catalogue["pledge"],
        (today - datetime.timedelta(days=300)).isoformat(),
        expires=(today + datetime.timedelta(days=20)).isoformat(),
    )
    train(org_a, [cleared], today.isoformat(), "6")
    lacking = PersonFactory(
        email="saknar@example.org", first_name="Saga", organisation=org_a, protected_identity=True
    )
    qualify(lacking, catalogue["basic"], "2024-01-01")
    return cleared, lacking


@pytest.mark.awkward_moments
def test_board_shows_the_engines_answers_in_swedish(client, coordinator_a, people, catalogue):
    sign_in(client, coordinator_a)
    response = client.get(reverse("certifications_board"), {"role": catalogue["phone"].pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tystnadslöfte saknas" in html
    assert "Tystnadslöfte går ut" in html  # the warning for the cleared person
    rows = response.context["page"].object_list  # one page: all of them
    shown = {row.person.email: (row.cleared, row.reason_codes) for row in rows}
    engine = clearance(catalogue["phone"].organisation, timezone.localdate(), roles=[catalogue["phone"]])
    assert shown == {c.person.email: (c.cleared, c.reason_codes) for c in engine}


def test_board_filters_search_and_export(client, coordinator_a, people, catalogue):
    sign_in(client, coordinator_a)
    url = reverse("certifications_board")
    only_cleared = (
        client.get(url, {"cleared": "yes", "role": catalogue["phone"].pk}).context["page"].object_list
    )
    assert {row.person.email for row in only_cleared} == {"klar@example.org"}
    staff = client.get(url, {"group": "staff"}).context["page"].object_list
    assert {row.person.email for row in staff} == {"klar@example.org", "coord-a@example.org"}
    found = client.get(url, {"q": "saga"}).context["page"].object_list
    assert {row.person.email for row in found} == {"saknar@example.org"}
    csv_text = client.get(url, {"export": "csv", "role": catalogue["chat"].pk}).content.decode("utf-8-sig")
    assert "Klara" in csv_text and "Saga" not in csv_text  # protected identity: no name in exports
    assert "Skyddad identitet 1" in csv_text
    response = client.get(url, {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 1 + 3 * 2  # header + three people × two roles
    sorted_page = client.get(url, {"sort": "-cleared"}).context["page"].object_list
    assert sorted_page[0].cleared


def test_board_is_scoped_and_needs_a_role(client, coordinator_b, volunteer_a, people):
    sign_in(client, coordinator_b)
    html = client.get(reverse("certifications_board")).content.decode()
    assert "klar@example.org" not in html and "Klara" not in html
    sign_in(client, volunteer_a)
    assert client.get(reverse("certifications_board")).status_code == 302


def test_member_sees_her_qualifications_and_what_she_lacks(client, people, catalogue):
    _cleared, lacking = people
    sign_in(client, lacking)
    response = client.get(reverse("my_training"))
    roles = {item["role"].name: item for item in response.context["roles"]}
    assert roles["Chattjour"]["cleared"]
    assert roles["Telefonjour"]["reasons"][0] == "Tystnadslöfte saknas"
    assert "Grundutbildning" in response.content.decode()


def test_board_command_and_engine_agree(people, catalogue, org_a):
    out = io.StringIO()
    call_command("clearance", "--organisation", org_a.slug, stdout=out)
    command = {
        (r["email"], r["role"]): (r["cleared"], r["reasons"]) for r in json.loads(out.getvalue())["results"]
    }
    # Saga has a protected identity: her pseudonym, never her email, on each of her rows.
    engine = {
        ("Skyddad identitet 1" if c.person.protected_identity else c.person.email, c.role.name): (
            c.cleared,
            c.reason_codes,
        )
        for c in clearance(org_a, timezone.localdate())
    }
    assert command == engine
    assert "saknar@example.org" not in out.getvalue() and "Saga" not in out.getvalue()


def test_the_command_csv_neutralises_formulas(people, catalogue, org_a):
    catalogue["phone"].name = '=HYPERLINK("http://x")'
    catalogue["phone"].save()
    out = io.StringIO()
    call_command("clearance", "--organisation", org_a.slug, "--format", "csv", stdout=out)
    roles = {row[1] for row in csv.reader(io.StringIO(out.getvalue()), delimiter=";")}
    assert '\'=HYPERLINK("http://x")' in roles
    assert not any(role.startswith("=") for role in roles)
    # Saga has a protected identity: her pseudonym on her rows, never her email.
    emails = [row[0] for row in csv.reader(io.StringIO(out.getvalue()), delimiter=";")]
    assert "saknar@example.org" not in emails and emails.count("Skyddad identitet 1") == 2


def test_admin_home_panel_lists_who_loses_clearance(client, coordinator_a, people):
    sign_in(client, coordinator_a)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Klara" in html and "Tystnadslöfte går ut" in html


@pytest.mark.awkward_moments
def test_reminders_60_30_7_once_per_step(org_a, catalogue, coordinator_a):
    person = PersonFactory(email="r@example.org", organisation=org_a)
    qualify(person, catalogue["pledge"], "2026-01-01", expires="2026-12-31")
    assert send_reminders(D(2026, 10, 31)) == 0  # 61 days before
    assert send_reminders(D(2026, 11, 1)) == 1  # 60 days before
    assert [m.to for m in mail.outbox] == [["r@example.org"], ["coord-a@example.org"]]
    assert "2026-12-31" in mail.outbox[0].subject
    assert send_reminders(D(2026, 11, 1)) == 0  # never twice
    assert send_reminders(D(2026, 11, 20)) == 0  # still the 60-day step
    assert send_reminders(D(2026, 12, 5)) == 1  # 26 days: the 30-day step, although a day late
    assert send_reminders(D(2026, 12, 24)) == 1  # 7 days
    assert send_reminders(D(2026, 12, 30)) == 0
    assert sorted(ReminderSent.objects.values_list("days_before", flat=True)) == [7, 30, 60]


def test_no_reminder_when_renewed_or_not_required(org_a, catalogue):
    from certifications.models import QualificationType

    person = PersonFactory(organisation=org_a)
    qualify(person, catalogue["pledge"], "2026-01-01", expires="2026-12-31")
    qualify(person, catalogue["pledge"], "2026-11-01")  # renewed: valid until 2027-11-01
    optional = QualificationType.objects.create(organisation=org_a, name="Körkort", valid_months=12)
    qualify(person, optional, "2026-01-01", expires="2026-12-31")
    assert send_reminders(D(2026, 12, 1)) == 0
    assert mail.outbox == []


def test_send_reminders_command_keeps_protected_names_out_of_the_coordinators_mail(
    org_a, catalogue, coordinator_a
):
    person = PersonFactory(
        organisation=org_a, protected_identity=True, first_name="Hemlig", last_name="Person"
    )
    qualify(person, catalogue["pledge"], "2026-01-01", expires="2026-12-08")
    out = io.StringIO()
    call_command("send_reminders", "--on", "2026-12-01", stdout=out)
    assert "Sent 1 reminders." in out.getvalue()
    (to_coordinators,) = [m for m in mail.outbox if m.to == ["coord-a@example.org"]]
    assert "Hemlig" not in to_coordinators.body and "Person" not in to_coordinators.body
