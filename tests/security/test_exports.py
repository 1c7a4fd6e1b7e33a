"""Every export the project serves, walked: one path, no formulas, no protected names, audited.

The exports come from the resolver, so a new one cannot be forgotten:

- every URL pattern whose view is a Wagtail listing (``SpreadsheetExportMixin``: ModelViewSet
  indexes, Wagtail's reports) must have a row in ``EXPORTS`` (it serves files) or be in
  ``NO_EXPORT`` (it has no ``list_export``: ``?export=`` answers 404);
- every project URL that answers a download when asked with ``?export=csv`` or ``?export=xlsx``
  (by the coordinator or the umbrella administrator) must have a row in ``EXPORTS``;
- only ``jour_core/exports.py`` writes spreadsheets (no other module of the project imports tablib
  or openpyxl or writes CSV), and no Wagtail listing class replaces the routed ``as_spreadsheet``.

Each row of ``EXPORTS`` is then asked for every format, by the coordinator of organisation A (or,
for Wagtail's own reports, the umbrella administrator), in a world holding two people with
protected identities and cells such as ``=HYPERLINK("http://x","y")``, ``@SUM(1+1)``, ``+1``, ``-1``,
a tab and a CR: the file parses (CSV with the csv module, XLSX with openpyxl, a zip of CSV files),
no cell starts a formula, neither protected person's name, email or phone appears, each has one
pseudonym on as many rows as she should, organisation B's rows are absent, and exactly one audit
line was written with the kind, the format and the number of rows.
"""

from __future__ import annotations

import ast
import csv
import datetime
import io
import json
import os
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.log_actions import log
from wagtail.models import Page

from certifications.models import FrozenReport, Qualification, QualificationType, ShiftRole, TrainingRecord
from certifications.report import competence_report, freeze_report
from jour_core import exports
from people.models import User
from quality.review import freeze_review, quality_review
from tests.factories import PersonFactory
from tests.security.test_url_access import (  # noqa: F401 (world is a fixture)
    PROJECT_APPS,
    World,
    all_routes,
    build_path,
    client_for,
    is_project,
    project_namespaces,
    project_values,
    world,
)

NASTY = ['=HYPERLINK("http://x","y")', "@SUM(1+1)", "+1", "-1", "\tTab", "\rCR"]
PSEUDONYM = re.compile(r"Skyddad identitet (\d+)")
NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
SPREADSHEET_TYPES = ("text/csv", "spreadsheetml", "application/zip")
FIRST_DAY = datetime.date(2025, 3, 6)


@dataclass(frozen=True)
class Export:
    """How to ask one export URL, and what its files hold."""

    role: str  # who asks: "coordinator" (organisation A) or "superuser" (Wagtail's own reports)
    pseudonyms: dict[int, int]  # "Skyddad identitet N" -> how many rows name her, in every format
    ask: str = "get"  # get: ?export=FMT; report: POST action=FMT; frozen: FMT in the path
    formats: tuple[str, ...] = ("csv", "xlsx")
    own_data: bool = False  # the requester's own data: her own name is right there


#: Every URL that serves an export. Numbering: the protected coordinator (the lower id) is 1 and
#: the protected register entry 2 wherever both appear; alone, each is 1.
EXPORTS: dict[str, Export] = {
    # The register: both protected people keep their row, with the pseudonym for names.
    "people_person:index": Export("coordinator", {1: 1, 2: 1}),
    "people_person:index_results": Export("coordinator", {1: 1, 2: 1}),
    # The people import's template: the columns and an example row, nobody's data.
    "people_import_template": Export("coordinator", {}),
    # Qualifications: the coordinator holds one, the register entry two.
    "certifications_qualification:index": Export("coordinator", {1: 1, 2: 2}),
    "certifications_qualification:index_results": Export("coordinator", {1: 1, 2: 2}),
    "certifications_training:index": Export("coordinator", {}),
    "certifications_training:index_results": Export("coordinator", {}),
    # Quality work's actions: the one action's responsible is the protected register entry.
    "quality_action:index": Export("coordinator", {1: 1}),
    "quality_action:index_results": Export("coordinator", {1: 1}),
    # The competence plan's lines and the themes: no person in them.
    "quality_planitem:index": Export("coordinator", {}),
    "quality_planitem:index_results": Export("coordinator", {}),
    "quality_theme:index": Export("coordinator", {}),
    "quality_theme:index_results": Export("coordinator", {}),
    # The attendance matrix: the register entry is enrolled, the coordinator is not.
    "courses_run_overview": Export("coordinator", {1: 1}),
    # The clearance board: everyone × two roles.
    "certifications_board": Export("coordinator", {1: 2, 2: 2}),
    # The competence report and a frozen copy of it: the internal version's hours per person
    # names each active person once, a protected one by her pseudonym.
    "certifications_report": Export("coordinator", {1: 1, 2: 1}, ask="report"),
    "certifications_frozen_report": Export("coordinator", {1: 1, 2: 1}, ask="frozen"),
    # The annual quality review (internal) and a frozen copy, as JSON: no protected person's name
    # or organisation B's rows (its PDF is read for the same in tests/quality/test_review.py).
    "quality_review": Export("coordinator", {}, ask="report", formats=("json",)),
    "quality_frozen_review": Export("coordinator", {}, ask="frozen_review", formats=("json",)),
    # Download my data (JSON): her own data, audited like every export.
    "my_data": Export("coordinator", {}, formats=("json",), own_data=True),
    "my_data_pdf": Export("coordinator", {}, formats=("pdf",), own_data=True),
    # Her data for her coordinator (JSON): the register entry, a protected identity, shown as
    # exports show her.
    "home_person_data": Export("coordinator", {}, formats=("json",)),
    "home_person_data_pdf": Export("coordinator", {}, formats=("pdf",)),
    # A certificate (PDF, read with pdftotext): the volunteer's own, her own name on it; nobody
    # else's (a protected identity's certificate is served to her alone).
    "certifications_certificate_pdf": Export("volunteer", {}, formats=("pdf",), own_data=True),
    # Wagtail's own reports, the umbrella administrator's. The site history: the coordinator
    # edited the register entry (its label and her name on one row) and published the course page.
    "people_site_history": Export("superuser", {1: 2, 2: 1}),
    "people_site_history_results": Export("superuser", {1: 2, 2: 1}),
    "wagtailadmin_reports:locked_pages": Export("superuser", {1: 1}),
    "wagtailadmin_reports:locked_pages_results": Export("superuser", {1: 1}),
    "wagtailadmin_reports:aging_pages": Export("superuser", {1: 1}),
    "wagtailadmin_reports:aging_pages_results": Export("superuser", {1: 1}),
    "wagtailadmin_reports:workflow": Export("superuser", {}),
    "wagtailadmin_reports:workflow_results": Export("superuser", {}),
    "wagtailadmin_reports:workflow_tasks": Export("superuser", {}),
    "wagtailadmin_reports:workflow_tasks_results": Export("superuser", {}),
    "wagtailredirects:index": Export("superuser", {}),
    "wagtailredirects:index_results": Export("superuser", {}),
}

#: Listings without ``list_export``: they offer no file, and ``?export=`` answers 404.
NO_EXPORT = {
    f"{name}{suffix}"
    for name in (
        "people_organisation:index",
        "courses_run:index",
        "certifications_type:index",
        "certifications_role:index",
        "certifications_certificate:index",
        "quality_question:index",
        "wagtailadmin_workflows:index",
        "wagtailadmin_workflows:task_index",
        "wagtailadmin_reports:page_types_usage",
        "wagtaildocs:index",
        "wagtailimages:index",
        "wagtailsites:index",
        "wagtailusers_users:index",
        "wagtailusers_groups:index",
    )
    for suffix in ("", "_results")
} | {"wagtailadmin_collections:index"}

#: Wagtail's pattern that one of ours shadows (see people.views.site_history).
SHADOWED = {"wagtailadmin_reports:site_history", "wagtailadmin_reports:site_history_results"}


# The world ----------------------------------------------------------------------------------------


@dataclass
class ExportWorld:
    base: World
    protected: list[User]  # the coordinator, then the register entry
    frozen_pk: int
    frozen_review_pk: int


@pytest.fixture
def export_world(world) -> ExportWorld:  # noqa: F811
    org_a, coordinator, entry = world.org_a, world.users["coordinator"], world.person
    # Two protected identities in organisation A: the coordinator herself and a register entry.
    User.objects.filter(pk=coordinator.pk).update(
        first_name="Hemlig", last_name="Samordnarsson", phone="08-123 456 78", protected_identity=True
    )
    User.objects.filter(pk=entry.pk).update(phone="070-111 22 33", protected_identity=True)
    coordinator.refresh_from_db()
    entry.refresh_from_db()
    # Someone whose name is a formula, and cells like it wherever people type.
    PersonFactory(
        organisation=org_a, first_name=NASTY[0], last_name=NASTY[1], email="formel@example.org", phone="+1"
    )
    hyperlink = QualificationType.objects.create(organisation=org_a, name=NASTY[0])
    total = QualificationType.objects.create(organisation=org_a, name=NASTY[1])
    Qualification.objects.create(person=entry, type=hyperlink, issued_on=world.qualification.issued_on)
    Qualification.objects.create(person=coordinator, type=total, issued_on=world.qualification.issued_on)
    Qualification.objects.create(
        person=world.users["volunteer"], type=hyperlink, issued_on=world.qualification.issued_on
    )
    for title, provider in ((NASTY[2], NASTY[3]), (NASTY[4], NASTY[5])):
        record = TrainingRecord.objects.create(
            organisation=org_a, title=title, provider=provider, date=world.record.date, hours=Decimal(2)
        )
        record.attendees.set([entry, coordinator])
    ShiftRole.objects.create(organisation=org_a, name=NASTY[1])
    world.run.title = f"{NASTY[0]} {world.run.title}"
    world.run.save()
    # The coordinator published and locked the course page, and edited the register entry (the
    # world logged that edit already): Wagtail's reports name her.
    course = Page.objects.get(pk=world.course.pk)
    log(instance=course, action="wagtail.publish", user=coordinator)
    Page.objects.filter(pk=course.pk).update(
        locked=True, locked_by=coordinator, locked_at=timezone.now(), last_published_at=timezone.now()
    )
    year = world.record.date.year
    report = competence_report(org_a, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    frozen = freeze_report(report, org_a, False, coordinator)
    review = freeze_review(quality_review(org_a, year, external=False), org_a, coordinator)
    return ExportWorld(
        base=world, protected=[coordinator, entry], frozen_pk=frozen.pk, frozen_review_pk=review.pk
    )


# Asking ---------------------------------------------------------------------------------------------


def routes_by_key() -> dict[str, object]:
    return {route.key: route for route in all_routes()}


def listing_routes() -> dict[str, object]:
    return {
        key: route
        for key, route in routes_by_key().items()
        if issubclass(getattr(route.callback, "view_class", object), SpreadsheetExportMixin)
    }


def path_of(route, ew: ExportWorld) -> str | None:
    values = project_values(route, ew.base) if route.name and not route.name.startswith("wagtail") else {}
    return build_path(route, values)


def ask(client, key: str, export: Export, fmt: str, ew: ExportWorld):
    if export.ask == "report":
        year = str(ew.base.record.date.year)
        return client.post(reverse(key), {"action": fmt, "year": year, "version": "internal"})
    if export.ask == "frozen":
        return client.get(reverse(key, args=[ew.frozen_pk, fmt]))
    if export.ask == "frozen_review":
        return client.get(reverse(key, args=[ew.frozen_review_pk, fmt]))
    path = path_of(routes_by_key()[key], ew)
    return client.get(path, {"export": fmt} if fmt in exports.SPREADSHEET_FORMATS else {})


def is_download(response) -> bool:
    disposition = response.get("Content-Disposition", "")
    return disposition.startswith("attachment") or response.get("Content-Type", "").startswith(
        SPREADSHEET_TYPES
    )


# Reading the files ---------------------------------------------------------------------------------


def sheets_of(response) -> list[list[list[object]]]:
    """Every sheet of the file as rows of cells (a zip: one sheet per CSV file)."""
    content = response.content
    content_type = response["Content-Type"]
    if content_type.startswith("text/csv"):
        return [list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))]
    if content_type.startswith("application/zip"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return [
                list(
                    csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"), newline=""), delimiter=";")
                )
                for name in archive.namelist()
            ]
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheets = []
    for sheet in workbook.worksheets:
        rows = []
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"a formula in {cell.coordinate}: {cell.value!r}"
            rows.append([cell.value for cell in row])
        sheets.append(rows)
    return sheets


def pdf_text(content: bytes) -> str:
    """A PDF's text as pdftotext reads it (poppler-utils; CI installs them)."""
    import shutil
    import subprocess
    import tempfile

    if not shutil.which("pdftotext"):
        if os.environ.get("CI"):
            pytest.fail("poppler-utils are required in CI")
        pytest.skip("poppler-utils are not installed")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(content)
        file.flush()
        return subprocess.run(["pdftotext", file.name, "-"], capture_output=True, check=True).stdout.decode()


def secrets_of(person: User) -> list[str]:
    return [person.first_name, person.last_name, person.email, person.phone]


def check_file(key: str, fmt: str, export: Export, response, ew: ExportWorld) -> list[str]:
    problems = []
    where = f"{key} ({fmt})"
    if response.status_code != 200 or not is_download(response):
        return [f"{where}: answered {response.status_code} {response.get('Content-Type')}"]
    requester = ew.base.users[export.role]
    hidden = [p for p in ew.protected if not (export.own_data and p.pk == requester.pk)]
    if fmt == "json":
        text = json.dumps(json.loads(response.content), ensure_ascii=False)
        cells_text = text
    elif fmt == "pdf":
        cells_text = pdf_text(response.content)
    else:
        sheets = sheets_of(response)
        cells = [str(value) for rows in sheets for row in rows for value in row if value is not None]
        for value in cells:
            if value.startswith(exports.FORMULA_PREFIXES) and not NUMBER.fullmatch(value):
                problems.append(f"{where}: a cell starts a formula: {value!r}")
        cells_text = "\n".join(cells)
        counts: dict[int, int] = {}
        for rows in sheets:
            for row in rows[1:]:
                for number in {int(n) for value in row for n in PSEUDONYM.findall(str(value or ""))}:
                    counts[number] = counts.get(number, 0) + 1
        if counts != export.pseudonyms:
            problems.append(f"{where}: rows per pseudonym {counts}, expected {export.pseudonyms}")
    folded = cells_text.lower()
    for person in hidden:
        for secret in secrets_of(person):
            if secret and secret.lower() in folded:
                problems.append(f"{where}: {secret!r} of a protected person is in the file")
    if export.role == "coordinator":
        for foreign in ("Bsson", "person-b@example.org", "Grund B", "Omgång B", "coord-b@example.org"):
            if foreign in cells_text:
                problems.append(f"{where}: organisation B's {foreign!r} is in the file")
    return problems


def check_audit(
    key: str, fmt: str, export: Export, records: list[str], requester: User, data_rows: int | None
) -> list[str]:
    lines = [line for line in records if line.startswith("event=export ")]
    if len(lines) != 1:
        return [f"{key} ({fmt}): {len(lines)} audit lines: {lines}"]
    (line,) = lines
    problems = []
    # The competence report's CSV is a zip of one CSV file per section.
    zipped = fmt == "csv" and export.ask in ("report", "frozen")
    expected = [f"user={requester.pk} ", "kind=", f"format={'zip' if zipped else fmt}"]
    if data_rows is not None:
        expected.append(f"rows={data_rows}")
    for part in expected:
        if part not in line + " ":
            problems.append(f"{key} ({fmt}): audit line {line!r} lacks {part!r}")
    return problems


# The tests -------------------------------------------------------------------------------------------


def test_only_the_export_module_writes_spreadsheets():
    """No module of the project but jour_core/exports.py imports tablib or openpyxl or writes CSV;
    no Wagtail listing class replaces the routed ``as_spreadsheet``."""
    root = Path(settings.BASE_DIR)
    found = []
    for app in PROJECT_APPS:
        for file in (root / app).rglob("*.py"):
            relative = file.relative_to(root).as_posix()
            # jour_core/reading.py reads uploads with openpyxl (and writes nothing).
            if relative in ("jour_core/exports.py", "jour_core/reading.py") or "/migrations/" in relative:
                continue
            for node in ast.walk(ast.parse(file.read_text())):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom):
                    names = [node.module or ""]
                elif (
                    isinstance(node, ast.Attribute)
                    and node.attr in ("writer", "DictWriter")
                    and isinstance(node.value, ast.Name)
                    and node.value.id == "csv"
                ):
                    names = ["csv.writer"]
                for name in names:
                    if name.split(".")[0] in ("tablib", "openpyxl", "xlsxwriter") or name == "csv.writer":
                        found.append(f"{relative}:{node.lineno} {name}")
    # The demo data writes a CSV in memory to import it (nothing is served).
    assert [f for f in found if not f.startswith("home/management/commands/seed_demo.py")] == []

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    replaced = [
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in subclasses(SpreadsheetExportMixin)
        if cls.as_spreadsheet is not exports._as_spreadsheet
    ]
    assert SpreadsheetExportMixin.as_spreadsheet is exports._as_spreadsheet
    assert replaced == []


def test_every_listing_export_is_known():
    listings = listing_routes()
    assert len(listings) > 30, "the resolver walk found too few listings"
    keys = set(listings) - SHADOWED
    missing = sorted(keys - set(EXPORTS) - NO_EXPORT)
    assert not missing, f"listings with no row in EXPORTS or NO_EXPORT: {missing}"
    stale = sorted((NO_EXPORT | {k for k, e in EXPORTS.items() if e.ask == "get"}) - set(routes_by_key()))
    assert not stale, f"rows that match no URL pattern any more: {stale}"
    for key in NO_EXPORT:
        view_class = listings[key].callback.view_class
        initkwargs = getattr(listings[key].callback, "view_initkwargs", {})
        assert not initkwargs.get("list_export", view_class.list_export), f"{key} exports: add it to EXPORTS"


def test_every_project_download_is_known(export_world):
    """Every project URL asked for ``?export=csv`` and ``?export=xlsx`` by the coordinator and
    the umbrella administrator: whatever answers with a file must have a row in EXPORTS."""
    namespaces = project_namespaces()
    routes = [r for r in all_routes() if is_project(r, namespaces)]
    clients = {role: client_for(export_world.base, role) for role in ("coordinator", "superuser")}
    unknown = set()
    for route in routes:
        path = path_of(route, export_world)
        for client in clients.values():
            for fmt in ("csv", "xlsx"):
                response = client.get(path, {"export": fmt})
                if is_download(response) and route.key not in EXPORTS:
                    unknown.add(route.key)
    assert not unknown, f"URLs that serve a file with no row in EXPORTS: {sorted(unknown)}"


def test_walk_every_export(export_world, audit_log):
    problems = []
    clients = {}
    for key, export in EXPORTS.items():
        client = clients.setdefault(export.role, client_for(export_world.base, export.role))
        for fmt in export.formats:
            audit_log.clear()
            response = ask(client, key, export, fmt, export_world)
            file_problems = check_file(key, fmt, export, response, export_world)
            problems += file_problems
            if file_problems and response.status_code != 200:
                continue
            data_rows = None
            if fmt not in ("json", "pdf"):
                data_rows = sum(len(rows) - 1 for rows in sheets_of(response))
            records = [r.getMessage() for r in audit_log.records if r.name == "audit"]
            problems += check_audit(
                key, fmt, export, records, export_world.base.users[export.role], data_rows
            )
    assert not problems, "\n".join(problems)


def test_listings_without_an_export_answer_404(export_world):
    client = client_for(export_world.base, "superuser")
    listings = listing_routes()
    problems = []
    for key in sorted(NO_EXPORT):
        path = path_of(listings[key], export_world)
        for fmt in ("csv", "xlsx"):
            response = client.get(path, {"export": fmt})
            if response.status_code != 404:
                problems.append(f"{key} ?export={fmt}: {response.status_code}")
    assert not problems, "\n".join(problems)


def test_exports_ask_the_database_the_same_number_of_times_for_3_or_30_rows(client, org_a, coordinator_a):
    """Set-based: a listing's related rows come with one query per relation, never one per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.auth import sign_in

    qualification_type = QualificationType.objects.create(organisation=org_a, name="Grund")
    ShiftRole.objects.create(organisation=org_a, name="Telefonjour")
    sign_in(client, coordinator_a)
    counts: dict[str, list[int]] = {}
    for batch in (3, 27):
        for number in range(batch):
            person = PersonFactory(organisation=org_a, protected_identity=number % 3 == 0)
            Qualification.objects.create(person=person, type=qualification_type, issued_on=FIRST_DAY)
            record = TrainingRecord.objects.create(
                organisation=org_a, title=f"Kurs {number}", date=FIRST_DAY, hours=Decimal(1)
            )
            record.attendees.set([person])
        for name in (
            "people_person:index",
            "certifications_qualification:index",
            "certifications_training:index",
            "certifications_board",
        ):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse(name), {"export": "xlsx"})
            assert response.status_code == 200
            counts.setdefault(name, []).append(len(queries))
    assert all(small == large for small, large in counts.values()), counts


def test_the_commands_write_through_the_same_path_and_are_audited(export_world, audit_log, tmp_path):
    from django.core.management import call_command

    org = export_world.base.org_a
    out = io.StringIO()
    call_command("clearance", "--organisation", org.slug, "--format", "csv", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))
    assert rows[0] == ["email", "role", "cleared", "reasons", "warnings"]
    text = out.getvalue()
    for person in export_world.protected:
        assert person.email not in text and person.first_name not in text
    assert [row[0] for row in rows].count("Skyddad identitet 1") == 2  # two roles each
    assert not any(cell.startswith(exports.FORMULA_PREFIXES) for row in rows for cell in row)
    output = tmp_path / "report.xlsx"
    call_command(
        "competence_report", "--organisation", org.slug, "--year", str(FIRST_DAY.year),
        "--format", "xlsx", "--output", str(output), stdout=io.StringIO(),
    )  # fmt: skip
    workbook = openpyxl.load_workbook(output)
    values = [str(c.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row]
    assert "'+1" in values and not any(v.startswith(exports.FORMULA_PREFIXES) for v in values)
    lines = [
        r.getMessage() for r in audit_log.records if r.name == "audit" and "event=export " in r.getMessage()
    ]
    assert len(lines) == 2
    assert "kind=clearance-command format=csv rows=" in lines[0] and f"org={org.pk}" in lines[0]
    assert "kind=competence-report-command format=xlsx rows=" in lines[1]


def test_the_competence_report_names_no_protected_person_in_any_format(export_world, tmp_path):
    """Titles, providers and the narrative are typed by people: a protected person named there
    gets her pseudonym in the JSON, HTML and PDF files (and the frozen copies) as in the
    spreadsheets."""
    import shutil
    import subprocess

    base = export_world.base
    coordinator, entry = export_world.protected
    record = TrainingRecord.objects.create(
        organisation=base.org_a,
        title=f"Handledning med {entry.first_name} {entry.last_name}",
        provider=f"{coordinator.last_name}, {coordinator.first_name}",
        date=base.record.date,
        hours=Decimal(3),
    )
    record.attendees.set([base.users["volunteer"]])
    client = client_for(base, "coordinator")
    secrets = [coordinator.last_name, entry.last_name, entry.email, coordinator.email]
    year = str(base.record.date.year)
    narrative = f"Tack till {coordinator.first_name} {coordinator.last_name} ({coordinator.email})."
    texts = {}
    for fmt in ("json", "html", "xlsx", "csv", "pdf"):
        response = client.post(
            reverse("certifications_report"),
            {"year": year, "version": "external", "action": fmt, "narrative": narrative},
        )
        assert response.status_code == 200, fmt
        content = response.content
        if fmt == "pdf":
            if not shutil.which("pdftotext"):
                assert not os.environ.get("CI"), "poppler-utils are installed in CI"
                continue
            (tmp_path / "report.pdf").write_bytes(content)
            content = subprocess.run(
                ["pdftotext", str(tmp_path / "report.pdf"), "-"], capture_output=True, check=True
            ).stdout
        elif fmt in ("xlsx", "csv"):
            archive = zipfile.ZipFile(io.BytesIO(content))  # an XLSX file is a zip of XML too
            content = b"".join(archive.read(name) for name in archive.namelist())
        texts[fmt] = content.decode("utf-8", errors="replace")
    for fmt, text in texts.items():
        for secret in secrets:
            assert secret not in text, (fmt, secret)
    for fmt in ("json", "html", "pdf"):
        if fmt in texts:
            assert "Skyddad identitet" in " ".join(texts[fmt].split()), fmt
    # A frozen copy is made the same way.
    client.post(reverse("certifications_report"), {"year": year, "version": "external", "action": "freeze"})
    frozen = FrozenReport.objects.order_by("-pk").first()
    body = client.get(reverse("certifications_frozen_report", args=[frozen.pk, "json"])).content.decode()
    assert all(secret not in body for secret in secrets) and "Skyddad identitet" in body
