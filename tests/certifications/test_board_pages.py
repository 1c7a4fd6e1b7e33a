"""The board's pages (issue 21, the cold path): the engine decides only the page's people, unless
the cleared filter or the ordering by clearance needs everyone; either way every page holds
exactly the rows of the whole board, decided alike, in the same order."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from certifications import board
from certifications.board import SORTS, BoardFilters, board_page, clearance_board
from tests.auth import sign_in
from tests.certifications.conftest import qualify, train
from tests.factories import PersonFactory


@pytest.fixture
def crowd(org_a, catalogue):
    """34 people (with the coordinator 35, ×2 roles: 70 rows, two pages), some cleared for one
    role or both, some in the staff group; twins (the same name, only their ids tell them
    apart), one with a protected identity, one whose account is deactivated (still a member
    until she leaves, so on the board); one has left and is not on the board."""
    today = timezone.localdate()
    for n in range(30):
        person = PersonFactory(
            email=f"p{n:02d}@example.org",
            first_name=f"Namn{n % 7}",
            last_name=f"Efternamn{(n * 11) % 13}",
            organisation=org_a,
            group_staff=n % 4 == 0,
        )
        if n % 2:
            qualify(person, catalogue["basic"], "2024-01-01")
        if n % 3 == 0:
            qualify(person, catalogue["pledge"], (today - datetime.timedelta(days=30)).isoformat())
            train(org_a, [person], today.isoformat(), "6")
    PersonFactory(email="gone@example.org", organisation=org_a, left_on=today - datetime.timedelta(days=1))
    for email in ("tvilling.b@example.org", "tvilling.a@example.org"):
        twin = PersonFactory(email=email, first_name="Namn3", last_name="Efternamn5", organisation=org_a)
        qualify(twin, catalogue["basic"], "2024-01-01")
    PersonFactory(
        email="skyddad@example.org", last_name="Skyddad", organisation=org_a, protected_identity=True
    )
    PersonFactory(email="inaktiv@example.org", last_name="Inaktiv", organisation=org_a, is_active=False)


def all_pages(organisation, day, filters, sort):
    first = board_page(organisation, day, filters, sort, "1")
    rows = []
    for number in first.page.paginator.page_range:
        found = board_page(organisation, day, filters, sort, str(number))
        assert found.total == first.total and found.cleared == first.cleared
        rows += found.page.object_list
    return first, rows


@pytest.mark.parametrize("sort", ["", *SORTS, *(f"-{name}" for name in SORTS)])
@pytest.mark.parametrize(
    "filters",
    [{}, {"group": "staff"}, {"search": "namn3"}, {"cleared": True}, {"cleared": False}, {"role": "chat"}],
)
def test_every_page_holds_the_whole_boards_rows_in_order(org_a, catalogue, crowd, sort, filters):
    if "role" in filters:
        filters = {**filters, "role": catalogue[filters["role"]]}
    filters = BoardFilters(**filters)
    day = timezone.localdate()
    everyone = clearance_board(org_a, day, filters)
    key = SORTS.get(sort.removeprefix("-"))
    if key is not None:
        everyone = sorted(everyone, key=key, reverse=sort.startswith("-"))
    first, rows = all_pages(org_a, day, filters, sort)
    assert first.total == len(everyone) == len(rows)
    assert [(r.person.pk, r.role.pk, r.cleared, r.reasons, r.warnings) for r in rows] == [
        (r.person.pk, r.role.pk, r.cleared, r.reasons, r.warnings) for r in everyone
    ]
    everyone_decided = filters.cleared is not None or sort.endswith("cleared")
    assert first.cleared == (sum(r.cleared for r in everyone) if everyone_decided else None)


def test_the_engine_decides_only_the_pages_people(org_a, catalogue, crowd, monkeypatch):
    asked = []
    engine = board.clearance

    def counting(organisation, on, roles=None, people=None):
        asked.append(None if people is None else len(list(people)))
        return engine(organisation, on, roles=roles, people=people)

    monkeypatch.setattr(board, "clearance", counting)
    day = timezone.localdate()
    found = board_page(org_a, day, BoardFilters(), "-name", "2")
    assert len(found.page.object_list) == found.total - 50 and asked == [len(found.page.object_list) // 2]
    asked.clear()
    board_page(org_a, day, BoardFilters(), "cleared", "2")
    assert asked == [None]  # ordered by clearance: everyone


def test_the_summary_counts_the_cleared_when_everyone_is_decided(client, coordinator_a, catalogue, crowd):
    sign_in(client, coordinator_a)
    url = reverse("certifications_board")
    chat = catalogue["chat"].pk
    response = client.get(url, {"role": chat})
    html = response.content.decode()
    assert (
        response.context["total"] == 35 and response.context["cleared_count"] is None
    )  # and the coordinator
    assert (
        "behöriga." not in html and f'href="?role={chat}&amp;sort=-cleared">' in html
    )  # a link to count them
    assert "17 av 35 behöriga." in client.get(url, {"role": chat, "sort": "-cleared"}).content.decode()
    assert "0 av 48 behöriga." in client.get(url, {"cleared": "no"}).content.decode()
    # From a page sorted otherwise, and a later page: the link sorts by clearance alone, from
    # the first page; the downloads keep the filters but not the page.
    sorted_html = client.get(url, {"role": chat, "sort": "name", "page": "2"}).content.decode()
    assert f'href="?role={chat}&amp;sort=-cleared">' in sorted_html
    assert f'href="?role={chat}&amp;sort=name&amp;export=csv"' in sorted_html
    # Nobody to count: no link.
    empty = client.get(url, {"q": "nobody-has-this-name"})
    assert empty.context["total"] == 0 and "sort=-cleared" not in empty.content.decode()


def test_a_page_of_the_board_in_html(client, coordinator_a, catalogue, crowd):
    sign_in(client, coordinator_a)
    response = client.get(reverse("certifications_board"), {"sort": "-name", "page": "2"})
    html = response.content.decode()
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert body.count("<tr>") == response.context["total"] - 50 == 20
    assert '<th class="orderable desc" aria-sort="descending">' in html
    assert '<a href="?sort=name">Namn</a>' in html  # the other way round, from the first page
    assert '<li class="active"><a href="?sort=-name&amp;page=2" aria-current="page">2</a></li>' in html
    assert '<li class="previous"><a href="?sort=-name&amp;page=1">' in html
