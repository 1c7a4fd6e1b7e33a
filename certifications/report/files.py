"""The competence report's files: its figures (:mod:`.figures`) as tables, and the tables as
JSON, HTML, PDF (:mod:`.pdf`, with the charts of :mod:`.charts`), XLSX or zipped CSV (through
jour_core/exports.py, the one export function); and a report frozen with every file as it is now."""

from __future__ import annotations

import datetime
import json

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from jour_core.exports import Sheet, protected_people, spreadsheet_file, without_protected_names
from people.models import MEMBER_GROUPS, Organisation

from ..applicability import groups_display
from ..models import FrozenReport
from .figures import GROUPS, HIDDEN, SUPPRESSED, organisations_of, report_period

Table = tuple[str, list[str], list[list]]


def report_tables(report: dict, external: bool = False) -> list[Table]:
    """The report as (section, headers, rows): one table per section, for XLSX sheets, CSV files
    and the printable page; the external version's say what "<5" and "x" mean. A total that
    counts each person once stands beside the per-group figures (a person in two groups is in
    both). The narrative comes last."""
    tables = [
        _people_table(report),
        _basic_table(report),
        _continuing_table(report),
        _hours_table(report),
        (
            _("Hours of the active volunteers and staff"),
            [_("Figure"), _("People")],
            [[_("No training hours"), report["hours_distribution"]["zero"]]]
            + [
                [_("Met the minimum of %(role)s") % {"role": role}, count]
                for role, count in report["hours_distribution"]["met_minimum"].items()
            ],
        ),
        (
            _("Qualifications"),
            [_("Type"), _("Applies to"), *_group_names(), _("Lapsed")],
            [
                [
                    q["type"],
                    _applies_to(q),
                    *(q["valid"][g] for g in GROUPS),
                    q["lapsed"],
                ]
                for q in report["qualifications"]
            ],
        ),
        (
            _("Confidentiality pledge"),
            [_("Figure"), _("Number")],
            [
                [_("Active volunteers and staff with a current pledge"), report["pledge"]["current"]],
                [_("Pledges due for renewal in the period"), report["pledge"]["due"]],
                [_("Of those, renewed on time"), report["pledge"]["renewed_on_time"]],
            ],
        ),
        (
            _("Clearance"),
            [_("Shift role"), _("Cleared"), _("Active volunteers and staff")],
            [[c["role"], c["cleared"], c["shift_workers"]] for c in report["clearance"]],
        ),
    ]
    if "per_year" in report:
        tables.append(_years_table(report))
    if "hours_per_person" in report:
        tables.append(
            (
                _("Training hours per person"),
                [_("Name"), _("Groups"), _("Hours")],
                [[p["name"], ", ".join(p["groups"]), p["hours"]] for p in report["hours_per_person"]],
            )
        )
    if external:
        tables.append(
            (
                _("About the figures"),
                [_("Mark"), _("Meaning")],
                [
                    [SUPPRESSED, _("From 1 to 4 people: not shown.")],
                    [
                        HIDDEN,
                        _("Not shown, so that a number from 1 to 4 cannot be worked out from the others."),
                    ],
                ],
            )
        )
    tables.append((_("Narrative"), [_("Narrative")], [[report["narrative"]]]))
    return tables


def _applies_to(row: dict) -> str:
    """The groups a type applies to, in words; nothing for a row that does not say (the sum of
    several organisations' reports, a report frozen before types said it)."""
    return groups_display(row["applies_to"]) if "applies_to" in row else ""


def _group_names() -> list[str]:
    return [str(MEMBER_GROUPS[g]) for g in GROUPS]


def _people_table(report: dict) -> Table:
    people = report["people"]
    return (
        _("People"),
        [
            _("Group"),
            pgettext("report column: members counted", "Active"),
            pgettext("report column: members counted", "Joined"),
            pgettext("report column: members counted", "Left"),
        ],
        [[str(MEMBER_GROUPS[g]), *(people[g][what] for what in ("active", "joined", "left"))] for g in GROUPS]
        + [
            [_("Active volunteers and staff (each person once)"), people["shift_workers"], "", ""],
            [_("Active board members who do not work shifts"), people["board_only"], "", ""],
            [_("Total active (each person once)"), report["total_active"], "", ""],
        ],
    )


def _basic_table(report: dict) -> Table:
    keys = ("runs", "sessions", "hours", "participants", "completed", "planned_sessions")
    return (
        _("Basic training"),
        [
            _("Runs"),
            _("Sessions held"),
            _("Hours"),
            _("Participants"),
            pgettext("report column: people who completed", "Completed"),
            _("Sessions planned"),
        ],
        [[report["basic_training"][key] for key in keys]],
    )


def _continuing_table(report: dict) -> Table:
    return (
        _("Continuing education"),
        [_("Date"), _("Title"), _("Provider"), _("Hours"), *_group_names(), _("Participants (each once)")],
        [
            [
                _as_date(item["date"]),
                item["title"],
                item["provider"],
                item["hours"],
                *(item["participants"][g] for g in GROUPS),
                item["participants_total"],
            ]
            for item in report["continuing_education"]
        ],
    )


def _as_date(value: object) -> object:
    """An ISO date of the report (text in its JSON and frozen copies) as a date, so that a
    spreadsheet gets a date cell; anything else as it is."""
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _years_table(report: dict) -> Table:
    keys = ("year", "sessions", "hours", "participants", "completed", "continuing_education_lines")
    return (
        _("Per year"),
        [
            _("Year"),
            _("Sessions held"),
            _("Hours"),
            _("Participants"),
            pgettext("report column: people who completed", "Completed"),
            _("Continuing education"),
            _("Training hours (each person once)"),
            _("People with hours"),
        ],
        [
            [*(year[key] for key in keys), year["training_hours_total"], year["trained"]]
            for year in report["per_year"]
        ],
    )


def _hours_table(report: dict) -> Table:
    hours, trained = report["training_hours"], report["trained"]
    return (
        _("Training hours"),
        [_("Group"), _("Hours"), _("People with hours")],
        [[str(MEMBER_GROUPS[g]), hours[g], trained[g]] for g in GROUPS]
        + [[_("All (each person once)"), hours["total"], trained["total"]]],
    )


def report_sheets(report: dict, external: bool = False) -> list[Sheet]:
    """The report's tables as sheets for :func:`jour_core.exports.spreadsheet_file`."""
    return [Sheet(headers, rows, title=title) for title, headers, rows in report_tables(report, external)]


def report_rows(report: dict) -> int | None:
    """How many rows the report's tables hold (for the audit line of a download); None for
    stored data that is not a whole report."""
    try:
        return sum(len(rows) for _title, _headers, rows in report_tables(report))
    except (KeyError, TypeError, AttributeError):
        return None


def report_html(report: dict, organisation_name: str, external: bool) -> str:
    return render_to_string(
        "jour_certifications/report_print.html",
        {
            "report": report,
            "tables": report_tables(report, external),
            "organisation": organisation_name,
            "external": external,
        },
    )


#: The report's formats and their files' extensions (their content types: jour_core/exports.py).
FORMATS = {"pdf": "pdf", "json": "json", "xlsx": "xlsx", "csv": "zip", "html": "html"}


def render_report(report: dict, organisation: Organisation, external: bool, fmt: str) -> bytes:
    """The report as a file: pdf, json, xlsx (a sheet per section), csv (a zip of sections) or
    html. Titles, providers and the narrative are typed by people: a protected person of the
    organisation named in them gets her pseudonym in every format (jour_core/exports.py), and the
    spreadsheets are made by the one export function."""
    report = without_protected_names(
        report, protected_people(organisation=list(organisations_of(organisation)))
    )
    if fmt == "pdf":
        return report_pdf(report, organisation, external)
    if fmt == "json":
        return (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode()
    if fmt in ("xlsx", "csv"):
        return spreadsheet_file(report_sheets(report, external), fmt).content
    if fmt == "html":
        return report_html(report, organisation.name, external).encode()
    raise ValueError(f"unknown format {fmt!r}")


def freeze_report(report: dict, organisation: Organisation, external: bool, user) -> FrozenReport:
    """Store the report and every file as they are now."""
    start, end = report_period(report)
    files = {
        field: render_report(report, organisation, external, fmt) for fmt, field in FrozenReport.FILES.items()
    }
    return FrozenReport.objects.create(
        organisation=organisation,
        start=start,
        end=end,
        external=external,
        data=report,
        frozen_by=user,
        **files,
    )


def report_pdf(report: dict, organisation: Organisation, external: bool) -> bytes:
    """A print-ready PDF (:mod:`.pdf`; reportlab is loaded only when one is made)."""
    from .pdf import report_pdf as pdf_file

    return pdf_file(report, organisation, external)
