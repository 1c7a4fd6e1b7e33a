"""The admin screens before there is an organisation to work on (people/views.py
``NeedsOrganisationMixin``): every one of our admin screens without an id in its URL is walked
(from the resolver, as tests/security/test_url_access.py walks them) as the umbrella
administrator when no organisation exists, as the umbrella administrator without an
organisation of her own when some exist, and as a coordinator and a board member who belong to
none. None answers a bare 404 or a server error: a screen of one organisation's records says
what is missing and what to do, in Swedish, on an admin page."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from certifications.models import QualificationType
from people.models import Organisation, Person
from people.permissions import BOARD_GROUP, COORDINATORS_GROUP
from tests.auth import sign_in
from tests.factories import PersonFactory, make_course, make_run
from tests.security.test_url_access import (
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    ROUTE_PARAMETER,
    all_routes,
    body_of,
    build_path,
    is_project,
    project_namespaces,
    request,
)

#: The screens of one organisation's records: without an organisation to work on, each shows
#: the page saying what to do (an add screen needs one to add to). Found by the walk below; a
#: new screen that needs an organisation joins the list.
NEEDS_ORGANISATION = {
    "people_person:add",
    "people_import",
    "courses_run:add",
    "courses_organisation_calendar",
    "certifications_qualification:add",
    "certifications_training:add",
    "certifications_type:add",
    "certifications_role:add",
    "certifications_board",
    "certifications_report",
    "quality_action:add",
    "quality_theme:add",
    "quality_planitem:add",
    "quality_question:add",
    "quality_plan",
    "quality_review",
    "quality_evaluations:results",
}
#: Wagtail's admin API answers 404 to these for everyone: they need an id in the query string.
WAGTAIL_API_FIND = {"wagtailadmin_api:documents:find", "wagtailadmin_api:images:find"}

NO_ORGANISATION_YET = "Det finns ingen förening ännu."
ADD_ONE = "Lägg till en under Föreningar"
NOT_IN_ONE = "Ditt konto hör inte till någon förening ännu."
ASK = "Be paraplyorganisationens administratör att lägga till dig i er förening."


def screens() -> dict[str, str]:
    """Our admin screens without an id in the URL, by URL name: their paths."""
    routes = all_routes()  # first: loading the URLs registers the admin viewsets
    namespaces = project_namespaces()
    paths = {}
    for route in routes:
        if not (is_project(route, namespaces) and route.in_admin) or route.key in WAGTAIL_API_FIND:
            continue
        if ROUTE_PARAMETER.search(route.text) or "(?P" in route.text:
            continue
        if path := build_path(route, {}):
            paths[route.key] = path
    return paths


def walk(client: Client, method: str = "get") -> dict[str, tuple[str, str]]:
    """Each screen's outcome and page."""
    walked = {}
    for name, path in screens().items():
        outcome, response = request(client, method, path)
        body = body_of(response)
        walked[name] = (outcome, body)
    return walked


def signed_in(user) -> Client:
    return sign_in(Client(), user)


@pytest.mark.django_db
class TestScreensWithoutAnOrganisation:
    def check_missing(self, walked, *expected: str, absent: tuple[str, ...] = ()) -> None:
        """No bare 404 or server error anywhere; the screens that need an organisation (those
        and only those) say what to do, on an admin page."""
        assert not {name: o for name, (o, _b) in walked.items() if o == NOT_FOUND or o.startswith("500")}
        saying = {name for name, (o, body) in walked.items() if o == OK and 'class="help-block' in body}
        saying &= {name for name, (_o, body) in walked.items() if all(t in body for t in expected)}
        assert saying == NEEDS_ORGANISATION
        for name in NEEDS_ORGANISATION:
            body = walked[name][1]
            assert "data-w-breadcrumbs" in body and "<h1" in body, name  # a Wagtail admin page
            assert not any(text in body for text in absent), name

    def test_the_umbrella_administrator_before_any_organisation_exists(self, superuser):
        client = signed_in(superuser)
        walked = walk(client)
        self.check_missing(walked, NO_ORGANISATION_YET, ADD_ONE, reverse("people_organisation:add"))
        # What she posts to them is not done either: the same page, nothing written.
        posted = {name: request(client, "post", screens()[name]) for name in NEEDS_ORGANISATION}
        answered = {name: (o, body_of(r)) for name, (o, r) in posted.items() if o != NOT_ALLOWED}
        assert {
            name for name, (o, body) in answered.items() if o != OK or NO_ORGANISATION_YET not in body
        } == set()
        assert len(answered) > 10  # the board, the plan and the results only show (405)
        assert not Person.objects.exclude(pk=superuser.pk).exists() and not QualificationType.objects.exists()
        # The umbrella report of every organisation: none yet, the same page.
        outcome, response = request(client, "get", reverse("certifications_report") + "?organisation=all")
        assert outcome == OK and NO_ORGANISATION_YET in response.content.decode()

    @pytest.mark.parametrize("role", [COORDINATORS_GROUP, BOARD_GROUP])
    def test_a_coordinator_or_board_member_without_an_organisation(self, org_a, org_b, role):
        run = make_run(
            make_course(org_a, title="Cirkel A", units=1), datetime.date(2026, 11, 2), title="Omgång A"
        )
        user = PersonFactory(email="ingen@example.org", organisation=None, group_staff=True, roles=[role])
        client = signed_in(user)
        walked = walk(client)
        needs = {n for n in NEEDS_ORGANISATION if walked[n][0] == OK}  # the board adds less
        saying = {n for n, (o, body) in walked.items() if o == OK and NOT_IN_ONE in body and ASK in body}
        assert saying == needs and "certifications_board" in needs
        assert not {n: o for n, (o, _b) in walked.items() if o == NOT_FOUND or o.startswith("500")}
        assert not any("Lägg till en förening" in walked[n][1] for n in needs)  # she may not
        if role == COORDINATORS_GROUP:
            assert needs == NEEDS_ORGANISATION
            posted = request(client, "post", reverse("certifications_type:add"), {"name": "Grund"})
            assert NOT_IN_ONE in posted[1].content.decode() and not QualificationType.objects.exists()
            created = request(client, "post", reverse("people_person:add"), {"email": "ny@example.org"})
            assert NOT_IN_ONE in created[1].content.decode()
            assert not Person.objects.filter(email="ny@example.org").exists()
        # An organisation's ids stay not found, and its name never shows.
        for name in ("courses_run_overview", "courses_run_calendar"):
            outcome, _response = request(client, "get", reverse(name, args=[run.pk]))
            assert outcome == NOT_FOUND, name
        assert not any("Kvinnojouren A" in body or "Tjejjouren B" in body for _o, body in walked.values())

    def test_the_umbrella_administrator_chooses_among_the_organisations(self, superuser, org_a, org_b):
        client = signed_in(superuser)
        walked = walk(client)
        assert not {n: o for n, (o, _b) in walked.items() if o == NOT_FOUND or o.startswith("500")}
        assert not any(NO_ORGANISATION_YET in body for _o, body in walked.values())
        # The organisation calendar: the first by name, or the one she chose; another id: 404.
        calendar = reverse("courses_organisation_calendar")
        first = client.get(calendar).content.decode()
        assert "Alla träffar i alla omgångar i Kvinnojouren A" in first
        assert f'<option value="{org_b.pk}">Tjejjouren B</option>' in first
        chosen = client.get(calendar, {"organisation": org_b.pk}).content.decode()
        assert "Alla träffar i alla omgångar i Tjejjouren B" in chosen
        assert client.get(calendar, {"organisation": 999999}).status_code == 404
        assert client.get(reverse("certifications_board"), {"organisation": "x"}).status_code == 404
        # Her link is the chosen organisation's, and resetting it keeps to that one.
        before = superuser.jour_feed_tokens.get(organisation=org_b).token_hash
        reset = client.post(calendar + f"?organisation={org_b.pk}").content.decode()
        assert "Alla träffar i alla omgångar i Tjejjouren B" in reset
        assert superuser.jour_feed_tokens.get(organisation=org_b).token_hash != before
        assert superuser.jour_feed_tokens.filter(organisation=org_a).count() == 1  # A's untouched

    def test_the_normal_state_is_unchanged(self, coordinator_a, org_a, org_b):
        walked = walk(signed_in(coordinator_a))
        assert not {n: o for n, (o, _b) in walked.items() if o == NOT_FOUND or o.startswith("500")}
        assert not any(NOT_IN_ONE in body or NO_ORGANISATION_YET in body for _o, body in walked.values())
        assert all(walked[name][0] == OK for name in NEEDS_ORGANISATION)
        calendar = walked["courses_organisation_calendar"][1]
        assert "Kvinnojouren A" in calendar and "<select" not in calendar  # hers; no choice
        # Another organisation's id in the query string changes nothing for her.
        other = signed_in(coordinator_a).get(
            reverse("courses_organisation_calendar"), {"organisation": org_b.pk}
        )
        assert "Kvinnojouren A" in other.content.decode() and "Tjejjouren B" not in other.content.decode()
        assert Organisation.objects.count() == 2
