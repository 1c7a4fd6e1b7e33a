"""The competence report: what the board hands the municipality and funders.

``competence_report(organisation, start, end, external=False)`` computes every section for a
period in a fixed number of queries and returns plain data (dicts and lists) shaped like the
JSON of ``manage.py competence_report``. The external version (for funders) holds no names or
emails and shows every count from 1 to 4 as "<5".
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, F, Max, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import (
    ATTENDED_MARKS,
    Attendance,
    Completion,
    CourseKind,
    Enrolment,
    EnrolmentStatus,
    Session,
    with_unit_hours,
)
from courses.scheduling import held_within
from people.membership import members_on
from people.models import MEMBER_GROUPS, Organisation, User, group_field

from .clearance import clearance_for_organisations, collector_paused, roles_of
from .dates import format_hours
from .models import FrozenReport, Qualification, QualificationType, TrainingRecord

GROUPS = list(MEMBER_GROUPS)
SUPPRESSED = "<5"


def year_period(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def suppress(count: int) -> int | str:
    """A count from 1 to 4 becomes "<5" in the external version (0 and 5 or more are shown)."""
    return SUPPRESSED if 1 <= count <= 4 else count


def _suppress_groups(counts: dict[str, int]) -> dict[str, int | str]:
    return {group: suppress(n) for group, n in counts.items()}


def external_version(report: dict) -> dict:
    """The report for funders: every count from 1 to 4 as "<5" (hours are not counts)."""
    basic = report["basic_training"]
    return {
        **report,
        "people": {group: _suppress_groups(counts) for group, counts in report["people"].items()},
        "total_active": suppress(report["total_active"]),
        "basic_training": {
            **basic,
            **{key: suppress(basic[key]) for key in ("runs", "sessions", "participants", "completed")},
        },
        "continuing_education": [
            {**item, "participants": _suppress_groups(item["participants"])}
            for item in report["continuing_education"]
        ],
        "qualifications": [
            {**item, "valid": _suppress_groups(item["valid"]), "lapsed": suppress(item["lapsed"])}
            for item in report["qualifications"]
        ],
        "clearance": [
            {**item, "cleared": suppress(item["cleared"]), "active": suppress(item["active"])}
            for item in report["clearance"]
        ],
    }


def _hours(value: Decimal | None) -> float | int:
    text = format_hours(value or Decimal(0))
    return float(text) if "." in text else int(text)


def competence_report(
    organisation: Organisation, start: datetime.date, end: datetime.date, external: bool = False
) -> dict:
    return competence_reports([organisation], start, end, external=external)[organisation.pk]


def competence_reports(
    organisations: list[Organisation], start: datetime.date, end: datetime.date, external: bool = False
) -> dict[int, dict]:
    """The report of every organisation for the period, by organisation id, in a fixed number
    of queries however many organisations and people there are: the database counts and sums."""
    if end < start:
        raise ValueError("the period ends before it starts")
    with collector_paused():
        return _competence_reports(list(organisations), start, end, external)


def _competence_reports(
    organisations: list[Organisation], start: datetime.date, end: datetime.date, external: bool
) -> dict[int, dict]:
    ids = [o.pk for o in organisations]
    active_at_end = members_on(end, "person__")
    own_person = Q(person__organisation_id=F("session__run__organisation_id"))

    # People per group: active at the end, joined and left during the period.
    people = {
        row["organisation_id"]: row
        for row in User.objects.filter(organisation__in=ids)
        .values("organisation_id")
        .annotate(
            total_active=Count("pk", filter=members_on(end)),
            **{
                f"{what}_{group}": Count("pk", filter=Q(**{group_field(group): True}) & condition)
                for group in GROUPS
                for what, condition in (
                    ("active", members_on(end)),
                    ("joined", Q(joined_on__range=(start, end))),
                    ("left", Q(left_on__range=(start, end))),
                )
            },
        )
    }

    # Sessions held in the period (not cancelled), with their unit's hours.
    def held(path: str = "") -> Q:
        """The organisations' sessions held in the period (``path`` leads to the session)."""
        return held_within(start, end, path) & Q(**{f"{path}run__organisation__in": ids})

    sessions = Session.objects.filter(held())
    basic_sessions = sessions.filter(run__course__kind=CourseKind.BASIC)
    with_hours, session_hours = with_unit_hours(basic_sessions, session="")
    basic = {
        row["run__organisation_id"]: row
        for row in with_hours.values("run__organisation_id").annotate(
            runs=Count("run_id", distinct=True), sessions=Count("pk"), hours=Sum(session_hours)
        )
    }
    participants = dict(
        Enrolment.objects.filter(
            status=EnrolmentStatus.ENROLLED,
            run__in=basic_sessions.values("run_id"),
        )
        .values("run__organisation_id")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("run__organisation_id", "n")
    )
    completed = dict(
        Completion.objects.filter(
            course__organisation__in=ids, course__kind=CourseKind.BASIC, completed_on__range=(start, end)
        )
        .values("course__organisation_id")
        .annotate(n=Count("pk"))
        .values_list("course__organisation_id", "n")
    )

    # Continuing education: external records grouped by title, provider and date; internal runs.
    continuing: dict[int, list[dict]] = defaultdict(list)
    # A line may hold records that nobody attended (0 participants); a line of several records
    # shows the largest of their hours (the training hours per group add each record up).
    for row in (
        TrainingRecord.objects.filter(organisation__in=ids, date__range=(start, end))
        .values("organisation_id", "title", "provider", "date")
        .annotate(
            hours=Max("hours"),
            **{
                group: Count(
                    "attendees",
                    distinct=True,
                    filter=Q(**{f"attendees__{group_field(group)}": True})
                    & Q(attendees__organisation_id=F("organisation_id")),
                )
                for group in GROUPS
            },
        )
        .order_by()
    ):
        continuing[row["organisation_id"]].append(
            {
                "title": row["title"],
                "provider": row["provider"],
                "date": row["date"].isoformat(),
                "hours": _hours(row["hours"]),
                "participants": {group: row[group] for group in GROUPS},
            }
        )
    names = {o.pk: o.name for o in organisations}
    ce_sessions = sessions.filter(run__course__kind=CourseKind.CONTINUING)
    # One pass over the marks: per run, its participants per group (each once) and their hours
    # per group (the sessions' unit hours, each attended session counted).
    ce_attended, unit_hours = with_unit_hours(
        # The conditions on the session as joins, not as a subquery: PostgreSQL then starts from
        # the period's sessions instead of from every mark.
        Attendance.objects.filter(
            held("session__"),
            own_person,
            session__run__course__kind=CourseKind.CONTINUING,
            mark__in=ATTENDED_MARKS,
        )
    )
    in_group = {group: Q(**{f"person__{group_field(group)}": True}) for group in GROUPS}
    run_people = {
        row["session__run_id"]: row
        for row in ce_attended.values("session__run_id", "session__run__organisation_id")
        .annotate(
            **{group: Count("person_id", distinct=True, filter=in_group[group]) for group in GROUPS},
            **{f"hours_{group}": Sum(unit_hours, filter=in_group[group]) for group in GROUPS},
        )
        .order_by()
    }
    ce_with_hours, session_hours = with_unit_hours(ce_sessions, session="")
    for row in ce_with_hours.values("run_id", "run__organisation_id", "run__course__title").annotate(
        first=Min("starts_at"), hours=Sum(session_hours)
    ):
        counts = run_people.get(row["run_id"], {})
        continuing[row["run__organisation_id"]].append(
            {
                "title": row["run__course__title"],
                "provider": names[row["run__organisation_id"]],
                "date": timezone.localtime(row["first"]).date().isoformat(),
                "hours": _hours(row["hours"]),
                "participants": {group: counts.get(group, 0) for group in GROUPS},
            }
        )

    # Training hours per group: external records plus attended continuing-education sessions.
    hours: dict[int, dict[str, Decimal]] = defaultdict(lambda: dict.fromkeys(GROUPS, Decimal(0)))
    for row in (
        TrainingRecord.attendees.through.objects.filter(
            trainingrecord__organisation__in=ids,
            trainingrecord__date__range=(start, end),
            trainingrecord__deleted_at__isnull=True,
            user__organisation_id=F("trainingrecord__organisation_id"),
        )
        .values("trainingrecord__organisation_id")
        .annotate(
            **{
                group: Sum("trainingrecord__hours", filter=Q(**{f"user__{group_field(group)}": True}))
                for group in GROUPS
            }
        )
    ):
        totals = hours[row["trainingrecord__organisation_id"]]
        for group in GROUPS:
            totals[group] += row[group] or Decimal(0)
    for row in run_people.values():
        totals = hours[row["session__run__organisation_id"]]
        for group in GROUPS:
            totals[group] += row[f"hours_{group}"] or Decimal(0)

    # Qualifications at the period's end, of active people: valid per group, and lapsed.
    types = list(
        QualificationType.objects.filter(organisation__in=ids)
        .select_related("granted_by_course")
        .order_by("name", "pk")
    )
    held = Qualification.objects.filter(
        active_at_end,
        type__in=[t.pk for t in types],
        issued_on__lte=end,
        person__organisation_id=F("type__organisation_id"),
    )
    valid_q = (Q(expires_on__isnull=True) | Q(expires_on__gte=end)) & (
        Q(revoked_on__isnull=True) | Q(revoked_on__gt=end)
    )
    standing = {
        row["type_id"]: row
        for row in held.values("type_id").annotate(
            holders=Count("person_id", distinct=True),
            valid=Count("person_id", distinct=True, filter=valid_q),
            **{
                group: Count(
                    "person_id", distinct=True, filter=valid_q & Q(**{f"person__{group_field(group)}": True})
                )
                for group in GROUPS
            },
        )
    }
    basic_type_ids = [
        t.pk for t in types if t.granted_by_course_id and t.granted_by_course.kind == CourseKind.BASIC
    ]
    basic_holders = dict(
        held.filter(valid_q, type__in=basic_type_ids)
        .values("type__organisation_id")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("type__organisation_id", "n")
    )
    qualifications: dict[int, list[dict]] = defaultdict(list)
    for qtype in types:
        row = standing.get(qtype.pk, {})
        qualifications[qtype.organisation_id].append(
            {
                "type": qtype.name,
                "valid": {group: row.get(group, 0) for group in GROUPS},
                "lapsed": row.get("holders", 0) - row.get("valid", 0),
            }
        )

    # Clearance per shift role at the period's end.
    roles = roles_of(organisations)
    cleared: dict[int, int] = defaultdict(int)
    for result in clearance_for_organisations(organisations, end, roles=roles):
        cleared[result.role.id] += result.cleared

    reports = {}
    for organisation in organisations:
        org_people = people.get(organisation.pk, {})
        total_active = org_people.get("total_active", 0)
        org_basic = basic.get(organisation.pk, {})
        report = {
            "organisation": organisation.slug,
            "period": {"start": start.isoformat(), "end": end.isoformat()},
            "people": {
                group: {what: org_people.get(f"{what}_{group}", 0) for what in ("active", "joined", "left")}
                for group in GROUPS
            },
            "total_active": total_active,
            "basic_training": {
                "runs": org_basic.get("runs", 0),
                "sessions": org_basic.get("sessions", 0),
                "hours": _hours(org_basic.get("hours")),
                "participants": participants.get(organisation.pk, 0),
                "completed": completed.get(organisation.pk, 0),
            },
            "continuing_education": sorted(
                continuing[organisation.pk],
                key=lambda item: (item["date"], item["title"], item["provider"], item["hours"]),
            ),
            "training_hours": {group: _hours(hours[organisation.pk][group]) for group in GROUPS},
            "qualifications": qualifications[organisation.pk],
            "clearance": [
                {"role": role.name, "cleared": cleared[role.id], "active": total_active}
                for role in roles
                if role.organisation_id == organisation.pk
            ],
        }
        if external:
            report = external_version(report)
        report["narrative"] = narrative(
            report, organisation, basic_holders.get(organisation.pk, 0), active_count=total_active
        )
        reports[organisation.pk] = report
    return reports


def narrative(report: dict, organisation: Organisation, basic_holders: int, active_count: int) -> str:
    """How the association ensures its people are competent, in words made only from the figures."""
    basic = report["basic_training"]
    providers = sorted({item["provider"] for item in report["continuing_education"] if item["provider"]})
    parts = [
        _(
            "%(org)s ensures that its staff and volunteers are competent and suitable through its own basic "
            "training, a study circle, and continuing education."
        )
        % {"org": organisation.name}
    ]
    if basic["sessions"]:
        parts.append(
            _(
                "During the period the study circle met %(sessions)s times, %(hours)s hours in all, with "
                "%(participants)s participants; %(completed)s completed it."
            )
            % {
                "sessions": basic["sessions"],
                "hours": format_hours(Decimal(str(basic["hours"]))).replace(".", ","),
                "participants": basic["participants"],
                "completed": basic["completed"],
            }
        )
    if report["continuing_education"]:
        parts.append(
            _("Continuing education: %(count)s courses and events, with %(providers)s.")
            % {"count": len(report["continuing_education"]), "providers": ", ".join(providers)}
        )
    if active_count:
        share = round(100 * basic_holders / active_count)
        parts.append(
            _("%(share)s %% of the active members hold the basic qualification at the end of the period.")
            % {"share": share}
        )
    return " ".join(parts)


# Tables and files ---------------------------------------------------------------------------------


def report_tables(report: dict) -> list[tuple[str, list[str], list[list]]]:
    """The report as (section, headers, rows): one table per section, for XLSX sheets, CSV files
    and the printable page."""
    group_names = [str(MEMBER_GROUPS[g]) for g in GROUPS]
    tables = [
        (
            _("People"),
            [_("Group"), _("Active at the end"), _("Joined"), _("Left")],
            [[str(MEMBER_GROUPS[g]), *report["people"][g].values()] for g in GROUPS]
            + [[_("Total active (each person once)"), report["total_active"], "", ""]],
        ),
        (
            _("Basic training"),
            [_("Runs"), _("Sessions"), _("Hours"), _("Participants"), _("Completed")],
            [list(report["basic_training"].values())],
        ),
        (
            _("Continuing education"),
            [_("Date"), _("Title"), _("Provider"), _("Hours"), *group_names],
            [
                [item["date"], item["title"], item["provider"], item["hours"], *item["participants"].values()]
                for item in report["continuing_education"]
            ],
        ),
        (
            _("Training hours"),
            [_("Group"), _("Hours")],
            [[str(MEMBER_GROUPS[g]), report["training_hours"][g]] for g in GROUPS],
        ),
        (
            _("Qualifications"),
            [_("Type"), *group_names, _("Lapsed")],
            [[q["type"], *q["valid"].values(), q["lapsed"]] for q in report["qualifications"]],
        ),
        (
            _("Clearance"),
            [_("Shift role"), _("Cleared"), _("Active")],
            [[c["role"], c["cleared"], c["active"]] for c in report["clearance"]],
        ),
        (_("Narrative"), [_("Narrative")], [[report["narrative"]]]),
    ]
    return tables


def report_sheets(report: dict) -> list:
    """The report's tables as sheets for :func:`jour_core.exports.spreadsheet_file`."""
    from jour_core.exports import Sheet

    return [Sheet(headers, rows, title=title) for title, headers, rows in report_tables(report)]


def report_rows(report: dict) -> int | None:
    """How many rows the report's tables hold (for the audit line of a download); None for
    stored data that is not a whole report."""
    try:
        return sum(len(rows) for _title, _headers, rows in report_tables(report))
    except (KeyError, TypeError, AttributeError):
        return None


def report_html(report: dict, organisation_name: str, external: bool) -> str:
    from django.template.loader import render_to_string

    return render_to_string(
        "certifications/report_print.html",
        {
            "report": report,
            "tables": report_tables(report),
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
    import json

    from jour_core.exports import protected_people, spreadsheet_file, without_protected_names

    report = without_protected_names(report, protected_people(organisation=organisation))
    if fmt == "pdf":
        return report_pdf(report, organisation, external)
    if fmt == "json":
        return (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode()
    if fmt in ("xlsx", "csv"):
        return spreadsheet_file(report_sheets(report), fmt).content
    if fmt == "html":
        return report_html(report, organisation.name, external).encode()
    raise ValueError(f"unknown format {fmt!r}")


def freeze_report(report: dict, organisation: Organisation, external: bool, user) -> FrozenReport:
    """Store the report and every file as they are now."""
    start = datetime.date.fromisoformat(report["period"]["start"])
    end = datetime.date.fromisoformat(report["period"]["end"])
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


# Charts and PDF -----------------------------------------------------------------------------------

CHART_COLOURS = {"volunteer": "#5a2d82", "staff": "#1d6b38", "board": "#b35c00"}


def monthly_training_hours(organisation: Organisation, start: datetime.date, end: datetime.date) -> dict:
    """Training hours per month (YYYY-MM) and group, as in ``training_hours``. Four queries."""
    people = {p.pk: p for p in User.objects.filter(organisation=organisation)}
    months: dict[str, dict[str, Decimal]] = {}
    day = start.replace(day=1)
    while day <= end:
        months[day.strftime("%Y-%m")] = {g: Decimal(0) for g in GROUPS}
        day = (day + datetime.timedelta(days=32)).replace(day=1)

    def add(person_id: int, when: datetime.date, hours: Decimal) -> None:
        person = people.get(person_id)
        if person is None:
            return
        for group in person.member_groups:
            months[when.strftime("%Y-%m")][group] += hours

    for record in TrainingRecord.objects.filter(
        organisation=organisation, date__range=(start, end)
    ).prefetch_related("attendees"):
        for attendee in record.attendees.all():
            add(attendee.pk, record.date, record.hours)
    from .clearance import continuing_education_events

    for person_id, when, hours in continuing_education_events(list(people), start, end):
        add(person_id, when, hours)
    return months


def _png(figure) -> bytes:
    import io

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


#: A period of more months than this is charted per year (a bar per month would take seconds to
#: draw and could not be read).
CHART_MONTHS = 36


def chart_bars(months: dict[str, dict[str, Decimal]]) -> dict[str, dict[str, Decimal]]:
    """The monthly hours as they are charted: per month, or per year (YYYY) for a long period."""
    if len(months) <= CHART_MONTHS:
        return months
    years: dict[str, dict[str, Decimal]] = {}
    for month, hours in months.items():
        year = years.setdefault(month[:4], {g: Decimal(0) for g in GROUPS})
        for group in GROUPS:
            year[group] += hours[group]
    return years


def hours_chart_title(start: datetime.date, end: datetime.date) -> str:
    """What the hours chart of a period shows: hours per month, or per year when the period has
    more months than ``CHART_MONTHS`` (as ``chart_bars`` draws it)."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    return _("Training hours per month") if months <= CHART_MONTHS else _("Training hours per year")


def hours_chart(organisation: Organisation, start: datetime.date, end: datetime.date) -> bytes:
    """Training hours per month by group, a stacked bar chart (PNG); per year when the period is
    longer than ``CHART_MONTHS``."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    monthly = monthly_training_hours(organisation, start, end)
    months = chart_bars(monthly)
    labels = list(months)
    figure = Figure(figsize=(8, 3.5))
    axes = figure.subplots()
    bottom = [0.0] * len(labels)
    for group in GROUPS:
        values = [float(months[m][group]) for m in labels]
        axes.bar(labels, values, bottom=bottom, label=str(MEMBER_GROUPS[group]), color=CHART_COLOURS[group])
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axes.set_title(hours_chart_title(start, end))
    axes.set_ylabel(_("Hours"))
    axes.tick_params(axis="x", labelrotation=45)
    axes.legend(frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure)


def coverage_chart(report: dict) -> bytes:
    """Qualification coverage per type and group at the period's end (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    types = [q["type"] for q in report["qualifications"]]
    figure = Figure(figsize=(8, 3.5))
    axes = figure.subplots()
    width = 0.8 / len(GROUPS)
    for index, group in enumerate(GROUPS):
        active = report["people"][group]["active"]
        values = []
        for q in report["qualifications"]:
            valid = q["valid"][group]
            # In the external version small counts are "<5": they are drawn as 0.
            numeric = valid if isinstance(valid, int) and isinstance(active, int) and active else 0
            values.append(100 * numeric / active if numeric else 0)
        positions = [i + index * width for i in range(len(types))]
        axes.bar(positions, values, width=width, label=str(MEMBER_GROUPS[group]), color=CHART_COLOURS[group])
    axes.set_xticks([i + width for i in range(len(types))], types)
    axes.set_ylim(0, 100)
    axes.set_ylabel(_("Percent of active members"))
    axes.set_title(_("Qualification coverage at the end of the period"))
    axes.legend(frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure)


def report_pdf(report: dict, organisation: Organisation, external: bool) -> bytes:
    """A print-ready PDF: narrative, every section's table and the two charts."""
    import io
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    start = datetime.date.fromisoformat(report["period"]["start"])
    end = datetime.date.fromisoformat(report["period"]["end"])
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=_("Competence report – %(org)s") % {"org": organisation.name},
        author=organisation.name,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        invariant=True,
    )
    story = [
        Paragraph(escape(_("Competence report – %(org)s") % {"org": organisation.name}), styles["Title"]),
        Paragraph(f"{start} – {end}", styles["Normal"]),
    ]
    if external:
        story.append(
            Paragraph(escape(_("External version: counts from 1 to 4 are shown as <5.")), styles["Italic"])
        )
    story += [Spacer(1, 0.4 * cm), Paragraph(escape(report["narrative"]), styles["BodyText"])]
    for title, headers, rows in report_tables(report)[:-1]:
        story += [Spacer(1, 0.4 * cm), Paragraph(escape(str(title)), styles["Heading2"])]
        data = [[Paragraph(escape(str(h)), styles["BodyText"]) for h in headers]]
        data += [[Paragraph(escape(str(cell)), styles["BodyText"]) for cell in row] for row in rows] or [
            ["–"]
        ]
        table = Table(data, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f1ebf7")),
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#bbbbbb")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
    for png in (hours_chart(organisation, start, end), coverage_chart(report)):
        story += [Spacer(1, 0.5 * cm), Image(io.BytesIO(png), width=16 * cm, height=7 * cm)]
    document.build(story)
    return buffer.getvalue()
