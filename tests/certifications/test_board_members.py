"""Issue 18: the clearance board lists only the members on its date: not those who have left,
nor those who have not yet joined; on an earlier date, those who were members then."""

import datetime

from django.urls import reverse

from certifications.board import BoardFilters, clearance_board
from tests.auth import sign_in
from tests.factories import PersonFactory


def test_only_members_on_the_day_are_on_the_board(client, coordinator_a, org_a, catalogue):
    stays = PersonFactory(organisation=org_a, first_name="Stina", last_name="Kvar")
    left = PersonFactory(
        organisation=org_a, first_name="Lena", last_name="Slutat", left_on=datetime.date(2026, 6, 30)
    )
    coming = PersonFactory(
        organisation=org_a, first_name="Nora", last_name="Ny", joined_on=datetime.date(2026, 12, 1)
    )
    today = datetime.date(2026, 11, 25)
    names = {r.person.pk for r in clearance_board(org_a, today, BoardFilters())}
    assert stays.pk in names and left.pk not in names and coming.pk not in names
    in_june = {r.person.pk for r in clearance_board(org_a, datetime.date(2026, 6, 30), BoardFilters())}
    assert left.pk in in_june and coming.pk not in in_june  # her last day she was a member
    in_december = {r.person.pk for r in clearance_board(org_a, datetime.date(2026, 12, 1), BoardFilters())}
    assert coming.pk in in_december

    sign_in(client, coordinator_a)
    html = client.get(reverse("certifications_board")).content.decode()
    assert "Stina Kvar" in html and "Lena Slutat" not in html and "Nora Ny" not in html
    sheet = client.get(reverse("certifications_board"), {"export": "csv"}).content.decode()
    assert "Lena Slutat" not in sheet
