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

from django.utils.translation import gettext as _

from courses.models import ATTENDED_MARKS, Attendance, Completion, CourseKind, CourseUnit, Enrolment, Session
from courses.scheduling import local_datetime
from people.models import MEMBER_GROUPS, Organisation, User

from .clearance import clearance, is_active, is_valid, roles_for
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


def _per_group(people: list[User]) -> dict[str, int]:
    return {group: sum(1 for p in people if group in p.member_groups) for group in GROUPS}


def _hours(value: Decimal) -> float | int:
    text = format_hours(value)
    return float(text) if "." in text else int(text)


def competence_report(
    organisation: Organisation, start: datetime.date, end: datetime.date, external: bool = False
) -> dict:
    if end < start:
        raise ValueError("the period ends before it starts")
    people = list(User.objects.filter(organisation=organisation).order_by("email"))
    by_id = {p.pk: p for p in people}
    active = [p for p in people if is_active(p, end)]
    period_start = local_datetime(start, datetime.time.min)
    period_end = local_datetime(end + datetime.timedelta(days=1), datetime.time.min)

    # Sessions held in the period (not cancelled), with their course, and unit hours.
    sessions = list(
        Session.objects.filter(
            run__organisation=organisation, starts_at__gte=period_start, starts_at__lt=period_end
        )
        .exclude(status="cancelled")
        .select_related("run__course")
    )
    unit_hours = {
        (u.course_id, u.number): u.hours
        for u in CourseUnit.objects.filter(course_id__in={s.run.course_id for s in sessions})
    }

    def hours_of(session: Session) -> Decimal:
        return unit_hours.get((session.run.course_id, session.unit_number), Decimal(0))

    basic_sessions = [s for s in sessions if s.run.course.kind == CourseKind.BASIC]
    basic_run_ids = {s.run_id for s in basic_sessions}
    participants = set(
        Enrolment.objects.filter(run_id__in=basic_run_ids, status="enrolled").values_list(
            "person_id", flat=True
        )
    )
    completed = Completion.objects.filter(
        course__organisation=organisation, course__kind=CourseKind.BASIC, completed_on__range=(start, end)
    ).count()

    # Attendance at continuing-education sessions in the period.
    ce_sessions = {s.pk: s for s in sessions if s.run.course.kind == CourseKind.CONTINUING}
    ce_attended = list(
        Attendance.objects.filter(session_id__in=list(ce_sessions), mark__in=ATTENDED_MARKS).values_list(
            "session_id", "person_id"
        )
    )
    records = list(
        TrainingRecord.objects.filter(organisation=organisation, date__range=(start, end)).prefetch_related(
            "attendees"
        )
    )

    continuing = []
    hours_by_person: dict[int, Decimal] = defaultdict(Decimal)
    grouped: dict[tuple, dict] = {}
    for record in records:
        key = (record.title, record.provider, record.date)
        entry = grouped.setdefault(key, {"hours": record.hours, "people": set()})
        attendees = [a.pk for a in record.attendees.all() if a.pk in by_id]
        entry["people"].update(attendees)
        for person_id in attendees:
            hours_by_person[person_id] += record.hours
    for (title, provider, day), entry in grouped.items():
        continuing.append(
            {
                "title": title,
                "provider": provider,
                "date": day.isoformat(),
                "hours": _hours(entry["hours"]),
                "participants": _per_group([by_id[i] for i in entry["people"]]),
            }
        )
    runs: dict[int, dict] = {}
    for session in ce_sessions.values():
        run = runs.setdefault(
            session.run_id,
            {"run": session.run, "first": session.local_date, "hours": Decimal(0), "people": set()},
        )
        run["first"] = min(run["first"], session.local_date)
        run["hours"] += hours_of(session)
    for session_id, person_id in ce_attended:
        session = ce_sessions[session_id]
        runs[session.run_id]["people"].add(person_id)
        if person_id in by_id:
            hours_by_person[person_id] += hours_of(session)
    for run in runs.values():
        continuing.append(
            {
                "title": run["run"].course.title,
                "provider": organisation.name,
                "date": run["first"].isoformat(),
                "hours": _hours(run["hours"]),
                "participants": _per_group([by_id[i] for i in run["people"] if i in by_id]),
            }
        )
    continuing.sort(key=lambda item: (item["date"], item["title"]))

    # Qualifications at the period's end.
    types = list(
        QualificationType.objects.filter(organisation=organisation)
        .select_related("granted_by_course")
        .order_by("name")
    )
    held: dict[tuple[int, int], list[Qualification]] = defaultdict(list)
    for qualification in Qualification.objects.filter(type__in=types, person__in=people, issued_on__lte=end):
        held[(qualification.person_id, qualification.type_id)].append(qualification)
    basic_type_ids = {
        t.pk for t in types if t.granted_by_course_id and t.granted_by_course.kind == CourseKind.BASIC
    }
    basic_holders = sum(
        1
        for p in active
        if any(is_valid(q, end) for type_id in basic_type_ids for q in held.get((p.pk, type_id), []))
    )
    qualifications = []
    for qtype in types:
        valid = [p for p in active if any(is_valid(q, end) for q in held.get((p.pk, qtype.pk), []))]
        lapsed = [p for p in active if held.get((p.pk, qtype.pk)) and p not in valid]
        qualifications.append({"type": qtype.name, "valid": _per_group(valid), "lapsed": len(lapsed)})

    roles = roles_for(organisation)
    results = clearance(organisation, end, roles=roles, people=people)
    clearance_rows = [
        {
            "role": role.name,
            "cleared": sum(1 for r in results if r.role == role and r.cleared),
            "active": len(active),
        }
        for role in roles
    ]

    report = {
        "organisation": organisation.slug,
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "people": {
            group: {
                "active": sum(1 for p in active if group in p.member_groups),
                "joined": sum(
                    1
                    for p in people
                    if group in p.member_groups and p.joined_on and start <= p.joined_on <= end
                ),
                "left": sum(
                    1 for p in people if group in p.member_groups and p.left_on and start <= p.left_on <= end
                ),
            }
            for group in GROUPS
        },
        "total_active": len(active),
        "basic_training": {
            "runs": len(basic_run_ids),
            "sessions": len(basic_sessions),
            "hours": _hours(sum((hours_of(s) for s in basic_sessions), Decimal(0))),
            "participants": len(participants),
            "completed": completed,
        },
        "continuing_education": continuing,
        "training_hours": {
            group: _hours(
                sum(
                    (h for pid, h in hours_by_person.items() if group in by_id[pid].member_groups), Decimal(0)
                )
            )
            for group in GROUPS
        },
        "qualifications": qualifications,
        "clearance": clearance_rows,
    }
    if external:
        report = external_version(report)
    report["narrative"] = narrative(report, organisation, basic_holders, active_count=len(active))
    return report


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


def report_xlsx(report: dict) -> bytes:
    """One sheet per section."""
    import tablib

    from people.exports import dataset

    book = tablib.Databook(
        [dataset(headers, rows, title=title) for title, headers, rows in report_tables(report)]
    )
    return book.export("xlsx")


def report_csv_zip(report: dict) -> bytes:
    """One CSV file per section, zipped."""
    import io
    import zipfile

    from django.utils.text import slugify

    from people.exports import dataset

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, (title, headers, rows) in enumerate(report_tables(report), start=1):
            name = f"{number:02d}-{slugify(title) or 'section'}.csv"
            archive.writestr(name, "\ufeff" + dataset(headers, rows).export("csv"))
    return buffer.getvalue()


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


FORMATS = {
    "pdf": ("application/pdf", "pdf"),
    "json": ("application/json; charset=utf-8", "json"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "csv": ("application/zip", "zip"),
    "html": ("text/html; charset=utf-8", "html"),
}


def render_report(report: dict, organisation: Organisation, external: bool, fmt: str) -> bytes:
    """The report as a file: pdf, json, xlsx (a sheet per section), csv (a zip of sections) or html."""
    import json

    organisation_name = organisation.name
    if fmt == "pdf":
        return report_pdf(report, organisation, external)
    if fmt == "json":
        return (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode()
    if fmt == "xlsx":
        return report_xlsx(report)
    if fmt == "csv":
        return report_csv_zip(report)
    if fmt == "html":
        return report_html(report, organisation_name, external).encode()
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


def hours_chart(organisation: Organisation, start: datetime.date, end: datetime.date) -> bytes:
    """Training hours per month by group, a stacked bar chart (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    months = monthly_training_hours(organisation, start, end)
    labels = list(months)
    figure = Figure(figsize=(8, 3.5))
    axes = figure.subplots()
    bottom = [0.0] * len(labels)
    for group in GROUPS:
        values = [float(months[m][group]) for m in labels]
        axes.bar(labels, values, bottom=bottom, label=str(MEMBER_GROUPS[group]), color=CHART_COLOURS[group])
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axes.set_title(_("Training hours per month"))
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
