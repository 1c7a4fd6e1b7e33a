"""Issue 18: names sort as Swedish does (å, ä, ö after z, in that order), in the database and in
Python alike, in every list of people sorted by name: the register, the clearance board, the
run's matrix and register, and the competence report's lists."""

import datetime

import pytest
from django.urls import reverse

from certifications.clearance import members_of
from certifications.models import Qualification, QualificationType, ShiftRole
from courses.attendance import enrol, register_people
from jour_core.collation import by_name, name_key, swedish_key
from people.models import User
from tests.auth import sign_in
from tests.factories import PersonFactory, make_course, make_run

SWEDISH_ORDER = ["Andersson", "Berg", "Ekström", "Émile", "Zetterberg", "Åberg", "Ängel", "Öberg"]
SCRAMBLED = ["Öberg", "Åberg", "Berg", "Ängel", "Émile", "Andersson", "Zetterberg", "Ekström"]


def test_the_key_puts_a_ring_a_umlaut_and_o_umlaut_after_z():
    assert sorted(SCRAMBLED, key=swedish_key) == SWEDISH_ORDER
    assert sorted(["åsa", "Åsa", "ÅSA"], key=swedish_key) == ["ÅSA", "Åsa", "åsa"]  # case only ties
    assert sorted(["Øst", "Ærø", "Zorn", "Ärla"], key=swedish_key) == ["Zorn", "Ärla", "Ærø", "Øst"]  # æ, ø


@pytest.fixture
def scrambled(org_a):
    return [
        PersonFactory(organisation=org_a, last_name=last, first_name="Kim", email=f"{n}@example.org")
        for n, last in enumerate(SCRAMBLED)
    ]


def test_the_database_sorts_as_python_does(scrambled, org_a):
    rows = list(by_name(User.objects.filter(organisation=org_a)))
    assert [p.last_name for p in rows] == SWEDISH_ORDER
    assert rows == sorted(rows, key=name_key)
    assert [m.last_name for m in members_of((org_a.pk,), by_name=True)] == SWEDISH_ORDER  # the report


def positions(html: str, names: list[str]) -> list[int]:
    return [html.index(name) for name in names]


def test_the_register_lists_names_in_swedish_order(client, scrambled, coordinator_a):
    sign_in(client, coordinator_a)
    html = client.get(reverse("people_person:index")).content.decode()
    found = positions(html, SWEDISH_ORDER)
    assert found == sorted(found)
    html = client.get(reverse("people_person:index"), {"ordering": "-last_name"}).content.decode()
    found = positions(html, SWEDISH_ORDER)
    assert found == sorted(found, reverse=True)


def test_the_board_lists_names_in_swedish_order_on_every_sort(client, scrambled, coordinator_a, org_a):
    ShiftRole.objects.create(organisation=org_a, name="Telefonjour")
    sign_in(client, coordinator_a)
    for query, reverse_order in (({}, False), ({"sort": "name"}, False), ({"sort": "-name"}, True)):
        html = client.get(reverse("certifications_board"), query).content.decode()
        found = positions(html, SWEDISH_ORDER)
        assert found == sorted(found, reverse=reverse_order), query


def test_the_run_lists_names_in_swedish_order(client, scrambled, coordinator_a, org_a):
    run = make_run(make_course(org_a), datetime.date(2026, 3, 5))
    enrol(run, scrambled)
    sign_in(client, coordinator_a)
    response = client.get(reverse("courses_run_overview", args=[run.pk]))
    assert [row.progress.enrolment.person.last_name for row in response.context["rows"]] == SWEDISH_ORDER
    session = run.sessions.order_by("starts_at").first()
    assert [person.last_name for person, _e, _m in register_people(session)] == SWEDISH_ORDER


def test_a_listing_sorted_by_the_persons_name_is_in_swedish_order(client, scrambled, coordinator_a, org_a):
    qtype = QualificationType.objects.create(organisation=org_a, name="Grundutbildning")
    for person in scrambled:
        Qualification.objects.create(person=person, type=qtype, issued_on=datetime.date(2026, 1, 1))
    sign_in(client, coordinator_a)
    url = reverse("certifications_qualification:index")
    for ordering, descending in (("person__last_name", False), ("-person__last_name", True)):
        html = client.get(url, {"ordering": ordering}).content.decode()
        found = positions(html, SWEDISH_ORDER)
        assert found == sorted(found, reverse=descending), ordering
