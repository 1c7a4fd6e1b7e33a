"""Download my data: all of hers, nothing of anyone else's, in a fixed number of queries."""

from __future__ import annotations

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.ical import feed_token, token_of
from courses.models import FeedKind
from tests.auth import sign_in
from tests.factories import PersonFactory
from tests.security.scenario import give_history


def download(client):
    response = client.get(reverse("my_data"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="mina-uppgifter-')
    assert response["Content-Disposition"].endswith('.json"')
    return response, json.loads(response.content)


def test_the_link_is_on_my_training(client, volunteer_a):
    sign_in(client, volunteer_a)
    page = client.get(reverse("my_training")).content.decode()
    assert reverse("my_data_page") in page


def test_anonymous_is_sent_to_the_login(client):
    response = client.get(reverse("my_data"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_it_holds_her_rows_and_nobody_elses(client, org_a, volunteer_a, coordinator_a):
    other = PersonFactory(
        organisation=org_a, email="annan@example.org", first_name="Gudrun", last_name="Grannsson"
    )
    run = give_history(volunteer_a, coordinator_a, units=3)
    give_history(other, coordinator_a, units=2, title="Annan kurs")
    from courses.attendance import enrol

    enrol(run, [other])  # a fellow participant in her own run
    token = token_of(feed_token(volunteer_a, FeedKind.MY_SESSIONS))
    sign_in(client, volunteer_a)
    response, data = download(client)
    assert data["profil"]["e-post"] == volunteer_a.email
    assert data["profil"]["förnamn"] == volunteer_a.first_name
    assert data["profil"]["förening"] == org_a.name
    assert "password" not in json.dumps(data)
    assert len(data["anmälningar"]) == 1 and data["anmälningar"][0]["kursomgång"] == run.title
    assert len(data["närvaro"]) == 3
    assert {row["markering"] for row in data["närvaro"]} == {"Frånvarande", "Närvarande"}
    assert len(data["igentagna_avsnitt"]) == 1
    assert len(data["slutförda_kurser"]) == 1
    assert len(data["kvalifikationer"]) >= 3
    assert len(data["utbildningar"]) == 3
    assert len(data["påminnelser_om_giltighet"]) == 1
    assert [feed["kalender"] for feed in data["kalenderlänkar"]] == ["Mina träffar"]
    text = response.content.decode()
    assert token not in text
    for secret in (other.email, other.first_name, other.last_name, coordinator_a.email):
        assert secret not in text
    assert coordinator_a.first_name not in text and coordinator_a.last_name not in text


def test_the_number_of_queries_does_not_grow_with_the_rows(client, org_a, coordinator_a):
    small = PersonFactory(organisation=org_a)
    large = PersonFactory(organisation=org_a)
    give_history(small, coordinator_a, units=1, title="Liten")
    give_history(large, coordinator_a, units=6, title="Stor")
    counts = []
    for person in (small, large):
        client.logout()
        sign_in(client, person)
        with CaptureQueriesContext(connection) as queries:
            download(client)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_my_data_holds_my_apology_note(client, org_a, volunteer_a):
    import datetime

    from courses.attendance import enrol, report_apology
    from tests.factories import make_course, make_run

    run = make_run(make_course(org_a), datetime.date(2026, 12, 3))
    enrol(run, [volunteer_a])
    report_apology(run.sessions.order_by("starts_at").first(), volunteer_a, "Tandläkaren")
    sign_in(client, volunteer_a)
    _response, data = download(client)
    assert [row["anteckning"] for row in data["närvaro"]] == ["Tandläkaren"]


def test_the_page_and_the_pdf_show_the_same_in_swedish(client, org_a, volunteer_a, coordinator_a, audit_log):
    from tests.security.test_exports import pdf_text

    run = give_history(volunteer_a, coordinator_a, units=3)
    sign_in(client, volunteer_a)
    page = client.get(reverse("my_data_page"))
    assert page.status_code == 200 and not page.get("Content-Disposition")
    html = page.content.decode()
    assert reverse("my_data_pdf") in html and reverse("my_data") in html
    pdf = client.get(reverse("my_data_pdf"))
    assert pdf["Content-Disposition"].startswith('attachment; filename="mina-uppgifter-')
    assert pdf["Content-Disposition"].endswith('.pdf"')
    text = pdf_text(pdf.content)
    for shown in (html, " ".join(text.split())):
        for words in ("Närvaro", "Anmälningar", "Kvalifikationer", "Närvarande", "Frånvarande", run.title):
            assert words in shown, words
        assert volunteer_a.email in shown  # her own data names her
        for english in ("run__title", "present", "absent", "True", "False", "None"):
            assert english not in shown, english
    lines = [r.getMessage() for r in audit_log.records if r.getMessage().startswith("event=export ")]
    assert [line.split(" format=")[1].split()[0] for line in lines] == ["html", "pdf"]
    assert all("kind=my-data" in line for line in lines)


def test_the_json_is_swedish_throughout(client, volunteer_a, coordinator_a):
    give_history(volunteer_a, coordinator_a, units=2)
    sign_in(client, volunteer_a)
    _response, data = download(client)
    keys = set(data) | {key for rows in data.values() if isinstance(rows, list) for row in rows
                        if isinstance(row, dict) for key in row} | set(data["profil"])  # fmt: skip
    assert not [key for key in keys if "__" in key or key in {"profile", "status_display", "mark"}]
    assert data["anmälningar"][0]["status"] == "Anmäld"
    assert isinstance(data["profil"]["skyddade_personuppgifter"], bool)
    assert data["profil"]["grupper"] == ["Volontär"]
