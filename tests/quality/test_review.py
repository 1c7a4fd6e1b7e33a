"""The annual quality review (årlig uppföljning): the plan against what was done, the
evaluations, the actions and the competence report for a year, on a screen, as PDF and JSON, by a
command, and frozen byte for byte (issue 17)."""

from __future__ import annotations

import datetime
import json
import subprocess
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from certifications.models import TrainingRecord
from courses.models import Theme
from quality.models import Action, ActionStatus, FrozenReview, PlanItem
from quality.review import actions_of_year, quality_review, render_review
from tests.auth import sign_in
from tests.certifications.test_report_pdf import needs_poppler, pdf_pages
from tests.conftest import STOCKHOLM
from tests.factories import PersonFactory

D = datetime.date


@pytest.fixture
def today(clock):
    # New Year's Eve, half past eleven at night: still the 31st in Stockholm and in UTC.
    clock.move_to(datetime.datetime(2026, 12, 31, 23, 30, tzinfo=STOCKHOLM))
    return D(2026, 12, 31)


def action(organisation, title, due_on, status=ActionStatus.OPEN, recorded=None, **fields) -> Action:
    defaults = {"source": "deviation", "action": "Skriva en rutin."}
    item = Action.objects.create(
        organisation=organisation, title=title, due_on=due_on, status=status, **{**defaults, **fields}
    )
    if recorded:
        Action.objects.filter(pk=item.pk).update(
            created_at=datetime.datetime.combine(recorded, datetime.time(12), tzinfo=STOCKHOLM)
        )
        item.refresh_from_db()
    return item


@pytest.fixture
def year_of_work(org_a, today):
    """A plan of two lines (one done), a record without a plan, four actions of which three were
    open during 2026; the responsible of one is a protected person."""
    people = PersonFactory.create_batch(6, organisation=org_a)
    protected = PersonFactory(
        organisation=org_a, first_name="Hemlig", last_name="Person", protected_identity=True
    )
    coordinator = PersonFactory(organisation=org_a, first_name="Karin", last_name="Holm")
    themes = {t.name: t for t in Theme.objects.filter(organisation=org_a)}
    PlanItem.objects.create(
        organisation=org_a, year=2026, theme=themes["Ledarskap"], period="q2", group_board=True
    )
    PlanItem.objects.create(
        organisation=org_a,
        year=2026,
        theme=themes["Barn som upplever våld"],
        period="m03",
        group_volunteer=True,
        note="Barnkonferensen.",
    )
    record = TrainingRecord.objects.create(
        organisation=org_a,
        title="Barnkonferens",
        date=D(2026, 3, 20),
        hours=Decimal(6),
        theme=themes["Barn som upplever våld"],
    )
    record.attendees.set(people)
    other = TrainingRecord.objects.create(
        organisation=org_a, title="Brottsoffers rättigheter", date=D(2026, 9, 1), hours=Decimal(4)
    )
    other.attendees.set(people[:2])
    action(
        org_a,
        "Rutin för överlämning",
        D(2026, 10, 1),
        ActionStatus.CLOSED,
        recorded=D(2026, 9, 5),
        closed_on=D(2026, 10, 20),
        follow_up="Rutinen är genomgången.",
        responsible=coordinator,
    )
    action(
        org_a,
        "Förnya tystnadslöften",
        D(2026, 12, 1),
        ActionStatus.IN_PROGRESS,
        recorded=D(2026, 11, 1),
        source="pledge",
        responsible=protected,
    )
    action(org_a, "Från i fjol, öppen", D(2026, 2, 1), recorded=D(2025, 11, 1), source="member_meeting")
    action(
        org_a,
        "Stängd i fjol",
        D(2025, 6, 1),
        ActionStatus.CLOSED,
        recorded=D(2025, 5, 1),
        closed_on=D(2025, 6, 1),
        follow_up="Klart.",
    )
    return {"people": people, "protected": protected, "coordinator": coordinator}


def test_the_reviews_json_has_the_plan_evaluations_actions_and_report(org_a, year_of_work):
    review = quality_review(org_a, 2026)
    assert {"plan", "evaluations", "actions", "report"} <= set(review)
    assert [(line["theme"], line["groups"], line["planned"], line["state"]) for line in review["plan"]] == [
        ("Barn som upplever våld", ["volunteer"], "mars", "done"),
        ("Ledarskap", ["board"], "april–juni", "late"),
    ]
    assert review["plan"][0]["done"] == [
        {
            "title": "Barnkonferens",
            "kind": "record",
            "date": "2026-03-20",
            "last_date": "2026-03-20",
            "hours": 6.0,
            "participants": 6,
        }
    ]
    assert [item["title"] for item in review["unplanned"]] == ["Brottsoffers rättigheter"]
    assert review["unplanned"][0]["participants"] == "<5"  # the external version
    # The actions open at some time in 2026: not the one closed in 2025.
    assert [(a["title"], a["status"], a["due"], a["closed_on"]) for a in review["actions"]] == [
        ("Från i fjol, öppen", "open", "2026-02-01", None),
        ("Rutin för överlämning", "closed", "2026-10-01", "2026-10-20"),
        ("Förnya tystnadslöften", "in_progress", "2026-12-01", None),
    ]
    assert {a["responsible"] for a in review["actions"]} == {None}  # the external names no one
    assert review["actions_counts"] == {"open": 2, "overdue": 2, "closed": 1}
    assert review["report"]["period"]["start"] == "2026-01-01"
    assert review["report"] == json.loads(json.dumps(review["report"]))  # JSON through and through


def test_the_internal_version_names_the_responsible_a_protected_one_by_pseudonym(org_a, year_of_work):
    review = quality_review(org_a, 2026, external=False)
    responsible = {a["title"]: a["responsible"] for a in review["actions"]}
    assert responsible["Rutin för överlämning"] == "Karin Holm"
    assert responsible["Förnya tystnadslöften"].startswith("Skyddad identitet")
    assert "Hemlig" not in json.dumps(review, ensure_ascii=False)
    assert review["unplanned"][0]["participants"] == 2


def test_actions_of_a_year_are_those_open_during_it(org_a, today):
    action(org_a, "Nästa år", D(2027, 2, 1), recorded=D(2027, 1, 2))  # recorded after the year
    kept = action(org_a, "I år", D(2026, 5, 1), recorded=D(2026, 1, 1))
    assert actions_of_year(org_a, 2026) == [kept]


def test_the_pdf_reads_as_the_review(org_a, year_of_work, tmp_path):
    needs_poppler()
    review = quality_review(org_a, 2026, summary="Året visade att planen höll.\n\nNästa år: ledarskap.")
    pdf = render_review(review, org_a, "pdf")
    pages = pdf_pages(pdf, tmp_path)
    # Read in pdftotext's reading order (a cell's lines one after the other), whitespace as one.
    (tmp_path / "review.pdf").write_bytes(pdf)
    raw = subprocess.run(["pdftotext", str(tmp_path / "review.pdf"), "-"], capture_output=True, check=True)
    text = " ".join(raw.stdout.decode().split())
    assert "Årlig uppföljning 2026" in text and "Kvinnojouren A" in text
    assert "Året visade att planen höll." in text
    assert "Barnkonferens, 2026-03-20: 6 deltagare, 6 tim" in text
    assert "Inte genomfört i tid" in text
    assert "Rutin för överlämning" in text and "Rutinen är genomgången." in text
    assert "Kompetensredovisningen" in text
    assert f"Sida 1 av {len(pages)}" in pages[0]
    assert "Hemlig" not in text


def test_the_review_is_made_the_same_twice(org_a, year_of_work):
    review = quality_review(org_a, 2026)
    assert render_review(review, org_a, "pdf") == render_review(quality_review(org_a, 2026), org_a, "pdf")


def test_a_frozen_review_downloads_byte_for_byte_as_it_was(client, org_a, year_of_work, clock):
    coordinator = PersonFactory(organisation=org_a, roles=["Coordinators"])
    sign_in(client, coordinator)
    asked = {"year": "2026", "version": "external", "summary": "Vi nådde det mesta.", "action": "freeze"}
    response = client.post(reverse("quality_review"), asked)
    assert response.status_code == 302
    frozen = FrozenReview.objects.get()
    assert (frozen.year, frozen.external, frozen.summary, frozen.frozen_by) == (
        2026,
        True,
        "Vi nådde det mesta.",
        coordinator,
    )
    pdf, data = bytes(frozen.pdf_file), bytes(frozen.json_file)
    assert json.loads(data) == frozen.data and frozen.data["summary"] == "Vi nådde det mesta."
    # The next year, the plan and the actions change: the frozen copy does not.
    clock.move_to(datetime.datetime(2027, 3, 1, 10, tzinfo=STOCKHOLM))
    action(org_a, "Ny iakttagelse", D(2026, 12, 10), recorded=D(2026, 12, 1))
    PlanItem.objects.update(note="Ändrad i efterhand.")
    sign_in(client, coordinator)  # months later: a new login
    for fmt, stored in (("pdf", pdf), ("json", data)):
        download = client.get(reverse("quality_frozen_review", args=[frozen.pk, fmt]))
        assert download.status_code == 200
        assert b"".join(download.streaming_content if download.streaming else [download.content]) == stored
        assert download["Content-Disposition"].endswith(f'-fryst-{frozen.pk}.{fmt}"')
    fresh = render_review(quality_review(org_a, 2026, summary="Vi nådde det mesta."), org_a, "json")
    assert fresh != data and b"Ny iakttagelse" in fresh and b"Ny iakttagelse" not in data


def test_the_review_screen_is_the_organisations_own(client, org_a, org_b, year_of_work):
    coordinator_b = PersonFactory(organisation=org_b, roles=["Coordinators"])
    board_a = PersonFactory(organisation=org_a, roles=["Board"])
    sign_in(client, board_a)
    page = client.get(reverse("quality_review")).content.decode()
    assert "Rutin för överlämning" in page and "Barnkonferens" in page
    download = client.post(
        reverse("quality_review"), {"year": "2026", "version": "internal", "action": "pdf"}
    )
    assert download["Content-Type"] == "application/pdf"
    client.post(reverse("quality_review"), {"year": "2026", "version": "internal", "action": "freeze"})
    frozen = FrozenReview.objects.get()
    client.logout()
    sign_in(client, coordinator_b)
    page = client.get(reverse("quality_review")).content.decode()
    assert "Rutin för överlämning" not in page and "Barnkonferens" not in page
    assert client.get(reverse("quality_frozen_review", args=[frozen.pk, "pdf"])).status_code == 404
    refused = client.post(reverse("quality_review"), {"year": "2027", "version": "external", "action": "pdf"})
    assert refused["Content-Type"].startswith("text/html")
    assert "Året har inte börjat" in refused.content.decode()


def test_the_command_writes_the_review(org_a, year_of_work, tmp_path, capsys):
    call_command("quality_review", "--organisation", org_a.slug, "--year", "2026", "--format", "json")
    review = json.loads(capsys.readouterr().out)
    assert {"plan", "evaluations", "actions", "report"} <= set(review)
    assert set(review["plan"][0]) >= {"theme", "groups", "planned", "done"}
    assert set(review["actions"][0]) >= {"title", "source", "responsible", "due", "status", "closed_on"}
    assert review["external"] is True
    output = tmp_path / "review.pdf"
    call_command(
        "quality_review",
        "--organisation",
        org_a.slug,
        "--year",
        "2026",
        "--format",
        "pdf",
        "--internal",
        "--output",
        str(output),
    )
    assert output.read_bytes().startswith(b"%PDF")
    for arguments, message in [
        (["--organisation", "nowhere", "--year", "2026"], "no organisation with the short name 'nowhere'"),
        (["--organisation", org_a.slug, "--year", "2027"], "the year 2027 has not begun"),
        (["--organisation", org_a.slug, "--year", "twenty"], "--year: 'twenty' is not a year"),
        (["--organisation", org_a.slug, "--year", "2026", "--format", "pdf"], "give --output FILE"),
    ]:
        with pytest.raises(CommandError, match=message):
            call_command("quality_review", *arguments)
