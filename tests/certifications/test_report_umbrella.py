"""The umbrella administrator's report of every organisation (issue 16): an overview, one row per
organisation, and the summed report with the external suppression applied after summing; a
coordinator asking for it gets her own organisation's, never the others'."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from certifications.models import FrozenReport
from tests.auth import sign_in
from tests.certifications.conftest import train
from tests.conftest import STOCKHOLM
from tests.factories import PersonFactory

D = datetime.date


@pytest.fixture
def two_organisations(org_a, org_b, clock):
    clock.move_to(datetime.datetime(2026, 11, 26, 10, 0, tzinfo=STOCKHOLM))
    for organisation in (org_a, org_b):
        staff = [
            PersonFactory(
                organisation=organisation, joined_on=D(2024, 1, 1), group_volunteer=False, group_staff=True
            )
            for _ in range(3)
        ]
        train(organisation, staff, "2026-04-01", "6", title="Hot och våld", provider="Roks")


def test_the_umbrella_administrator_sees_every_organisation_summed(
    client, superuser, two_organisations, org_a
):
    sign_in(client, superuser)
    url = reverse("certifications_report") + "?organisation=all"
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Kvinnojouren A" in text and org_a.name in text
    assert "Tjejjouren B" in text  # the picker names the other organisation too
    assert [row["shift_workers"] for row in page.context["overview"]] == [3, 3]
    assert page.context["report"]["training_hours"]["staff"] == 36
    assert "Frys" not in text and 'value="freeze"' not in text  # a frozen report is one organisation's
    external = client.post(url, {"year": 2026, "version": "external", "action": "json"})
    report = json.loads(b"".join(external.streaming_content) if external.streaming else external.content)
    assert report["organisation"] == "all" and report["training_hours"]["staff"] == 36
    pdf = client.post(url, {"year": 2026, "version": "external", "action": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    refused = client.post(url, {"year": 2026, "version": "internal", "action": "freeze"})
    assert refused.status_code in (302, 403)
    assert not FrozenReport.objects.exists()  # refused, not frozen (both answer with a redirect)


def test_a_coordinator_asking_for_all_gets_her_own(client, coordinator_a, two_organisations):
    sign_in(client, coordinator_a)
    page = client.get(reverse("certifications_report") + "?organisation=all")
    assert page.status_code == 200
    assert page.context["overview"] == [] and page.context["organisations"] == []
    assert page.context["report"]["organisation"] == "jour-a"
    assert (
        page.context["report"]["training_hours"]["staff"] == "<5"
        or page.context["report"]["training_hours"]["staff"] == 18
    )


def test_the_command_gives_the_summed_report(two_organisations):
    out = io.StringIO()
    call_command("competence_report", "--organisation", "all", "--year", "2026", "--external", stdout=out)
    report = json.loads(out.getvalue())
    assert report["organisation"] == "all"
    assert report["trained"]["staff"] == 6 and report["training_hours"]["staff"] == 36


def test_all_organisations_when_there_are_none(client, superuser):
    from django.core.management.base import CommandError

    sign_in(client, superuser)
    # Not a bare 404: a page that says what to do (people/views.py NeedsOrganisationMixin).
    response = client.get(reverse("certifications_report") + "?organisation=all")
    assert response.status_code == 200
    assert "Det finns ingen förening ännu" in response.content.decode()
    with pytest.raises(CommandError, match="no organisation"):
        call_command("competence_report", "--organisation", "all", "--year", "2026", stdout=io.StringIO())
