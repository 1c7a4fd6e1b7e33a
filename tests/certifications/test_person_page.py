"""The coordinator's page of a person: what it shows, its three actions, who opens it."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from certifications.clearance import clearance
from certifications.describe import describe
from courses.attendance import enrol, record_makeup, set_marks, withdraw
from courses.ical import feed_link, feed_token
from courses.models import Enrolment, FeedKind
from people.models import User
from tests.auth import sign_in
from tests.certifications.conftest import qualify, train
from tests.factories import PersonFactory, make_course, make_run
from tests.security.test_exports import pdf_text

D = datetime.date


@pytest.fixture
def anna(org_a, coordinator_a, catalogue):
    """On the suite's day (2026-11-25): the study circle completed (unit 3 missed and caught
    up), a continuing-education run under way (unit 1 attended, 2 and 3 missed, 4 to come), a
    withdrawn run; the basic training valid, the pledge due for renewal, a revoked type; 4 hours
    of external training in the window and 2.5 of the run, 10 hours before it."""
    anna = PersonFactory(
        first_name="Anna", last_name="Ödman", organisation=org_a, group_staff=True, phone="070-123 45 67"
    )
    circle = make_course(org_a, title="Studiecirkel")
    run = make_run(circle, D(2026, 10, 1), title="Cirkeln hösten 2026")
    enrol(run, [anna])
    for session in run.sessions.order_by("starts_at"):
        set_marks(session, {anna.pk: "absent" if session.unit_number == 3 else "present"}, coordinator_a)
    enrolment = Enrolment.objects.get(run=run, person=anna)
    record_makeup(enrolment, 3, coordinator_a, date=D(2026, 11, 20), led_by="Cirkelledaren")
    further = make_course(org_a, title="Fortbildning", units=4, kind="continuing")
    course_run = make_run(further, D(2026, 11, 10), title="Fortbildning våld")
    enrol(course_run, [anna])
    sessions = list(course_run.sessions.order_by("starts_at"))
    set_marks(sessions[0], {anna.pk: "present"}, coordinator_a)
    set_marks(sessions[1], {anna.pk: "absent"}, coordinator_a)
    spring = make_run(circle, D(2027, 2, 4), title="Cirkeln våren 2027")
    enrol(spring, [anna])
    withdraw(Enrolment.objects.get(run=spring, person=anna), on=D(2026, 11, 2))
    catalogue["pledge"].is_pledge = True
    catalogue["pledge"].save()
    qualify(anna, catalogue["basic"], "2026-11-20")
    qualify(anna, catalogue["pledge"], "2025-10-01", "2026-10-01")
    revoked_type = catalogue["basic"].__class__.objects.create(organisation=org_a, name="Barnansvarig")
    qualify(anna, revoked_type, "2026-01-01", revoked="2026-09-01", reason="Flyttat")
    train(org_a, [anna], "2026-06-01", "4", title="Hedersrelaterat våld")
    train(org_a, [anna], "2025-06-01", "10", title="Gammal kurs")
    return anna


def page(client: Client, person: User):
    return client.get(reverse("certifications_person", args=[person.pk]))


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_the_page_shows_groups_runs_qualifications_hours_and_clearance(
    client, coordinator_a, anna, catalogue
):
    sign_in(client, coordinator_a)
    response = page(client, anna)
    assert response.status_code == 200
    overview = response.context["overview"]
    assert overview.groups == ["Volontär", "Anställd"]
    runs = {line.progress.enrolment.run.title: line for line in overview.runs}
    circle = runs["Cirkeln hösten 2026"]
    assert (circle.attended, circle.made_up, circle.missed, circle.upcoming) == (7, 1, 0, 0)
    assert circle.progress.rule_met and circle.progress.met_on == D(2026, 11, 20)
    further = runs["Fortbildning våld"]
    assert (further.attended, further.made_up, further.missed, further.upcoming) == (1, 0, 2, 1)
    assert runs["Cirkeln våren 2027"].withdrawn
    assert overview.hours == 6.5 and overview.hours_since == D(2025, 11, 25)
    assert [row.title for row in overview.training] == ["Fortbildning", "Hedersrelaterat våld"]
    text = text_of(response)
    for words in (
        "Volontär, Anställd",
        "Slutförd 2026-11-20",
        "8 av 8 avsnitt",
        "1 av 4 avsnitt",
        "Avbruten 2026-11-02",
        "6,5 timmar från 2025-11-25 till 2026-11-25",
        "Återkallad 2026-09-01 (Flyttat)",
        "1 0 2 (avsnitt 2, 3) 1",
        "Grundutbildning 2026-11-20 – Giltig",
        "Kvalifikationer",
        "Tystnadslöftet behöver förnyas (senast förnyat 2025-10-01)",
        "Chattjour Behörig",
        "Telefonjour Inte behörig",
    ):
        assert words in text, words
    # The clearance in the board's words, role by role.
    expected = {
        c.role.name: [describe(r, c.role.training_window_months) for r in c.reasons]
        for c in clearance(anna.organisation, D(2026, 11, 25), people=[anna])
    }
    assert {item["role"].name: item["reasons"] for item in overview.roles} == expected
    assert expected["Telefonjour"] == ["Tystnadslöftet behöver förnyas (senast förnyat 2025-10-01)"]
    # The actions, for the coordinator.
    for name in ("certifications_person_invite", "certifications_person_calendar", "home_person_data_page"):
        assert reverse(name, args=[anna.pk]) in response.content.decode()


def test_a_person_who_has_left_is_ended_and_not_cleared(client, coordinator_a, anna):
    User.objects.filter(pk=anna.pk).update(left_on=D(2026, 11, 1))
    sign_in(client, coordinator_a)
    response = page(client, anna)
    text = text_of(response)
    assert "Avslutad 2026-11-01" in text
    roles = response.context["overview"].roles
    assert roles and not any(item["cleared"] for item in roles)
    assert all("Inte aktiv medlem detta datum" in item["reasons"] for item in roles)


def test_the_register_links_to_the_page(client, coordinator_a, anna):
    sign_in(client, coordinator_a)
    html = client.get(reverse("people_person:index")).content.decode()
    assert f'href="{reverse("certifications_person", args=[anna.pk])}"' in html


def test_the_page_takes_a_fixed_number_of_queries(
    client, coordinator_a, anna, org_a, catalogue, django_assert_max_num_queries
):
    sign_in(client, coordinator_a)
    page(client, anna)  # the session, the permissions and the role groups read once
    with django_assert_max_num_queries(30) as few:
        assert page(client, anna).status_code == 200
    for number in range(3):
        course = make_course(org_a, title=f"Kurs {number}", units=3, kind="continuing")
        run = make_run(course, D(2026, 9, 1 + number), title=f"Omgång {number}")
        enrol(run, [anna])
        set_marks(run.sessions.order_by("starts_at").first(), {anna.pk: "present"}, coordinator_a)
        qtype = catalogue["basic"].__class__.objects.create(organisation=org_a, name=f"Typ {number}")
        qualify(anna, qtype, "2026-02-01", "2027-02-01")
        role = catalogue["chat"].__class__.objects.create(organisation=org_a, name=f"Roll {number}")
        role.requirements.create(qualification_type=qtype, sort_order=0)
        train(org_a, [anna], f"2026-0{number + 3}-01", "1", title=f"Föreläsning {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = page(client, anna)
    assert len(response.context["overview"].runs) == 6 and len(response.context["overview"].roles) == 5


def test_the_invitation_mails_a_link_that_sets_her_password(client, coordinator_a, anna, audit_log):
    User.objects.filter(pk=anna.pk).update(password="!")  # imported: no usable password yet
    sign_in(client, coordinator_a)
    url = reverse("certifications_person_invite", args=[anna.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Ja, skicka inbjudan" in confirm.content.decode()
    assert not mail.outbox  # asking is not sending
    response = client.post(url)
    assert response.status_code == 302 and response.url == reverse("certifications_person", args=[anna.pk])
    (message,) = mail.outbox
    assert message.to == [anna.email]
    assert message.subject == "Välkommen: välj ditt lösenord"
    assert "Hej Anna" in message.body and "Kvinnojouren A" in message.body
    link = re.search(r"http://testserver(/accounts/reset/\S+)", message.body).group(1)
    assert any("event=person.invited" in r.getMessage() and f"person={anna.pk}" in r.getMessage()
               for r in audit_log.records)  # fmt: skip
    visitor = Client()
    form = visitor.get(link, follow=True)
    assert form.status_code == 200
    done = visitor.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Ett-nytt-lösen-42", "new_password2": "Ett-nytt-lösen-42"},
    )
    assert done.status_code == 302
    anna.refresh_from_db()
    assert anna.check_password("Ett-nytt-lösen-42")
    assert visitor.get(link, follow=True).context["validlink"] is False  # once only


@pytest.mark.parametrize("change", [{"is_active": False}, {"left_on": D(2026, 11, 24)}])
def test_no_invitation_for_an_account_that_cannot_log_in_or_has_left(client, coordinator_a, anna, change):
    User.objects.filter(pk=anna.pk).update(**change)
    sign_in(client, coordinator_a)
    url = reverse("certifications_person_invite", args=[anna.pk])
    assert url not in page(client, anna).content.decode()  # not offered
    response = client.post(url, follow=True)
    assert "ingen inbjudan skickades" in response.content.decode()
    assert not mail.outbox


def test_resetting_her_calendar_link_kills_the_old_one(client, coordinator_a, anna, audit_log):
    old = feed_link(feed_token(anna, FeedKind.MY_SESSIONS), "http://testserver/").url
    visitor = Client()
    assert visitor.get(old).status_code == 200
    sign_in(client, coordinator_a)
    url = reverse("certifications_person_calendar", args=[anna.pk])
    assert client.get(url).status_code == 200
    assert visitor.get(old).status_code == 200  # asking changes nothing
    assert client.post(url).status_code == 302
    assert visitor.get(old).status_code == 404
    new = feed_link(feed_token(anna, FeedKind.MY_SESSIONS), "http://testserver/").url
    assert new != old and visitor.get(new).status_code == 200
    assert any("event=feed.reset" in r.getMessage() and f"person={anna.pk}" in r.getMessage()
               for r in audit_log.records)  # fmt: skip


def test_her_data_downloads_audited(client, coordinator_a, anna, audit_log):
    sign_in(client, coordinator_a)
    response = client.get(reverse("home_person_data", args=[anna.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="uppgifter-person-')
    data = json.loads(response.content)
    assert data["profil"]["e-post"] == anna.email
    assert {row["kursomgång"] for row in data["anmälningar"]} >= {"Cirkeln hösten 2026", "Fortbildning våld"}
    (line,) = [r.getMessage() for r in audit_log.records if r.getMessage().startswith("event=export ")]
    assert "kind=person-data format=json" in line and f"person={anna.pk}" in line
    assert f"user={coordinator_a.pk} " in line


def test_a_protected_identity_is_named_on_the_page_but_not_in_her_data(client, coordinator_a, anna):
    User.objects.filter(pk=anna.pk).update(protected_identity=True)
    sign_in(client, coordinator_a)
    assert "Anna Ödman" in text_of(page(client, anna))  # as the register names her
    body = client.get(reverse("home_person_data", args=[anna.pk])).content.decode()
    for secret in ("Anna", "Ödman", anna.email, "070-123 45 67"):
        assert secret not in body
    assert json.loads(body)["profil"]["förnamn"] == "Skyddad identitet 1"
    for name in ("home_person_data_page", "home_person_data_pdf"):  # the page and the PDF alike
        response = client.get(reverse(name, args=[anna.pk]))
        text = text_of(response) if name.endswith("page") else pdf_text(response.content)
        assert "Skyddad identitet 1" in text, name
        for secret in ("Anna", "Ödman", anna.email, "070-123 45 67"):
            assert secret not in text, (name, secret)


ACTIONS = (
    "certifications_person",
    "certifications_person_invite",
    "certifications_person_calendar",
    "home_person_data",
    "home_person_data_page",
    "home_person_data_pdf",
)


def test_another_organisations_coordinator_gets_404(client, coordinator_b, anna):
    sign_in(client, coordinator_b)
    for name in ACTIONS:
        url = reverse(name, args=[anna.pk])
        assert client.get(url).status_code == 404, name
        assert client.post(url).status_code in (404, 405), name
    assert not mail.outbox


def test_a_volunteer_is_sent_to_the_login(client, volunteer_a, anna):
    sign_in(client, volunteer_a)
    for name in ACTIONS:
        response = client.get(reverse(name, args=[anna.pk]))
        assert response.status_code == 302 and "/admin/login/" in response.url, name
    client.post(reverse("certifications_person_invite", args=[anna.pk]))
    assert not mail.outbox


def test_the_board_reads_the_page_and_acts_on_nothing(client, board_a, anna):
    sign_in(client, board_a)
    response = page(client, anna)
    assert response.status_code == 200 and not response.context["actions"]
    assert reverse("certifications_person_invite", args=[anna.pk]) not in response.content.decode()
    for name in ACTIONS[1:]:
        url = reverse(name, args=[anna.pk])
        assert client.get(url).status_code in (302, 403), name
        client.post(url)
    assert not mail.outbox


def test_an_umbrella_administrator_has_no_page_for_a_coordinator(client, superuser, coordinator_a, anna):
    sign_in(client, coordinator_a)
    assert page(client, superuser).status_code == 404  # never in the register
    sign_in(client, superuser)
    assert page(client, anna).status_code == 200


@pytest.mark.awkward_moments
def test_the_page_decides_on_the_local_date(client, coordinator_a, org_a, catalogue, moment):
    """Her last day, the qualification's last day and the window's first day are Stockholm's
    date of the moment: still a member, still valid, still counted."""
    from django.utils import timezone

    from certifications.dates import add_months

    day = timezone.localdate()
    assert day == moment.astimezone(timezone.get_current_timezone()).date()
    lisa = PersonFactory(first_name="Lisa", organisation=org_a, joined_on=D(2020, 1, 1), left_on=day)
    qualify(lisa, catalogue["basic"], "2020-01-01", day.isoformat())
    train(org_a, [lisa], add_months(day, -12).isoformat(), "3", title="Första dagen")
    train(
        org_a,
        [lisa],
        (add_months(day, -12) - datetime.timedelta(days=1)).isoformat(),
        "5",
        title="Dagen före",
    )
    sign_in(client, coordinator_a)
    overview = page(client, lisa).context["overview"]
    assert overview.day == day and overview.status == "active"
    assert overview.hours == 3 and [row.title for row in overview.training] == ["Första dagen"]
    assert {item["role"].name: item["cleared"] for item in overview.roles}["Chattjour"] is True
    assert overview.qualifications[0]["state"] == "valid"
