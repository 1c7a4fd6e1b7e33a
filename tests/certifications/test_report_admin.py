"""The report screen: figures, versions, an edited narrative in the files, frozen copies that
download byte for byte the same after the records change."""

import datetime
import io
import json

import openpyxl
import pytest
from django.urls import reverse

from certifications.models import FrozenReport
from tests.auth import sign_in
from tests.certifications.conftest import train
from tests.factories import PersonFactory


@pytest.fixture
def people(org_a):
    return PersonFactory.create_batch(6, organisation=org_a)


def test_board_sees_the_report_and_downloads_the_external_xlsx(client, board_a, people, org_a):
    train(org_a, people[:2], "2026-03-01", "3", title="Barnkonferens", provider="Roks")
    sign_in(client, board_a)
    page = client.get(reverse("certifications_report"))
    assert page.status_code == 200
    assert page.context["report"]["total_active"] == 7
    response = client.post(
        reverse("certifications_report"),
        {
            "year": "2026",
            "version": "external",
            "narrative": "Vår egen text.",
            "narrative_for": "2026-01-01|2026-12-31|external",
            "action": "xlsx",
        },
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('external.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    ce = list(book.worksheets[2].iter_rows(values_only=True))
    assert ce[1][1] == "Barnkonferens" and ce[1][4] == "<5"
    narrative = list(book.worksheets[-1].iter_rows(values_only=True))
    assert narrative[1][0] == "Vår egen text."


def test_frozen_report_downloads_byte_identical_after_records_change(client, board_a, people, org_a):
    sign_in(client, board_a)
    response = client.post(
        reverse("certifications_report"), {"year": "2026", "version": "internal", "action": "freeze"}
    )
    assert response.status_code == 302
    frozen = FrozenReport.objects.get()
    assert frozen.frozen_by == board_a and not frozen.external
    files = {
        fmt: client.get(reverse("certifications_frozen_report", args=[frozen.pk, fmt])).content
        for fmt in FrozenReport.FILES
    }
    assert json.loads(files["json"])["total_active"] == 7
    # The records change…
    train(org_a, people, "2026-05-05", "8", title="Ny kurs", provider="ABF")
    PersonFactory.create_batch(3, organisation=org_a)
    fresh = client.post(
        reverse("certifications_report"), {"year": "2026", "version": "internal", "action": "json"}
    )
    assert json.loads(fresh.content)["total_active"] == 10
    # …and the frozen files are exactly as they were.
    for fmt, content in files.items():
        assert client.get(reverse("certifications_frozen_report", args=[frozen.pk, fmt])).content == content
    listing = client.get(reverse("certifications_report")).content.decode()
    assert reverse("certifications_frozen_report", args=[frozen.pk, "xlsx"]) in listing


def test_report_screen_is_scoped(client, board_a, coordinator_b, volunteer_a, org_a):
    sign_in(client, board_a)
    client.post(reverse("certifications_report"), {"year": "2026", "version": "internal", "action": "freeze"})
    frozen = FrozenReport.objects.get()
    sign_in(client, coordinator_b)
    assert client.get(reverse("certifications_frozen_report", args=[frozen.pk, "json"])).status_code == 404
    assert client.get(reverse("certifications_report")).context["report"]["organisation"] == "jour-b"
    sign_in(client, volunteer_a)
    assert client.get(reverse("certifications_report")).status_code == 302


def test_bad_period_is_a_form_error(client, board_a):
    sign_in(client, board_a)
    response = client.post(
        reverse("certifications_report"),
        {"start": "2026-05-01", "end": "2026-04-01", "version": "internal", "action": "show"},
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not FrozenReport.objects.exists()


@pytest.mark.parametrize(
    "period",
    [{"year": "2027"}, {"start": "2026-11-28", "end": "2026-12-31"}],
)
def test_a_period_that_has_not_begun_is_a_form_error(client, board_a, clock, period):
    """A report tells what has happened: on 27 November 2026 next year, or tomorrow on, is not one."""
    from tests.conftest import STOCKHOLM

    # Half past midnight: the 27th in Stockholm, still the 26th in UTC.
    clock.move_to(datetime.datetime(2026, 11, 27, 0, 30, tzinfo=STOCKHOLM))
    sign_in(client, board_a)
    response = client.post(
        reverse("certifications_report"), {**period, "version": "internal", "action": "json"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "har inte börjat" in str(errors)
    assert not FrozenReport.objects.exists()
    today = client.post(
        reverse("certifications_report"),
        {"start": "2026-11-27", "end": "2026-12-31", "version": "internal", "action": "json"},
    )
    assert json.loads(today.content)["as_of"] == "2026-11-27"


def test_a_narrative_written_for_the_internal_version_never_reaches_the_external(client, board_a, org_a):
    sign_in(client, board_a)
    response = client.post(
        reverse("certifications_report"),
        {
            "year": "2026",
            "version": "external",
            "narrative": "Internt: 3 personer gick klart.",
            "narrative_for": "2026-01-01|2026-12-31|internal",
            "action": "json",
        },
    )
    assert json.loads(response.content)["narrative"] != "Internt: 3 personer gick klart."
