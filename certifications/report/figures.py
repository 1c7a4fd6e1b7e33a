"""The competence report's figures: what the board hands the municipality and funders.

``competence_report(organisation, start, end, external=False)`` computes every section for a
period in a fixed number of queries and returns plain data (dicts and lists) shaped like the
JSON of ``manage.py competence_report``. The external version (for funders) holds no names or
emails and shows every count from 1 to 4 as "<5".

Each section is a function over a :class:`ReportPeriod` (the organisations, the dates and the
querysets the sections share) answering for every organisation at once, by organisation id.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
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

from ..clearance import clearance_for_organisations, collector_paused, roles_of
from ..dates import format_hours
from ..models import Qualification, QualificationType, TrainingRecord
from ..validity import valid_on

GROUPS = list(MEMBER_GROUPS)
SUPPRESSED = "<5"


def year_period(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def report_period(report: dict) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a computed (or stored) report's period."""
    period = report["period"]
    return datetime.date.fromisoformat(period["start"]), datetime.date.fromisoformat(period["end"])


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


def _person_in(group: str, path: str = "person__") -> Q:
    """Rows whose person (``path`` leads to her) is in the member group."""
    return Q(**{f"{path}{group_field(group)}": True})


@dataclass(frozen=True)
class ReportPeriod:
    """What every section of the report works on: the organisations, the period's first and last
    day, and the conditions and querysets the sections share (built once, run by each)."""

    organisations: tuple[Organisation, ...]
    start: datetime.date
    end: datetime.date
    ids: tuple[int, ...]
    #: People active (members) at the period's end, from rows that lead to a person.
    active_at_end: Q
    #: The organisations' sessions held in the period (not cancelled).
    sessions: QuerySet

    @classmethod
    def of(cls, organisations, start: datetime.date, end: datetime.date) -> ReportPeriod:
        organisations = tuple(organisations)
        ids = tuple(o.pk for o in organisations)
        sessions = Session.objects.filter(held_within(start, end) & Q(run__organisation__in=ids))
        return cls(organisations, start, end, ids, members_on(end, "person__"), sessions)

    def held(self, path: str = "") -> Q:
        """The organisations' sessions held in the period (``path`` leads to the session)."""
        return held_within(self.start, self.end, path) & Q(**{f"{path}run__organisation__in": self.ids})


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
        return _competence_reports(ReportPeriod.of(organisations, start, end), external)


def _competence_reports(period: ReportPeriod, external: bool) -> dict[int, dict]:
    """Every section, each for all the organisations at once, then one report per organisation."""
    people = people_per_group(period)
    basic = basic_training(period)
    attended = continuing_attendance(period)
    continuing = continuing_education(period, attended)
    hours = training_hours_per_group(period, attended)
    qualifications, basic_holders = qualifications_per_type(period)
    active = {pk: figures["total_active"] for pk, figures in people.items()}
    clearance = clearance_per_role(period, active)
    reports = {}
    for organisation in period.organisations:
        pk = organisation.pk
        report = {
            "organisation": organisation.slug,
            "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
            **people[pk],
            "basic_training": basic[pk],
            "continuing_education": continuing[pk],
            "training_hours": hours[pk],
            "qualifications": qualifications[pk],
            "clearance": clearance[pk],
        }
        if external:
            report = external_version(report)
        report["narrative"] = narrative(report, organisation, basic_holders[pk], active_count=active[pk])
        reports[pk] = report
    return reports


# The sections -------------------------------------------------------------------------------------


def people_per_group(period: ReportPeriod) -> dict[int, dict]:
    """Per organisation, its ``people`` (per group: active at the end, joined and left during the
    period) and ``total_active`` (each person once). One query."""
    start, end = period.start, period.end
    rows = {
        row["organisation_id"]: row
        for row in User.objects.filter(organisation__in=period.ids)
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
    figures = {}
    for pk in period.ids:
        row = rows.get(pk, {})
        figures[pk] = {
            "people": {
                group: {what: row.get(f"{what}_{group}", 0) for what in ("active", "joined", "left")}
                for group in GROUPS
            },
            "total_active": row.get("total_active", 0),
        }
    return figures


def basic_training(period: ReportPeriod) -> dict[int, dict]:
    """Per organisation, the basic training's runs, sessions and hours held in the period, its
    participants (enrolled in such a run) and those who completed it. Three queries."""
    basic_sessions = period.sessions.filter(run__course__kind=CourseKind.BASIC)
    with_hours, session_hours = with_unit_hours(basic_sessions, session="")
    held = {
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
            course__organisation__in=period.ids,
            course__kind=CourseKind.BASIC,
            completed_on__range=(period.start, period.end),
        )
        .values("course__organisation_id")
        .annotate(n=Count("pk"))
        .values_list("course__organisation_id", "n")
    )
    return {
        pk: {
            "runs": held.get(pk, {}).get("runs", 0),
            "sessions": held.get(pk, {}).get("sessions", 0),
            "hours": _hours(held.get(pk, {}).get("hours")),
            "participants": participants.get(pk, 0),
            "completed": completed.get(pk, 0),
        }
        for pk in period.ids
    }


# Training hours: one place for "hours within a period, per group", used by the report's sections and
# by the monthly hours of its chart.


def record_hours(period: ReportPeriod, **by) -> QuerySet:
    """Hours from the external training records dated in the period, per group: a record's hours
    for each attendee of the record's own organisation (records in the trash do not count).
    Rows per organisation (``trainingrecord__organisation_id``), and per ``by`` (more columns to
    group by, as for ``values()``); one query when run."""
    return (
        TrainingRecord.attendees.through.objects.filter(
            trainingrecord__organisation__in=period.ids,
            trainingrecord__date__range=(period.start, period.end),
            trainingrecord__deleted_at__isnull=True,
            user__organisation_id=F("trainingrecord__organisation_id"),
        )
        .values("trainingrecord__organisation_id", **by)
        .annotate(
            **{group: Sum("trainingrecord__hours", filter=_person_in(group, "user__")) for group in GROUPS}
        )
    )


def attended_continuing(period: ReportPeriod) -> tuple[QuerySet, dict[str, Sum]]:
    """The marks of attended continuing-education sessions held in the period, of people of the
    course's own organisation, and the sums of their unit hours per group (``hours_<group>``,
    each attended session counted) to annotate them with."""
    attended, unit_hours = with_unit_hours(
        # The conditions on the session as joins, not as a subquery: PostgreSQL then starts from
        # the period's sessions instead of from every mark.
        Attendance.objects.filter(
            period.held("session__"),
            person__organisation_id=F("session__run__organisation_id"),
            session__run__course__kind=CourseKind.CONTINUING,
            mark__in=ATTENDED_MARKS,
        )
    )
    return attended, {f"hours_{group}": Sum(unit_hours, filter=_person_in(group)) for group in GROUPS}


def continuing_attendance(period: ReportPeriod) -> dict[int, dict]:
    """One pass over the continuing-education marks, by run: its organisation
    (``session__run__organisation_id``), its participants per group (each once) and their hours
    per group (``hours_<group>``). One query."""
    attended, hours = attended_continuing(period)
    return {
        row["session__run_id"]: row
        for row in attended.values("session__run_id", "session__run__organisation_id")
        .annotate(
            **{group: Count("person_id", distinct=True, filter=_person_in(group)) for group in GROUPS},
            **hours,
        )
        .order_by()
    }


def continuing_education(period: ReportPeriod, attended: dict[int, dict]) -> dict[int, list[dict]]:
    """Per organisation, the continuing education of the period in date order: external records
    grouped by title, provider and date, and its own continuing-education runs (``attended`` is
    :func:`continuing_attendance`). Two queries."""
    continuing: dict[int, list[dict]] = defaultdict(list)
    # A line may hold records that nobody attended (0 participants); a line of several records
    # shows the largest of their hours (the training hours per group add each record up).
    for row in (
        TrainingRecord.objects.filter(organisation__in=period.ids, date__range=(period.start, period.end))
        .values("organisation_id", "title", "provider", "date")
        .annotate(
            hours=Max("hours"),
            **{
                group: Count(
                    "attendees",
                    distinct=True,
                    filter=_person_in(group, "attendees__")
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
    names = {o.pk: o.name for o in period.organisations}
    runs = period.sessions.filter(run__course__kind=CourseKind.CONTINUING)
    with_hours, session_hours = with_unit_hours(runs, session="")
    for row in with_hours.values("run_id", "run__organisation_id", "run__course__title").annotate(
        first=Min("starts_at"), hours=Sum(session_hours)
    ):
        counts = attended.get(row["run_id"], {})
        continuing[row["run__organisation_id"]].append(
            {
                "title": row["run__course__title"],
                "provider": names[row["run__organisation_id"]],
                "date": timezone.localtime(row["first"]).date().isoformat(),
                "hours": _hours(row["hours"]),
                "participants": {group: counts.get(group, 0) for group in GROUPS},
            }
        )
    return {
        pk: sorted(
            continuing[pk], key=lambda item: (item["date"], item["title"], item["provider"], item["hours"])
        )
        for pk in period.ids
    }


def training_hours_per_group(period: ReportPeriod, attended: dict[int, dict]) -> dict[int, dict]:
    """Per organisation, the training hours per group: external records plus attended
    continuing-education sessions (``attended`` is :func:`continuing_attendance`). One query."""
    hours: dict[int, dict[str, Decimal]] = {pk: dict.fromkeys(GROUPS, Decimal(0)) for pk in period.ids}
    for row in record_hours(period):
        totals = hours[row["trainingrecord__organisation_id"]]
        for group in GROUPS:
            totals[group] += row[group] or Decimal(0)
    for row in attended.values():
        totals = hours[row["session__run__organisation_id"]]
        for group in GROUPS:
            totals[group] += row[f"hours_{group}"] or Decimal(0)
    return {pk: {group: _hours(totals[group]) for group in GROUPS} for pk, totals in hours.items()}


def qualifications_per_type(period: ReportPeriod) -> tuple[dict[int, list[dict]], dict[int, int]]:
    """Per organisation, its qualification types (by name) with the active people holding one
    valid at the period's end, per group, and those whose one lapsed; and how many active people
    hold a valid qualification granted by a basic-training course. Three queries."""
    end = period.end
    types = list(
        QualificationType.objects.filter(organisation__in=period.ids)
        .select_related("granted_by_course")
        .order_by("name", "pk")
    )
    held = Qualification.objects.filter(
        period.active_at_end,
        type__in=[t.pk for t in types],
        issued_on__lte=end,
        person__organisation_id=F("type__organisation_id"),
    )
    valid_q = valid_on(end)
    standing = {
        row["type_id"]: row
        for row in held.values("type_id").annotate(
            holders=Count("person_id", distinct=True),
            valid=Count("person_id", distinct=True, filter=valid_q),
            **{
                group: Count("person_id", distinct=True, filter=valid_q & _person_in(group))
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
    qualifications: dict[int, list[dict]] = {pk: [] for pk in period.ids}
    for qtype in types:
        row = standing.get(qtype.pk, {})
        qualifications[qtype.organisation_id].append(
            {
                "type": qtype.name,
                "valid": {group: row.get(group, 0) for group in GROUPS},
                "lapsed": row.get("holders", 0) - row.get("valid", 0),
            }
        )
    return qualifications, {pk: basic_holders.get(pk, 0) for pk in period.ids}


def clearance_per_role(period: ReportPeriod, active: dict[int, int]) -> dict[int, list[dict]]:
    """Per organisation, each shift role with how many people are cleared for it at the period's
    end, beside ``active`` (the organisation's active people, by organisation id)."""
    roles = roles_of(list(period.organisations))
    cleared: dict[int, int] = defaultdict(int)
    for result in clearance_for_organisations(list(period.organisations), period.end, roles=roles):
        cleared[result.role.id] += result.cleared
    per_organisation: dict[int, list[dict]] = {pk: [] for pk in period.ids}
    for role in roles:
        if role.organisation_id in per_organisation:
            per_organisation[role.organisation_id].append(
                {"role": role.name, "cleared": cleared[role.id], "active": active[role.organisation_id]}
            )
    return per_organisation


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


def narrative_key(report: dict, external: bool) -> str:
    """What a narrative is written for: the report's period and version."""
    start, end = report_period(report)
    return f"{start}|{end}|{'external' if external else 'internal'}"


def with_edited_narrative(report: dict, narrative: str, written_for: str | None, external: bool) -> dict:
    """The report with the narrative a person edited, if she wrote it for this period and version
    (``written_for`` is the :func:`narrative_key` she was shown). Otherwise the generated one:
    switching either starts again from it, so internal figures never leak into the external."""
    narrative = narrative.strip()
    if narrative and written_for == narrative_key(report, external):
        return {**report, "narrative": narrative}
    return report


def monthly_training_hours(organisation: Organisation, start: datetime.date, end: datetime.date) -> dict:
    """Training hours per month (YYYY-MM, every month of the period) and group: the report's
    ``training_hours`` (the same two queries: :func:`record_hours` and
    :func:`attended_continuing`), grouped by month."""
    months: dict[str, dict[str, Decimal]] = {}
    day = start.replace(day=1)
    while day <= end:
        months[day.strftime("%Y-%m")] = dict.fromkeys(GROUPS, Decimal(0))
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    period = ReportPeriod.of([organisation], start, end)
    records = record_hours(period, month=TruncMonth("trainingrecord__date"))
    attended, hours = attended_continuing(period)
    sessions = attended.values(month=TruncMonth("session__starts_at")).annotate(**hours).order_by()
    for rows, field in ((records, "{}"), (sessions, "hours_{}")):
        for row in rows:
            totals = months[row["month"].strftime("%Y-%m")]
            for group in GROUPS:
                totals[group] += row[field.format(group)] or Decimal(0)
    return months
