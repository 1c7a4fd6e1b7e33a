"""The competence report's figures: what the board hands the municipality and funders.

``competence_report(organisation, start, end, external=False)`` computes every section for a
period in a fixed number of queries and returns plain data (dicts and lists) shaped like the
JSON of ``manage.py competence_report``. The external version (for funders) holds no names or
emails and shows every count from 1 to 4 as "<5".

Each section is a function over a :class:`ReportPeriod` (the organisations, the dates and the
querysets the sections share) answering for every organisation at once, by organisation id.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courses.hours import COURSE_HOURS, self_paced_completions
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
from jour_core.exports import Pseudonyms
from people.membership import is_member_on, members_on
from people.models import MEMBER_GROUPS, Organisation, User, group_field

from ..clearance import clearance_for_organisations, collector_paused, roles_of
from ..dates import format_hours
from ..models import Qualification, QualificationType, ShiftRole, TrainingRecord
from ..validity import valid_on

GROUPS = list(MEMBER_GROUPS)
SUPPRESSED = "<5"
#: What ``organisation`` says in a report summed over every organisation (the umbrella's).
ALL_ORGANISATIONS = "all"
#: The umbrella's overview counts the qualifications that lapse within this many days.
LAPSING_DAYS = 60


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


def _hours_of(hours: float | int | str, people: int | str) -> float | int | str:
    """Hours beside a count of people: suppressed with it (6 hours a person and 18 in all tell
    that 3 trained)."""
    return SUPPRESSED if people == SUPPRESSED else hours


def external_version(report: dict) -> dict:
    """The report for funders: no names, every count of people from 1 to 4 as "<5", and the
    hours of any group or line whose count of people is suppressed as "<5" too, so that no figure
    lets a reader work out a count from 1 to 4."""
    basic = report["basic_training"]
    trained = _suppress_groups(report["trained"])
    people = report["people"]
    external = {
        **report,
        "people": {
            **{group: _suppress_groups(people[group]) for group in GROUPS},
            "shift_workers": suppress(people["shift_workers"]),
            "board_only": suppress(people["board_only"]),
        },
        "total_active": suppress(report["total_active"]),
        "basic_training": {
            **basic,
            **{key: suppress(basic[key]) for key in ("runs", "sessions", "participants", "completed")},
        },
        "basic_holders": suppress(report["basic_holders"]),
        "continuing_education": [_external_line(item) for item in report["continuing_education"]],
        "trained": trained,
        "training_hours": {
            key: _hours_of(value, trained[key]) for key, value in report["training_hours"].items()
        },
        "hours_distribution": {
            "zero": suppress(report["hours_distribution"]["zero"]),
            "met_minimum": _suppress_groups(report["hours_distribution"]["met_minimum"]),
        },
        "qualifications": [
            {**item, "valid": _suppress_groups(item["valid"]), "lapsed": suppress(item["lapsed"])}
            for item in report["qualifications"]
        ],
        "pledge": _suppress_groups(report["pledge"]),
        "clearance": [
            {**item, "cleared": suppress(item["cleared"]), "shift_workers": suppress(item["shift_workers"])}
            for item in report["clearance"]
        ],
    }
    if "per_year" in report:
        external["per_year"] = [_external_year(year) for year in report["per_year"]]
    external.pop("hours_per_person", None)
    return external


def _external_year(year: dict) -> dict:
    trained = suppress(year["trained"])
    return {
        **year,
        **{key: suppress(year[key]) for key in ("sessions", "participants", "completed")},
        "trained": trained,
        "training_hours_total": _hours_of(year["training_hours_total"], trained),
    }


def _external_line(item: dict) -> dict:
    total = suppress(item["participants_total"])
    return {
        **item,
        "participants": _suppress_groups(item["participants"]),
        "participants_total": total,
        "hours": _hours_of(item["hours"], total),
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
    day, the day its figures are as of, and the conditions and querysets the sections share
    (built once, run by each).

    A report is about what happened: its figures are as of ``as_of``, the period's end or, while
    the period lasts, today. A session counts as held once it has ended (before ``now``); one
    still to come is only planned. Who is active, which qualifications are valid and who is
    cleared are judged on ``as_of``; records and completions count up to it."""

    organisations: tuple[Organisation, ...]
    start: datetime.date
    end: datetime.date
    ids: tuple[int, ...]
    as_of: datetime.date
    now: datetime.datetime
    #: People active (members) on ``as_of``, from rows that lead to a person.
    active: Q
    #: The organisations' sessions held in the period (not cancelled, ended).
    sessions: QuerySet

    @classmethod
    def of(
        cls, organisations, start: datetime.date, end: datetime.date, now: datetime.datetime | None = None
    ) -> ReportPeriod:
        organisations = tuple(organisations)
        ids = tuple(o.pk for o in organisations)
        now = now or timezone.now()
        as_of = min(end, timezone.localdate(now))
        period = cls(
            organisations, start, end, ids, as_of, now, members_on(as_of, "person__"), Session.objects
        )
        return dataclasses.replace(period, sessions=Session.objects.filter(period.held()))

    @property
    def until(self) -> tuple[datetime.date, datetime.date]:
        """The dates the records and completions of the period count within."""
        return self.start, self.as_of

    def held(self, path: str = "") -> Q:
        """The organisations' sessions held in the period (``path`` leads to the session)."""
        return self.scheduled(path) & Q(**{f"{path}ends_at__lte": self.now})

    def planned(self, path: str = "") -> Q:
        """The organisations' sessions of the period still to come (or under way) at ``now``."""
        return self.scheduled(path) & Q(**{f"{path}ends_at__gt": self.now})

    def scheduled(self, path: str = "") -> Q:
        """The organisations' sessions of the period that are not cancelled, held or not."""
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
    roles = roles_of(list(period.organisations))
    people = people_per_group(period)
    basic = basic_training(period)
    attended = continuing_attendance(period)
    continuing = continuing_education(period, attended)
    hours = training_hours(period, roles)
    qualifications, basic_holders = qualifications_per_type(period)
    pledge = pledge_renewals(period)
    years = per_year(period)
    shift_workers = {pk: figures["people"]["shift_workers"] for pk, figures in people.items()}
    clearance = clearance_per_role(period, roles, shift_workers)
    reports = {}
    for organisation in period.organisations:
        pk = organisation.pk
        report = {
            "organisation": organisation.slug,
            "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
            "as_of": period.as_of.isoformat(),
            **people[pk],
            "basic_training": basic[pk],
            "continuing_education": continuing[pk],
            **hours[pk],
            "qualifications": qualifications[pk],
            "basic_holders": basic_holders[pk],
            "pledge": pledge[pk],
            "clearance": clearance[pk],
        }
        if years[pk]:
            report["per_year"] = years[pk]
        if external:
            report = external_version(report)
        report["narrative"] = narrative(report, organisation.name)
        reports[pk] = report
    return reports


# The sections -------------------------------------------------------------------------------------

#: Who works shifts: active volunteers and staff (each person once). Shares are of them; members
#: who are only on the board are shown on their own.
SHIFT_GROUPS = ("volunteer", "staff")


def _works_shifts(path: str = "") -> Q:
    return Q(**{f"{path}{group_field('volunteer')}": True}) | Q(**{f"{path}{group_field('staff')}": True})


def people_per_group(period: ReportPeriod) -> dict[int, dict]:
    """Per organisation, its ``people`` (per group: active on ``as_of``, joined and left during
    the period until then; ``shift_workers``, the active volunteers and staff, and ``board_only``,
    each person once) and ``total_active`` (each person once). One query."""
    start, as_of = period.until
    active = members_on(as_of)
    rows = {
        row["organisation_id"]: row
        for row in User.objects.filter(organisation__in=period.ids)
        .values("organisation_id")
        .annotate(
            total_active=Count("pk", filter=active),
            shift_workers=Count("pk", filter=active & _works_shifts()),
            board_only=Count("pk", filter=active & _person_in("board", "") & ~_works_shifts()),
            **{
                f"{what}_{group}": Count("pk", filter=Q(**{group_field(group): True}) & condition)
                for group in GROUPS
                for what, condition in (
                    ("active", active),
                    ("joined", Q(joined_on__range=(start, as_of))),
                    ("left", Q(left_on__range=(start, as_of))),
                )
            },
        )
    }
    figures = {}
    for pk in period.ids:
        row = rows.get(pk, {})
        figures[pk] = {
            "people": {
                **{
                    group: {what: row.get(f"{what}_{group}", 0) for what in ("active", "joined", "left")}
                    for group in GROUPS
                },
                "shift_workers": row.get("shift_workers", 0),
                "board_only": row.get("board_only", 0),
            },
            "total_active": row.get("total_active", 0),
        }
    return figures


def basic_training(period: ReportPeriod) -> dict[int, dict]:
    """Per organisation, the basic training's runs, sessions and hours held in the period, the
    sessions still planned in it, its participants (enrolled in a run with a held session) and
    those who completed it. Three queries."""
    scheduled = Session.objects.filter(period.scheduled(), run__course__kind=CourseKind.BASIC)
    with_hours, session_hours = with_unit_hours(scheduled, session="")
    held = Q(ends_at__lte=period.now)
    rows = {
        row["run__organisation_id"]: row
        for row in with_hours.values("run__organisation_id").annotate(
            runs=Count("run_id", distinct=True, filter=held),
            sessions=Count("pk", filter=held),
            planned=Count("pk", filter=~held),
            hours=Sum(session_hours, filter=held),
        )
    }
    participants = dict(
        Enrolment.objects.filter(
            status=EnrolmentStatus.ENROLLED,
            run__in=scheduled.filter(held).values("run_id"),
        )
        .values("run__organisation_id")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("run__organisation_id", "n")
    )
    completed = dict(
        Completion.objects.filter(
            course__organisation__in=period.ids,
            course__kind=CourseKind.BASIC,
            completed_on__range=period.until,
        )
        .values("course__organisation_id")
        .annotate(n=Count("pk"))
        .values_list("course__organisation_id", "n")
    )
    return {
        pk: {
            "runs": rows.get(pk, {}).get("runs", 0),
            "sessions": rows.get(pk, {}).get("sessions", 0),
            "hours": _hours(rows.get(pk, {}).get("hours")),
            "participants": participants.get(pk, 0),
            "completed": completed.get(pk, 0),
            "planned_sessions": rows.get(pk, {}).get("planned", 0),
        }
        for pk in period.ids
    }


# Training hours: one place for "hours within a period", used by the report's sections and by the
# monthly hours of its chart.


def record_hours(period: ReportPeriod, **by) -> QuerySet:
    """Hours from the external training records dated in the period (until ``as_of``), per
    group: a record's hours for each attendee of the record's own organisation (records in the
    trash do not count). Rows per organisation (``trainingrecord__organisation_id``), and per
    ``by`` (more columns to group by, as for ``values()``); one query when run."""
    return (
        counted_records(period)
        .values("trainingrecord__organisation_id", **by)
        .annotate(
            **{group: Sum("trainingrecord__hours", filter=_person_in(group, "user__")) for group in GROUPS}
        )
    )


def counted_records(period: ReportPeriod) -> QuerySet:
    """(record, attendee) rows whose hours count: dated in the period until ``as_of``, not in the
    trash, the attendee of the record's own organisation."""
    return TrainingRecord.attendees.through.objects.filter(
        trainingrecord__organisation__in=period.ids,
        trainingrecord__date__range=period.until,
        trainingrecord__deleted_at__isnull=True,
        user__organisation_id=F("trainingrecord__organisation_id"),
    )


def attended_continuing(period: ReportPeriod) -> tuple[QuerySet, dict[str, Sum]]:
    """The marks of attended continuing-education sessions held in the period, of people of the
    course's own organisation, and the sums of their unit hours per group (``hours_<group>``,
    each attended session counted) to annotate them with."""
    attended, unit_hours = attended_marks(period)
    return attended, {f"hours_{group}": Sum(unit_hours, filter=_person_in(group)) for group in GROUPS}


def attended_marks(period: ReportPeriod) -> tuple[QuerySet, Any]:
    """The marks of attended continuing-education sessions held in the period, of people of the
    course's own organisation, and the expression of each mark's unit hours."""
    return with_unit_hours(
        # The conditions on the session as joins, not as a subquery: PostgreSQL then starts from
        # the period's sessions instead of from every mark.
        Attendance.objects.filter(
            period.held("session__"),
            person__organisation_id=F("session__run__organisation_id"),
            session__run__course__kind=CourseKind.CONTINUING,
            mark__in=ATTENDED_MARKS,
        )
    )


def continuing_attendance(period: ReportPeriod) -> dict[int, dict]:
    """One pass over the continuing-education marks, by run: its organisation
    (``session__run__organisation_id``), its participants per group and in all (each once) and
    their hours per group (``hours_<group>``). One query."""
    attended, hours = attended_continuing(period)
    return {
        row["session__run_id"]: row
        for row in attended.values("session__run_id", "session__run__organisation_id")
        .annotate(
            **{group: Count("person_id", distinct=True, filter=_person_in(group)) for group in GROUPS},
            total=Count("person_id", distinct=True),
            **hours,
        )
        .order_by()
    }


def continuing_education(period: ReportPeriod, attended: dict[int, dict]) -> dict[int, list[dict]]:
    """Per organisation, the continuing education of the period in date order: external records
    grouped by title, provider and date, its own continuing-education runs (``attended`` is
    :func:`continuing_attendance`) and its self-paced courses; each line's participants per group
    and in all (each person once). Three queries."""
    continuing: dict[int, list[dict]] = defaultdict(list)
    own = Q(attendees__organisation_id=F("organisation_id"))
    # A line may hold records that nobody attended (0 participants); a line of several records
    # shows the largest of their hours (the training hours add each record up).
    for row in (
        TrainingRecord.objects.filter(organisation__in=period.ids, date__range=period.until)
        .values("organisation_id", "title", "provider", "date")
        .annotate(
            hours=Max("hours"),
            total=Count("attendees", distinct=True, filter=own),
            **{
                group: Count("attendees", distinct=True, filter=_person_in(group, "attendees__") & own)
                for group in GROUPS
            },
        )
        .order_by()
    ):
        continuing[row["organisation_id"]].append(_line(row, row["title"], row["provider"], row["date"], row))
    names = {o.pk: o.name for o in period.organisations}
    runs = period.sessions.filter(run__course__kind=CourseKind.CONTINUING)
    with_hours, session_hours = with_unit_hours(runs, session="")
    for row in with_hours.values("run_id", "run__organisation_id", "run__course__title").annotate(
        first=Min("starts_at"), hours=Sum(session_hours)
    ):
        date = timezone.localtime(row["first"]).date()
        provider = names[row["run__organisation_id"]]
        line = _line(row, row["run__course__title"], provider, date, attended.get(row["run_id"], {}))
        continuing[row["run__organisation_id"]].append(line)
    for row in self_paced_lines(period):
        provider = names[row["course__organisation_id"]]
        line = _line(row, row["course__title"], provider, row["first"], row)
        continuing[row["course__organisation_id"]].append(line)
    return {
        pk: sorted(
            continuing[pk], key=lambda item: (item["date"], item["title"], item["provider"], item["hours"])
        )
        for pk in period.ids
    }


def self_paced_lines(period: ReportPeriod) -> QuerySet:
    """One line per self-paced continuing-education course completed in the period: its
    organisation provides it, its date is the first completion's, its hours are the course's,
    its participants those who completed it. One query when run."""
    return (
        self_paced_completions(*period.until, period.ids)
        .values("course_id", "course__organisation_id", "course__title")
        .annotate(
            first=Min("completed_on"),
            hours=Max(COURSE_HOURS),
            total=Count("person_id", distinct=True),
            **{group: Count("person_id", distinct=True, filter=_person_in(group)) for group in GROUPS},
        )
    )


def _line(row: dict, title: str, provider: str, date: datetime.date, counts: dict) -> dict:
    """One line of continuing education."""
    return {
        "title": title,
        "provider": provider,
        "date": date.isoformat(),
        "hours": _hours(row["hours"]),
        "participants": {group: counts.get(group, 0) for group in GROUPS},
        "participants_total": counts.get("total", 0),
    }


def hours_by_person(period: ReportPeriod) -> dict[int, Decimal]:
    """Each person's training hours in the period: her external records, her attended
    continuing-education sessions (their units' hours) and her self-paced continuing education
    (the course's hours on the day she completed it). Three queries."""
    hours: dict[int, Decimal] = defaultdict(Decimal)
    records = counted_records(period).values("user_id").annotate(h=Sum("trainingrecord__hours")).order_by()
    attended, unit_hours = attended_marks(period)
    sessions = attended.values("person_id").annotate(h=Sum(unit_hours)).order_by()
    self_paced = (
        self_paced_completions(*period.until, period.ids).values("person_id").annotate(h=Sum(COURSE_HOURS))
    )
    for person, value in [
        *records.values_list("user_id", "h"),
        *sessions.values_list("person_id", "h"),
        *self_paced.values_list("person_id", "h"),
    ]:
        hours[person] += value or Decimal(0)
    return hours


def training_hours(period: ReportPeriod, roles: list[ShiftRole]) -> dict[int, dict]:
    """Per organisation: ``training_hours`` per group and ``total`` (each person once),
    ``trained`` (how many people had hours, per group and in all), ``hours_distribution`` over
    the active volunteers and staff (how many had none, how many met each role's minimum) and
    ``hours_per_person`` (each active person; the external version drops it). Three queries."""
    hours = hours_by_person(period)
    people = list(
        User.objects.filter(Q(pk__in=list(hours)) | members_on(period.as_of), organisation__in=period.ids)
        .only(
            "organisation_id",
            "first_name",
            "last_name",
            "protected_identity",
            "joined_on",
            "left_on",
            *(group_field(group) for group in GROUPS),
        )
        .order_by("last_name", "first_name", "pk")
    )
    minimums = {
        pk: {r.name: r.min_training_hours for r in roles if r.organisation_id == pk and r.min_training_hours}
        for pk in period.ids
    }
    figures = {pk: _empty_hours(minimums[pk]) for pk in period.ids}
    # One pseudonym per protected person within one organisation's report: numbered among her
    # organisation's, so a number says nothing about the others in the same call.
    pseudonyms = {
        pk: Pseudonyms(p for p in people if p.protected_identity and p.organisation_id == pk)
        for pk in period.ids
    }
    for person in people:
        pk = person.organisation_id
        _count_hours(
            figures[pk], minimums[pk], person, hours.get(person.pk, Decimal(0)), period, pseudonyms[pk]
        )
    for figure in figures.values():
        figure["training_hours"] = {key: _hours(value) for key, value in figure["training_hours"].items()}
    return figures


def _empty_hours(minimums: dict[str, Decimal]) -> dict:
    return {
        "training_hours": {**dict.fromkeys(GROUPS, Decimal(0)), "total": Decimal(0)},
        "trained": {**dict.fromkeys(GROUPS, 0), "total": 0},
        "hours_distribution": {"zero": 0, "met_minimum": dict.fromkeys(minimums, 0)},
        "hours_per_person": [],
    }


def _count_hours(
    figure: dict, minimums: dict[str, Decimal], person: User, hours: Decimal, period: ReportPeriod, pseudonyms
) -> None:
    """Add one person's hours to her organisation's figures (``minimums``: each role's, by name)."""
    groups = [group for group in GROUPS if getattr(person, group_field(group))]
    if hours:
        for key in [*groups, "total"]:
            figure["training_hours"][key] += hours
            figure["trained"][key] += 1
    if not is_member_on(person.joined_on, person.left_on, period.as_of):
        return
    figure["hours_per_person"].append(
        {
            "name": pseudonyms(person) if person.protected_identity else person.get_full_name(),
            "groups": [str(MEMBER_GROUPS[group]) for group in groups],
            "hours": _hours(hours),
        }
    )
    if set(groups) & set(SHIFT_GROUPS):
        distribution = figure["hours_distribution"]
        distribution["zero"] += not hours
        for name, minimum in minimums.items():
            distribution["met_minimum"][name] += hours >= minimum


def qualifications_per_type(period: ReportPeriod) -> tuple[dict[int, list[dict]], dict[int, int]]:
    """Per organisation, its qualification types (by name) with the people active on ``as_of``
    holding one valid then, per group, and those whose one lapsed; and how many active volunteers
    and staff hold a valid qualification granted by a basic-training course. Three queries."""
    as_of = period.as_of
    types = list(
        QualificationType.objects.filter(organisation__in=period.ids)
        .select_related("granted_by_course")
        .order_by("name", "pk")
    )
    held = Qualification.objects.filter(
        period.active,
        type__in=[t.pk for t in types],
        issued_on__lte=as_of,
        person__organisation_id=F("type__organisation_id"),
    )
    valid_q = valid_on(as_of)
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
        held.filter(valid_q, _works_shifts("person__"), type__in=basic_type_ids)
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


def pledge_renewals(period: ReportPeriod) -> dict[int, dict]:
    """Per organisation, the confidentiality pledge (the type marked ``is_pledge``) of its active
    volunteers and staff: how many hold a current one on ``as_of``, how many pledges fell due
    for renewal in the period until then, and how many of those were renewed on time (a later
    pledge given on or before the day the old one fell due). Two queries."""
    pledges = Qualification.objects.filter(
        period.active,
        _works_shifts("person__"),
        type__is_pledge=True,
        type__organisation__in=period.ids,
        person__organisation_id=F("type__organisation_id"),
    )
    current = dict(
        pledges.filter(valid_on(period.as_of))
        .values("type__organisation_id")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("type__organisation_id", "n")
    )
    renewed = Qualification.objects.filter(
        person_id=OuterRef("person_id"),
        type_id=OuterRef("type_id"),
        issued_on__gt=OuterRef("issued_on"),
        issued_on__lte=OuterRef("expires_on"),
    )
    due = {
        row["type__organisation_id"]: row
        for row in pledges.filter(expires_on__range=period.until)
        .values("type__organisation_id")
        .annotate(due=Count("pk"), renewed_on_time=Count("pk", filter=Exists(renewed)))
    }
    return {
        pk: {
            "current": current.get(pk, 0),
            "due": due.get(pk, {}).get("due", 0),
            "renewed_on_time": due.get(pk, {}).get("renewed_on_time", 0),
        }
        for pk in period.ids
    }


def per_year(period: ReportPeriod) -> dict[int, list[dict]]:
    """Per organisation, when the period spans more than one calendar year, the main figures of
    each year's part of it side by side (the municipality follows up every four years): the
    basic training's sessions, hours, participants and completions, the continuing-education
    lines and the training hours (each person once). A fixed number of queries per year."""
    years = range(period.start.year, period.end.year + 1)
    rows: dict[int, list[dict]] = {pk: [] for pk in period.ids}
    if len(years) < 2:
        return rows
    for year in years:
        part = ReportPeriod.of(
            period.organisations,
            max(period.start, datetime.date(year, 1, 1)),
            min(period.end, datetime.date(year, 12, 31)),
            now=period.now,
        )
        basic = basic_training(part)
        lines = continuing_education(part, continuing_attendance(part))
        hours, trained = _hours_per_organisation(part)
        for pk in period.ids:
            rows[pk].append(
                {
                    "year": year,
                    **{key: basic[pk][key] for key in ("sessions", "hours", "participants", "completed")},
                    "continuing_education_lines": len(lines[pk]),
                    "training_hours_total": _hours(hours.get(pk)),
                    "trained": trained.get(pk, 0),
                }
            )
    return rows


def _hours_per_organisation(period: ReportPeriod) -> tuple[dict[int, Decimal], dict[int, int]]:
    """Per organisation, its people's training hours in the period (each person once) and how
    many people had any. Four queries."""
    hours = hours_by_person(period)
    organisation_of = dict(User.objects.filter(pk__in=list(hours)).values_list("pk", "organisation_id"))
    totals: dict[int, Decimal] = defaultdict(Decimal)
    trained: dict[int, int] = defaultdict(int)
    for person, value in hours.items():
        if value:
            totals[organisation_of[person]] += value
            trained[organisation_of[person]] += 1
    return totals, trained


def clearance_per_role(
    period: ReportPeriod, roles: list[ShiftRole], shift_workers: dict[int, int]
) -> dict[int, list[dict]]:
    """Per organisation, each shift role with how many active volunteers and staff are cleared
    for it on ``as_of``, beside how many there are (``shift_workers``, by organisation id)."""
    cleared: dict[int, int] = defaultdict(int)
    for result in clearance_for_organisations(list(period.organisations), period.as_of, roles=roles):
        if result.cleared and set(result.person.member_groups) & set(SHIFT_GROUPS):
            cleared[result.role.id] += 1
    per_organisation: dict[int, list[dict]] = {pk: [] for pk in period.ids}
    for role in roles:
        if role.organisation_id in per_organisation:
            per_organisation[role.organisation_id].append(
                {
                    "role": role.name,
                    "cleared": cleared[role.id],
                    "shift_workers": shift_workers[role.organisation_id],
                }
            )
    return per_organisation


def narrative(report: dict, organisation: str) -> str:
    """How the association ensures its people are competent, in words made only from the
    figures; in the external version no sentence holds a figure that is suppressed."""
    parts = [
        _(
            "%(org)s ensures that its staff and volunteers are competent and suitable through its own basic "
            "training, a study circle, and continuing education."
        )
        % {"org": organisation},
        _("Figures as of %(date)s.") % {"date": report["as_of"]},
    ]
    sentences = (_study_circle(report), _continuing(report), _basic_share(report), _pledge(report))
    parts += [sentence for sentence in sentences if sentence]
    return " ".join(parts)


def _shown(*values) -> bool:
    return SUPPRESSED not in values


def _study_circle(report: dict) -> str:
    basic = report["basic_training"]
    if not basic["sessions"] or not _shown(basic["sessions"], basic["participants"], basic["completed"]):
        return ""
    return " ".join(
        [
            ngettext(
                "During the period the study circle met once, %(hours)s hours in all.",
                "During the period the study circle met %(sessions)s times, %(hours)s hours in all.",
                basic["sessions"],
            )
            % {"sessions": basic["sessions"], "hours": _spoken_hours(basic["hours"])},
            ngettext(
                "It had %(participants)s participant; %(completed)s completed it.",
                "It had %(participants)s participants; %(completed)s completed it.",
                basic["participants"],
            )
            % {"participants": basic["participants"], "completed": basic["completed"]},
        ]
    )


def _continuing(report: dict) -> str:
    lines = report["continuing_education"]
    if not lines:
        return ""
    providers = sorted({item["provider"] for item in lines if item["provider"]})
    return ngettext(
        "Continuing education: %(count)s course or event, arranged by %(providers)s.",
        "Continuing education: %(count)s courses and events, arranged by %(providers)s.",
        len(lines),
    ) % {"count": len(lines), "providers": spoken_list(providers)}


def _basic_share(report: dict) -> str:
    workers, holders, board = (
        report["people"]["shift_workers"],
        report["basic_holders"],
        report["people"]["board_only"],
    )
    if not workers or not _shown(workers, holders):
        return ""
    sentence = _(
        "%(share)s %% of the active volunteers and staff hold the basic qualification on %(date)s."
    ) % {"share": round(100 * holders / workers), "date": report["as_of"]}
    if board and _shown(board):
        sentence += " " + ngettext(
            "%(count)s board member who does not work shifts is not counted.",
            "%(count)s board members who do not work shifts are not counted.",
            board,
        ) % {"count": board}
    return sentence


def _pledge(report: dict) -> str:
    pledge, workers = report["pledge"], report["people"]["shift_workers"]
    if not workers or not _shown(workers, *pledge.values()):
        return ""
    sentence = ngettext(
        "%(current)s of the %(workers)s active volunteers and staff has a current confidentiality pledge.",
        "%(current)s of the %(workers)s active volunteers and staff have a current confidentiality pledge.",
        pledge["current"],
    ) % {"current": pledge["current"], "workers": workers}
    if pledge["due"]:
        sentence += " " + ngettext(
            "%(due)s pledge was due for renewal in the period; %(renewed)s was renewed on time.",
            "%(due)s pledges were due for renewal in the period; %(renewed)s were renewed on time.",
            pledge["due"],
        ) % {"due": pledge["due"], "renewed": pledge["renewed_on_time"]}
    return sentence


def spoken_list(items: list[str]) -> str:
    """ "A, B and C" in the active language."""
    if len(items) < 2:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def _spoken_hours(hours: float | int) -> str:
    """Hours with the decimal comma the narrative is read with."""
    return format_hours(Decimal(str(hours))).replace(".", ",")


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


def monthly_training_hours(
    subject: Organisation | Umbrella, start: datetime.date, end: datetime.date
) -> dict:
    """Training hours per month (YYYY-MM, every month of the period) and group: the report's
    ``training_hours`` (the same three sources: :func:`record_hours`,
    :func:`attended_continuing` and the self-paced completions), grouped by month."""
    months: dict[str, dict[str, Decimal]] = {}
    day = start.replace(day=1)
    while day <= end:
        months[day.strftime("%Y-%m")] = dict.fromkeys(GROUPS, Decimal(0))
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    period = ReportPeriod.of(organisations_of(subject), start, end)
    records = record_hours(period, month=TruncMonth("trainingrecord__date"))
    attended, hours = attended_continuing(period)
    sessions = attended.values(month=TruncMonth("session__starts_at")).annotate(**hours).order_by()
    self_paced = (
        self_paced_completions(*period.until, period.ids)
        .values(month=TruncMonth("completed_on"))
        .annotate(**{group: Sum(COURSE_HOURS, filter=_person_in(group)) for group in GROUPS})
    )
    for rows, field in ((records, "{}"), (sessions, "hours_{}"), (self_paced, "{}")):
        for row in rows:
            totals = months[row["month"].strftime("%Y-%m")]
            for group in GROUPS:
                totals[group] += row[field.format(group)] or Decimal(0)
    return months


# The umbrella: every organisation at once ---------------------------------------------------------


@dataclass(frozen=True)
class Umbrella:
    """Every organisation at once, where the report's files and charts are made for one
    organisation: it has a ``name`` as an organisation has, and no ``pk``."""

    organisations: tuple[Organisation, ...]
    pk = None

    @property
    def name(self) -> str:
        return _("All organisations")


def organisations_of(subject: Organisation | Umbrella) -> tuple[Organisation, ...]:
    """The organisations a report is of."""
    return subject.organisations if isinstance(subject, Umbrella) else (subject,)


def summed_report(
    organisations: list[Organisation], start: datetime.date, end: datetime.date, external: bool = False
) -> dict:
    """One report for all ``organisations``: their internal figures summed (a person belongs to
    one organisation, so sums of people count each once), then, for the external version, the
    suppression applied to the sums. No one's hours are listed by name."""
    reports = list(competence_reports(organisations, start, end).values())
    total = _summed(reports) if reports else {}
    if external:
        total = external_version(total)
    total["narrative"] = narrative(total, _("All organisations"))
    return total


def _summed(reports: list[dict]) -> dict:
    first = reports[0]
    people = {
        **{group: _sum_dicts([r["people"][group] for r in reports]) for group in GROUPS},
        **_sum_dicts([{k: r["people"][k] for k in ("shift_workers", "board_only")} for r in reports]),
    }
    summed = {
        "organisation": ALL_ORGANISATIONS,
        "period": first["period"],
        "as_of": first["as_of"],
        "people": people,
        "total_active": sum(r["total_active"] for r in reports),
        "basic_training": _sum_dicts([r["basic_training"] for r in reports]),
        "continuing_education": sorted(
            (line for r in reports for line in r["continuing_education"]),
            key=lambda item: (item["date"], item["title"], item["provider"], item["hours"]),
        ),
        "training_hours": _sum_dicts([r["training_hours"] for r in reports]),
        "trained": _sum_dicts([r["trained"] for r in reports]),
        "hours_distribution": {
            "zero": sum(r["hours_distribution"]["zero"] for r in reports),
            "met_minimum": _sum_dicts([r["hours_distribution"]["met_minimum"] for r in reports]),
        },
        "qualifications": _sum_by(reports, "qualifications", "type", ("valid", "lapsed")),
        "basic_holders": sum(r["basic_holders"] for r in reports),
        "pledge": _sum_dicts([r["pledge"] for r in reports]),
        "clearance": _sum_by(reports, "clearance", "role", ("cleared", "shift_workers")),
    }
    if "per_year" in first:
        summed["per_year"] = [
            {
                "year": years[0]["year"],
                **_sum_dicts([{k: v for k, v in y.items() if k != "year"} for y in years]),
            }
            for years in zip(*(r["per_year"] for r in reports), strict=True)
        ]
    return summed


def _sum_dicts(dicts: list[dict]) -> dict:
    """Key by key: numbers added (hours exactly, as decimals), dicts of numbers added in turn."""
    keys = list(dict.fromkeys(key for d in dicts for key in d))
    result = {}
    for key in keys:
        values = [d[key] for d in dicts if key in d]
        if isinstance(values[0], dict):
            result[key] = _sum_dicts(values)
        else:
            total = sum(Decimal(str(value)) for value in values)
            result[key] = int(total) if total == int(total) else float(total)
    return result


def _sum_by(reports: list[dict], section: str, name: str, keys: tuple[str, ...]) -> list[dict]:
    """The section's rows of every report, those of the same ``name`` added up, by name."""
    rows: dict[str, list[dict]] = defaultdict(list)
    for report in reports:
        for row in report[section]:
            rows[row[name]].append({key: row[key] for key in keys})
    return [{name: key, **_sum_dicts(group)} for key, group in sorted(rows.items())]


def umbrella_overview(organisations: list[Organisation], today: datetime.date) -> list[dict]:
    """One row per organisation, as of ``today``: its active volunteers and staff, the share of
    them with the basic training, the share cleared for each of its roles, and the valid
    qualifications of its active people that lapse within 60 days. A fixed number of queries."""
    reports = competence_reports(organisations, today, today)
    lapsing = dict(
        Qualification.objects.filter(
            members_on(today, "person__"),
            valid_on(today),
            type__organisation__in=[o.pk for o in organisations],
            person__organisation_id=F("type__organisation_id"),
            expires_on__range=(
                today + datetime.timedelta(days=1),
                today + datetime.timedelta(days=LAPSING_DAYS),
            ),
        )
        .values("type__organisation_id")
        .annotate(n=Count("pk"))
        .values_list("type__organisation_id", "n")
    )
    return [
        {
            "organisation": organisation.name,
            "shift_workers": (workers := reports[organisation.pk]["people"]["shift_workers"]),
            "basic_share": _share(reports[organisation.pk]["basic_holders"], workers),
            "cleared_share": {
                row["role"]: _share(row["cleared"], workers) for row in reports[organisation.pk]["clearance"]
            },
            "lapsing": lapsing.get(organisation.pk, 0),
        }
        for organisation in sorted(organisations, key=lambda o: o.name)
    ]


def _share(part: int, whole: int) -> int | None:
    """A whole percentage, or ``None`` when there is nothing to take a share of."""
    return round(100 * part / whole) if whole else None
