"""A hand-written SQL baseline of the competence report (``certifications/report/figures.py``).

``report_sql(organisation_ids, start, end)`` gives, for every organisation at once, what
``competence_report(organisation, start, end)`` gives without its ``narrative``. Six set-based
statements (seven for a period over several calendar years), each covering all the
organisations (``GROUP BY organisation``), in plain SQL that runs unchanged on SQLite and
PostgreSQL.

As the report, the figures are as of ``as_of`` = min(period end, today): ``now`` is taken once
(``timezone.now()``) and ``as_of`` computed from it in Python, both passed as parameters. A
session counts as held once it has ended (``ends_at <= now``); one of the period still to come
(or under way) is only planned. Who is active, which qualifications are valid and who is
cleared are judged on ``as_of``; records and completions count from the period's start until
``as_of``.

1. one row per organisation: its slug and name, the people section (active on ``as_of``,
   joined and left in the period until then, per group; each active person once, the active
   volunteers and staff and the board-only members), the basic course's distinct participants
   (enrolled, not withdrawn, in runs with a session held in the period), its completions and
   the active volunteers and staff holding a valid qualification granted by a basic course,
   and their confidentiality pledges (the type marked ``is_pledge``): current on ``as_of``,
   due in the period until then, renewed on time (a later one issued by the day it fell due);
2. one row per continuing-education line or basic run, in one ``UNION ALL``: per run with
   non-cancelled sessions in the period its kind, course title, held and planned sessions,
   held hours and first held session, and for continuing-education runs the organisation's own
   attendees (present or late) per group and in all; per external line the live training
   records (attended or not) grouped by title, provider and date, with the largest hours of
   the group (as the report) and the organisation's own participants per group and in all; per
   self-paced continuing-education course completed in the period (``courses/hours.py``: by
   her own organisation's people, not through a run) its first completion, its hours (the sum
   of its units') and who completed it;
3. one row per qualification type (by name): the groups it applies to, active people holding
   a valid one, per group, and active people it applies to who held one but have none valid
   (lapsed);
4. the shift roles (name, minimum hours, window), in their order: the distinct windows give
   the window starts (``add_months``: calendar months clamped to the month's end) and their
   UTC bounds (midnight in Europe/Stockholm), computed in Python and passed as parameters, and
   the minimums give ``hours_distribution``;
5. one row per shift role: the active volunteers and staff holding a valid qualification of
   every type it requires of them (``certifications/applicability.py``; the types that apply to
   everyone counted once per role, the others per person) and, when the role asks for hours,
   at least its minimum in its window (training records of any organisation, attended
   continuing-education sessions of her own organisation's runs and her self-paced
   completions, as the clearance engine counts them; summed per person and window length in
   one pass);
6. one row per person active on ``as_of`` or with training hours in the period: her name,
   groups, protected identity and hours (her own organisation's live records, attended held
   continuing-education sessions and self-paced completions). Python adds them up into
   ``training_hours`` (per group and each person once), ``trained``, ``hours_distribution`` and
   ``hours_per_person``
   (protected people named by ``Pseudonyms``, numbered per organisation);
7. only when the period spans several calendar years, ``per_year``: one ``UNION ALL`` of
   (organisation, year, figure) rows, the year of each row a ``CASE`` on 1 January's bounds
   passed as parameters (each year's part is as of min(its end, today), which cuts the period's
   dates at each 1 January).

Hours are summed as whole hundredths (``CAST(ROUND(hours * 100) AS INTEGER)``), so SQLite's
floating-point decimals cannot change a sum or a comparison. ``MATERIALIZED`` and ``CROSS JOIN``
(PostgreSQL 12+, SQLite 3.35+) only steer SQLite's planner to read attendance from the window's
sessions; PostgreSQL plans them as ordinary joins. The Python after the SQL builds the dicts,
adds up statement 6's people, formats hours as the report does and sorts the continuing-education
lines by the report's key (date, title, provider, hours). Run it inside Django (settings loaded).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.utils import timezone
from wagtail.models import Page

from benchmarks.sql_clearance import applies_sql
from certifications.dates import add_months
from certifications.models import (
    Qualification,
    QualificationType,
    ShiftRole,
    ShiftRoleRequirement,
    TrainingRecord,
)
from certifications.report.figures import GROUPS, _hours
from courses.models import (
    ATTENDED_MARKS,
    Attendance,
    Completion,
    CourseKind,
    CoursePage,
    CourseRun,
    CourseUnit,
    Enrolment,
    EnrolmentStatus,
    Session,
    SessionStatus,
)
from courses.scheduling import local_datetime
from jour_core.exports import Pseudonyms
from people.models import MEMBER_GROUPS, Organisation, User, group_field

SHIFT_GROUPS = ("volunteer", "staff")


def _tables() -> dict[str, str]:
    q = connection.ops.quote_name
    models = {
        "organisation": Organisation,
        "user": User,
        "session": Session,
        "run": CourseRun,
        "course": CoursePage,
        "page": Page,
        "unit": CourseUnit,
        "attendance": Attendance,
        "enrolment": Enrolment,
        "completion": Completion,
        "qtype": QualificationType,
        "qualification": Qualification,
        "record": TrainingRecord,
        "attendees": TrainingRecord.attendees.through,
        "role": ShiftRole,
        "requirement": ShiftRoleRequirement,
    }
    return {name: q(model._meta.db_table) for name, model in models.items()}


def _cents(expression: str) -> str:
    """Hours as whole hundredths: exact on both databases."""
    return f"CAST(ROUND({expression} * 100) AS INTEGER)"


def _hours_of(cents) -> float | int:
    return _hours(Decimal(int(cents or 0)).scaleb(-2))


def _date(value) -> datetime.date:
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _local_date(value) -> datetime.date:
    """A stored ``starts_at`` as the report's local date (SQLite answers an aggregate of it as
    text in UTC; PostgreSQL as an aware datetime)."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.UTC)
    return timezone.localtime(value).date()


def _midnight(day: datetime.date):
    """The stored value of midnight in Stockholm starting ``day``."""
    return connection.ops.adapt_datetimefield_value(local_datetime(day, datetime.time.min))


@dataclass
class _Statement:
    """What the statements share: the tables, the parameters and the recurring conditions."""

    organisation_ids: list[int]
    start: datetime.date
    end: datetime.date
    now: datetime.datetime
    as_of: datetime.date
    t: dict[str, str] = field(default_factory=_tables)
    params: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        ops = connection.ops
        self.flags = {group: group_field(group) for group in GROUPS}
        self.params.update(
            {
                "start": ops.adapt_datefield_value(self.start),
                "end": ops.adapt_datefield_value(self.end),
                "as_of": ops.adapt_datefield_value(self.as_of),
                "now": ops.adapt_datetimefield_value(self.now),
                "period_start": _midnight(self.start),
                "period_end": _midnight(self.end + datetime.timedelta(days=1)),
                "as_of_end": _midnight(self.as_of + datetime.timedelta(days=1)),
                "basic": CourseKind.BASIC.value,
                "continuing": CourseKind.CONTINUING.value,
                "cancelled": SessionStatus.CANCELLED.value,
                "enrolled": EnrolmentStatus.ENROLLED.value,
            }
        )
        self.params.update({f"org{i}": pk for i, pk in enumerate(self.organisation_ids)})
        self.params.update({f"mark{i}": str(mark) for i, mark in enumerate(sorted(ATTENDED_MARKS))})
        self.orgs = "IN (" + ", ".join(f"%(org{i})s" for i in range(len(self.organisation_ids))) + ")"
        self.marks = "IN (" + ", ".join(f"%(mark{i})s" for i in range(len(ATTENDED_MARKS))) + ")"
        #: A person (``u``) active on ``as_of``.
        self.active = (
            "(u.joined_on IS NOT NULL AND u.joined_on <= %(as_of)s"
            " AND (u.left_on IS NULL OR u.left_on >= %(as_of)s))"
        )
        #: A person (``u``) who works shifts: a volunteer or staff.
        self.works_shifts = "(" + " OR ".join(f"u.{self.flags[g]}" for g in SHIFT_GROUPS) + ")"
        #: A qualification (``q``) valid on ``as_of`` (issued by then).
        self.valid = (
            "q.issued_on <= %(as_of)s AND (q.expires_on IS NULL OR q.expires_on >= %(as_of)s)"
            " AND (q.revoked_on IS NULL OR q.revoked_on > %(as_of)s)"
        )
        # One row per course: its hours, the sum of its units' (a self-paced completion's hours).
        self.course_hours = (
            f"(SELECT course_id, SUM({_cents('hours')}) AS cents FROM {self.t['unit']} GROUP BY course_id)"
        )
        # One row per (course, unit number): a session's hours (0 without a unit, as the report).
        self.units = (
            f"(SELECT course_id, number, MAX({_cents('hours')}) AS cents FROM {self.t['unit']}"
            " GROUP BY course_id, number)"
        )

    def period_sessions(self) -> str:
        """``ps``: the organisations' non-cancelled sessions of the period, with their kind,
        hours and whether they are held (ended by ``now``)."""
        t = self.t
        return f"""
        ps AS (
            SELECT s.id AS session_id, s.run_id, r.organisation_id AS org, c.kind, s.starts_at,
                   COALESCE(uh.cents, 0) AS cents,
                   CASE WHEN s.ends_at <= %(now)s THEN 1 ELSE 0 END AS held
            FROM {t["session"]} s
            JOIN {t["run"]} r ON r.id = s.run_id
            JOIN {t["course"]} c ON c.page_ptr_id = r.course_id
            LEFT JOIN {self.units} uh ON uh.course_id = r.course_id AND uh.number = s.unit_number
            WHERE r.organisation_id {self.orgs}
              AND s.starts_at >= %(period_start)s AND s.starts_at < %(period_end)s
              AND s.status <> %(cancelled)s
        )"""

    def self_paced(self, since: str = "%(start)s", joins: str = "") -> str:
        """The FROM and WHERE of a SELECT of self-paced completions (``co``; course ``c``, person
        ``u``, course hours ``ch``, and ``joins``): of the organisations' continuing-education
        courses by their own people, not through a run, dated from ``since`` until ``as_of``."""
        t = self.t
        return f"""
            FROM {t["completion"]} co
            JOIN {t["course"]} c ON c.page_ptr_id = co.course_id
            JOIN {t["user"]} u ON u.id = co.person_id AND u.organisation_id = c.organisation_id
            LEFT JOIN {self.course_hours} ch ON ch.course_id = co.course_id {joins}
            WHERE c.organisation_id {self.orgs} AND c.kind = %(continuing)s AND c.self_paced
              AND co.enrolment_id IS NULL AND co.completed_on >= {since} AND co.completed_on <= %(as_of)s"""

    def per_group_people(self, prefix: str, person: str = "u.id") -> str:
        return ", ".join(
            f"COUNT(DISTINCT CASE WHEN u.{flag} THEN {person} END) AS {prefix}_{group}"
            for group, flag in self.flags.items()
        )

    def per_group_sums(self, prefix: str) -> str:
        """Per group, the rows (distinct people already) whose person is in it."""
        return ", ".join(
            f"SUM(CASE WHEN u.{flag} THEN 1 ELSE 0 END) AS {prefix}_{group}"
            for group, flag in self.flags.items()
        )


def report_sql(organisation_ids: list[int], start: datetime.date, end: datetime.date) -> dict[int, dict]:
    """organisation id -> the internal report's dict, without "narrative", equal to
    competence_report(org, start, end) minus its "narrative" key."""
    if end < start:
        raise ValueError("the period ends before it starts")
    organisation_ids = list(dict.fromkeys(organisation_ids))
    if not organisation_ids:
        return {}
    now = timezone.now()
    st = _Statement(organisation_ids, start, end, now, min(end, timezone.localdate(now)))
    with connection.cursor() as cursor:
        reports, names = _organisations(cursor, st)
        _lines(cursor, st, reports, names)
        _qualifications(cursor, st, reports)
        roles = _roles(cursor, st)
        _clearance(cursor, st, reports, roles)
        _hours_per_person(cursor, st, reports, roles)
        if end.year > start.year:
            _per_year(cursor, st, reports)
    return reports


def _organisations(cursor, st: _Statement) -> tuple[dict[int, dict], dict[int, str]]:
    """1. Per organisation: people, basic participants and completions, basic holders."""
    t, orgs, active = st.t, st.orgs, st.active
    people_columns = ", ".join(
        f"SUM(CASE WHEN u.{flag} AND {active} THEN 1 ELSE 0 END) AS active_{group}, "
        f"SUM(CASE WHEN u.{flag} AND u.joined_on >= %(start)s AND u.joined_on <= %(as_of)s "
        f"THEN 1 ELSE 0 END) AS joined_{group}, "
        f"SUM(CASE WHEN u.{flag} AND u.left_on >= %(start)s AND u.left_on <= %(as_of)s "
        f"THEN 1 ELSE 0 END) AS left_{group}"
        for group, flag in st.flags.items()
    )
    # The pledges (the type marked as the pledge) of the active volunteers and staff.
    pledges = f"""
            FROM {t["qualification"]} q
            JOIN {t["qtype"]} qt ON qt.id = q.type_id
            JOIN {t["user"]} u ON u.id = q.person_id AND u.organisation_id = qt.organisation_id
            WHERE qt.organisation_id {orgs} AND qt.is_pledge AND {active} AND {st.works_shifts}"""
    selected = ", ".join(
        f"COALESCE(pp.active_{g}, 0), COALESCE(pp.joined_{g}, 0), COALESCE(pp.left_{g}, 0)" for g in GROUPS
    )
    cursor.execute(
        f"""
        WITH {st.period_sessions()}
        SELECT o.id, o.slug, o.name, {selected}, COALESCE(pp.total_active, 0),
               COALESCE(pp.shift_workers, 0), COALESCE(pp.board_only, 0),
               COALESCE(bp.participants, 0), COALESCE(cp.completed, 0), COALESCE(bh.holders, 0),
               COALESCE(pc.current, 0), COALESCE(pd.due, 0), COALESCE(pd.renewed, 0)
        FROM {t["organisation"]} o
        LEFT JOIN (
            SELECT u.organisation_id AS org, {people_columns},
                   SUM(CASE WHEN {active} THEN 1 ELSE 0 END) AS total_active,
                   SUM(CASE WHEN {active} AND {st.works_shifts} THEN 1 ELSE 0 END) AS shift_workers,
                   SUM(CASE WHEN {active} AND u.{st.flags["board"]} AND NOT {st.works_shifts}
                       THEN 1 ELSE 0 END) AS board_only
            FROM {t["user"]} u
            WHERE u.organisation_id {orgs}
            GROUP BY u.organisation_id
        ) pp ON pp.org = o.id
        LEFT JOIN (
            SELECT r.organisation_id AS org, COUNT(DISTINCT e.person_id) AS participants
            FROM {t["enrolment"]} e
            JOIN {t["run"]} r ON r.id = e.run_id
            WHERE e.status = %(enrolled)s
              AND e.run_id IN (SELECT run_id FROM ps WHERE kind = %(basic)s AND held = 1)
            GROUP BY r.organisation_id
        ) bp ON bp.org = o.id
        LEFT JOIN (
            SELECT c.organisation_id AS org, COUNT(*) AS completed
            FROM {t["completion"]} x
            JOIN {t["course"]} c ON c.page_ptr_id = x.course_id
            WHERE c.organisation_id {orgs} AND c.kind = %(basic)s
              AND x.completed_on >= %(start)s AND x.completed_on <= %(as_of)s
            GROUP BY c.organisation_id
        ) cp ON cp.org = o.id
        LEFT JOIN (
            SELECT qt.organisation_id AS org, COUNT(DISTINCT q.person_id) AS holders
            FROM {t["qualification"]} q
            JOIN {t["qtype"]} qt ON qt.id = q.type_id
            JOIN {t["course"]} c ON c.page_ptr_id = qt.granted_by_course_id
            JOIN {t["user"]} u ON u.id = q.person_id AND u.organisation_id = qt.organisation_id
            WHERE qt.organisation_id {orgs} AND c.kind = %(basic)s
              AND {active} AND {st.works_shifts} AND {st.valid}
            GROUP BY qt.organisation_id
        ) bh ON bh.org = o.id
        LEFT JOIN (
            SELECT qt.organisation_id AS org, COUNT(DISTINCT q.person_id) AS current
            {pledges} AND {st.valid}
            GROUP BY qt.organisation_id
        ) pc ON pc.org = o.id
        LEFT JOIN (
            SELECT qt.organisation_id AS org, COUNT(*) AS due,
                   SUM(CASE WHEN EXISTS (
                       SELECT 1 FROM {t["qualification"]} q2
                       WHERE q2.person_id = q.person_id AND q2.type_id = q.type_id
                         AND q2.issued_on > q.issued_on AND q2.issued_on <= q.expires_on
                   ) THEN 1 ELSE 0 END) AS renewed
            {pledges} AND q.expires_on >= %(start)s AND q.expires_on <= %(as_of)s
            GROUP BY qt.organisation_id
        ) pd ON pd.org = o.id
        WHERE o.id {orgs}
        """,
        st.params,
    )
    reports: dict[int, dict] = {}
    names: dict[int, str] = {}
    for row in cursor.fetchall():
        org_id, slug, name, *counts = row
        people = {
            group: {"active": counts[3 * i], "joined": counts[3 * i + 1], "left": counts[3 * i + 2]}
            for i, group in enumerate(GROUPS)
        }
        total, shift_workers, board_only, participants, completed, holders, *pledge = counts[
            3 * len(GROUPS) :
        ]
        names[org_id] = name
        reports[org_id] = {
            "organisation": slug,
            "period": {"start": st.start.isoformat(), "end": st.end.isoformat()},
            "as_of": st.as_of.isoformat(),
            "people": {
                **{g: {k: int(v) for k, v in c.items()} for g, c in people.items()},
                "shift_workers": int(shift_workers),
                "board_only": int(board_only),
            },
            "total_active": int(total),
            "basic_training": {
                "runs": 0,
                "sessions": 0,
                "hours": 0,
                "participants": int(participants),
                "completed": int(completed),
                "planned_sessions": 0,
            },
            "continuing_education": [],
            "basic_holders": int(holders),
            "pledge": dict(zip(("current", "due", "renewed_on_time"), map(int, pledge), strict=True)),
            "qualifications": [],
            "clearance": [],
        }
    return reports, names


def _lines(cursor, st: _Statement, reports: dict[int, dict], names: dict[int, str]) -> None:
    """2. The runs with sessions in the period (basic: runs, held and planned sessions, hours;
    continuing education: a line each, with the organisation's own attendees) and the external
    continuing-education lines, in one statement."""
    t, orgs, marks = st.t, st.orgs, st.marks
    attendee_columns = ", ".join(f"COALESCE(ap.n_{g}, 0)" for g in GROUPS)
    attendee_groups = ", ".join(f"ap.n_{g}" for g in GROUPS)
    page_join = f"JOIN {t['page']} p ON p.id = c.page_ptr_id"
    cursor.execute(
        f"""
        WITH {st.period_sessions()}
        SELECT ps.org, 'run', ps.run_id, ps.kind, p.title, NULL, NULL,
               SUM(ps.held), COUNT(*) - SUM(ps.held), SUM(ps.cents * ps.held),
               MIN(CASE WHEN ps.held = 1 THEN ps.starts_at END),
               {attendee_columns}, COALESCE(ap.n_total, 0)
        FROM ps
        JOIN {t["run"]} r ON r.id = ps.run_id
        JOIN {t["page"]} p ON p.id = r.course_id
        LEFT JOIN (
            SELECT x.run_id, {st.per_group_sums("n")}, COUNT(*) AS n_total
            FROM (
                SELECT DISTINCT ps.run_id, ps.org, a.person_id
                FROM ps
                JOIN {t["attendance"]} a ON a.session_id = ps.session_id
                WHERE ps.kind = %(continuing)s AND ps.held = 1 AND a.mark {marks}
            ) x
            JOIN {t["user"]} u ON u.id = x.person_id AND u.organisation_id = x.org
            GROUP BY x.run_id
        ) ap ON ap.run_id = ps.run_id
        GROUP BY ps.org, ps.run_id, ps.kind, p.title, {attendee_groups}, ap.n_total
        UNION ALL
        SELECT tr.organisation_id, 'record', NULL, NULL, tr.title, tr.provider, tr.date,
               NULL, NULL, MAX({_cents("tr.hours")}), NULL,
               {st.per_group_people("n")}, COUNT(DISTINCT u.id)
        FROM {t["record"]} tr
        LEFT JOIN {t["attendees"]} m ON m.trainingrecord_id = tr.id
        LEFT JOIN {t["user"]} u ON u.id = m.user_id AND u.organisation_id = tr.organisation_id
        WHERE tr.organisation_id {orgs} AND tr.deleted_at IS NULL
          AND tr.date >= %(start)s AND tr.date <= %(as_of)s
        GROUP BY tr.organisation_id, tr.title, tr.provider, tr.date
        UNION ALL
        SELECT c.organisation_id, 'self', c.page_ptr_id, NULL, p.title, NULL, MIN(co.completed_on),
               NULL, NULL, MAX(COALESCE(ch.cents, 0)), NULL,
               {st.per_group_people("n", "co.person_id")}, COUNT(DISTINCT co.person_id)
        {st.self_paced(joins=page_join)}
        GROUP BY c.organisation_id, c.page_ptr_id, p.title
        """,
        st.params,
    )
    basic_cents: dict[int, int] = {}
    lines: dict[int, list[tuple[tuple, dict]]] = {org_id: [] for org_id in reports}
    for row in cursor.fetchall():
        org_id, source, run_id, kind, title, provider, day, held, planned, cents, first, *attendees = row
        *per_group, total = attendees
        item = {
            "title": title,
            "hours": _hours_of(cents),
            "participants": {g: int(n) for g, n in zip(GROUPS, per_group, strict=True)},
            "participants_total": int(total),
        }
        if source == "record":
            lines[org_id].append(((0,), {**item, "provider": provider, "date": _date(day).isoformat()}))
        elif source == "self":
            item.update(provider=names[org_id], date=_date(day).isoformat())
            lines[org_id].append(((2, run_id), item))
        elif kind == CourseKind.BASIC:
            basic = reports[org_id]["basic_training"]
            basic["runs"] += 1 if held else 0
            basic["sessions"] += int(held)
            basic["planned_sessions"] += int(planned)
            basic_cents[org_id] = basic_cents.get(org_id, 0) + int(cents)
        elif kind == CourseKind.CONTINUING and held:
            first_key = first if isinstance(first, str) else first.isoformat()
            item.update(provider=names[org_id], date=_local_date(first).isoformat())
            lines[org_id].append(((1, first_key, run_id), item))  # run_id: the run
    for org_id, cents in basic_cents.items():
        reports[org_id]["basic_training"]["hours"] = _hours_of(cents)
    for org_id, items in lines.items():
        # The report's order: date, title, provider, hours (then records, runs, self-paced).
        items.sort(key=lambda x: (x[1]["date"], x[1]["title"], x[1]["provider"], x[1]["hours"], x[0]))
        reports[org_id]["continuing_education"] = [item for _, item in items]


def _qualifications(cursor, st: _Statement, reports: dict[int, dict]) -> None:
    """3. Qualifications on ``as_of``, per type (by name): the groups it applies to, the active
    people holding a valid one per group, and those it applies to who held one but have none
    valid (lapsed)."""
    t, orgs = st.t, st.orgs
    flag_list = ", ".join(f"u.{flag}" for flag in st.flags.values())
    valid_columns = ", ".join(
        f"COALESCE(SUM(CASE WHEN h.has_valid = 1 AND h.{flag} THEN 1 ELSE 0 END), 0)"
        for flag in st.flags.values()
    )
    applies = applies_sql("qt.applies_to", "h")  # lapsed: only those it applies to
    cursor.execute(
        f"""
        SELECT qt.organisation_id, qt.name, CAST(qt.applies_to AS TEXT), {valid_columns},
               COALESCE(SUM(CASE WHEN h.has_valid = 0 AND {applies} THEN 1 ELSE 0 END), 0)
        FROM {t["qtype"]} qt
        LEFT JOIN (
            SELECT q.type_id, q.person_id, {flag_list},
                   MAX(CASE WHEN {st.valid} THEN 1 ELSE 0 END) AS has_valid
            FROM {t["qualification"]} q
            JOIN {t["qtype"]} qt2 ON qt2.id = q.type_id
            JOIN {t["user"]} u ON u.id = q.person_id AND u.organisation_id = qt2.organisation_id
            WHERE qt2.organisation_id {orgs} AND q.issued_on <= %(as_of)s AND {st.active}
            GROUP BY q.type_id, q.person_id, {flag_list}
        ) h ON h.type_id = qt.id
        WHERE qt.organisation_id {orgs}
        GROUP BY qt.organisation_id, qt.id, qt.name, CAST(qt.applies_to AS TEXT)
        ORDER BY qt.organisation_id, qt.name, qt.id
        """,
        st.params,
    )
    for org_id, name, applies_to, *counts in cursor.fetchall():
        *per_group, lapsed = counts
        reports[org_id]["qualifications"].append(
            {
                "type": name,
                "applies_to": json.loads(applies_to),
                "valid": {g: int(n) for g, n in zip(GROUPS, per_group, strict=True)},
                "lapsed": int(lapsed),
            }
        )


class _Role(NamedTuple):
    organisation_id: int
    name: str
    min_cents: int | None  # None: no minimum
    window_months: int


def _roles(cursor, st: _Statement) -> list[_Role]:
    """4. The shift roles, in their order."""
    cursor.execute(
        f"""
        SELECT organisation_id, name, {_cents("min_training_hours")}, training_window_months
        FROM {st.t["role"]}
        WHERE organisation_id {st.orgs}
        ORDER BY organisation_id, sort_order, name
        """,
        st.params,
    )
    return [
        _Role(org_id, name, None if cents is None else int(cents), int(months))
        for org_id, name, cents, months in cursor.fetchall()
    ]


def _window_hours(st: _Statement, windows: list[int]) -> tuple[str, str]:
    """The CTEs of each active person's hours per window (``ph``) and the condition on them."""
    t, orgs, marks, params = st.t, st.orgs, st.marks, st.params
    starts = {months: add_months(st.as_of, -months) for months in windows}
    for i, months in enumerate(windows):
        params[f"w{i}_months"] = months
        params[f"w{i}_date"] = connection.ops.adapt_datefield_value(starts[months])
        params[f"w{i}_at"] = _midnight(starts[months])
    earliest = min(starts.values())
    params["w_date"] = connection.ops.adapt_datefield_value(earliest)
    params["w_at"] = _midnight(earliest)
    record_sums = ", ".join(
        f"SUM(CASE WHEN dh.day >= %(w{i}_date)s THEN dh.cents ELSE 0 END) AS h{i}"
        for i in range(len(windows))
    )
    session_sums = ", ".join(
        f"SUM(CASE WHEN ws.starts_at >= %(w{i}_at)s THEN ws.cents ELSE 0 END) AS h{i}"
        for i in range(len(windows))
    )
    person_sums = ", ".join(
        f"COALESCE(rh.h{i}, 0) + COALESCE(sh.h{i}, 0) AS h{i}" for i in range(len(windows))
    )
    ctes = f"""
        , rh AS (
            SELECT dh.person_id, {record_sums}
            FROM (
                SELECT m.user_id AS person_id, tr.date AS day, {_cents("tr.hours")} AS cents
                FROM {t["attendees"]} m
                JOIN {t["record"]} tr ON tr.id = m.trainingrecord_id
                JOIN {t["user"]} u ON u.id = m.user_id
                WHERE tr.deleted_at IS NULL AND tr.date >= %(w_date)s AND tr.date <= %(as_of)s
                  AND u.organisation_id {orgs}
                UNION ALL
                SELECT co.person_id, co.completed_on, COALESCE(ch.cents, 0)
                {st.self_paced("%(w_date)s")}
            ) dh
            GROUP BY dh.person_id
        ), ws AS MATERIALIZED (
            SELECT s.id AS session_id, r.organisation_id AS org, s.starts_at, COALESCE(uh.cents, 0) AS cents
            FROM {t["session"]} s
            JOIN {t["run"]} r ON r.id = s.run_id
            JOIN {t["course"]} c ON c.page_ptr_id = r.course_id
            LEFT JOIN {st.units} uh ON uh.course_id = r.course_id AND uh.number = s.unit_number
            WHERE c.kind = %(continuing)s AND s.unit_number IS NOT NULL AND s.status <> %(cancelled)s
              AND s.starts_at >= %(w_at)s AND s.starts_at < %(as_of_end)s AND r.organisation_id {orgs}
        ), sh AS (
            SELECT a.person_id, {session_sums}
            FROM ws CROSS JOIN {t["attendance"]} a
            JOIN {t["user"]} u ON u.id = a.person_id
            WHERE a.session_id = ws.session_id AND a.mark {marks} AND u.organisation_id = ws.org
            GROUP BY a.person_id
        ), ph AS (
            SELECT ap.person_id, ap.org, {person_sums}
            FROM ap
            LEFT JOIN rh ON rh.person_id = ap.person_id
            LEFT JOIN sh ON sh.person_id = ap.person_id
        )"""
    by_window = " ".join(f"WHEN %(w{i}_months)s THEN ph.h{i}" for i in range(len(windows)))
    condition = f"""
            AND (r.min_training_hours IS NULL
                 OR (CASE r.training_window_months {by_window} END)
                    >= ROUND(r.min_training_hours * 100))"""
    return ctes, condition


def _clearance(cursor, st: _Statement, reports: dict[int, dict], roles: list[_Role]) -> None:
    """5. Clearance per role on ``as_of``: the active volunteers and staff cleared for it."""
    t, orgs = st.t, st.orgs
    windows = sorted({role.window_months for role in roles if role.min_cents is not None})
    if windows:
        hours_ctes, hours_condition = _window_hours(st, windows)
    else:
        hours_ctes, hours_condition = ", ph AS (SELECT person_id, org FROM ap)", ""
    cursor.execute(
        f"""
        WITH ap AS (
            SELECT u.id AS person_id, u.organisation_id AS org
            FROM {t["user"]} u
            WHERE u.organisation_id {orgs} AND {st.active} AND {st.works_shifts}
        ), needed AS (
            SELECT rq.role_id, COUNT(DISTINCT rq.qualification_type_id) AS n
            FROM {t["requirement"]} rq
            JOIN {t["role"]} r ON r.id = rq.role_id
            JOIN {t["qtype"]} qt ON qt.id = rq.qualification_type_id
            WHERE r.organisation_id {orgs} AND CAST(qt.applies_to AS TEXT) = '[]'
            GROUP BY rq.role_id
        ), needed_of AS (
            SELECT rq.role_id, u.id AS person_id, COUNT(DISTINCT rq.qualification_type_id) AS n
            FROM {t["requirement"]} rq
            JOIN {t["role"]} r ON r.id = rq.role_id
            JOIN {t["qtype"]} qt ON qt.id = rq.qualification_type_id
            JOIN {t["user"]} u ON u.organisation_id = r.organisation_id
            WHERE r.organisation_id {orgs} AND CAST(qt.applies_to AS TEXT) <> '[]'
              AND {applies_sql("qt.applies_to", "u")}
            GROUP BY rq.role_id, u.id
        ), held AS (
            SELECT rq.role_id, q.person_id, COUNT(DISTINCT rq.qualification_type_id) AS n
            FROM {t["requirement"]} rq
            JOIN {t["role"]} r ON r.id = rq.role_id
            JOIN {t["qtype"]} qt ON qt.id = rq.qualification_type_id
            JOIN {t["qualification"]} q ON q.type_id = rq.qualification_type_id
            JOIN {t["user"]} u ON u.id = q.person_id
            WHERE r.organisation_id {orgs} AND {st.valid} AND {applies_sql("qt.applies_to", "u")}
            GROUP BY rq.role_id, q.person_id
        ){hours_ctes}
        SELECT r.organisation_id, r.name,
               SUM(CASE WHEN ph.person_id IS NOT NULL
                             AND COALESCE(held.n, 0) = COALESCE(needed.n, 0) + COALESCE(needed_of.n, 0)
                        {hours_condition} THEN 1 ELSE 0 END)
        FROM {t["role"]} r
        LEFT JOIN needed ON needed.role_id = r.id
        LEFT JOIN ph ON ph.org = r.organisation_id
        LEFT JOIN needed_of ON needed_of.role_id = r.id AND needed_of.person_id = ph.person_id
        LEFT JOIN held ON held.role_id = r.id AND held.person_id = ph.person_id
        WHERE r.organisation_id {orgs}
        GROUP BY r.organisation_id, r.id, r.name, r.sort_order
        ORDER BY r.organisation_id, r.sort_order, r.name
        """,
        st.params,
    )
    for org_id, name, cleared in cursor.fetchall():
        report = reports[org_id]
        report["clearance"].append(
            {"role": name, "cleared": int(cleared), "shift_workers": report["people"]["shift_workers"]}
        )


class _Person(NamedTuple):
    pk: int
    organisation_id: int
    first_name: str
    last_name: str
    protected_identity: bool
    groups: tuple[str, ...]
    active: bool
    cents: int


def _hours_per_person(cursor, st: _Statement, reports: dict[int, dict], roles: list[_Role]) -> None:
    """6. Each person's hours in the period, added up per organisation in Python."""
    t, orgs, marks = st.t, st.orgs, st.marks
    flags = ", ".join(f"u.{flag}" for flag in st.flags.values())
    cursor.execute(
        f"""
        WITH {st.period_sessions()}, ph AS (
            SELECT ev.person_id, ev.org, SUM(ev.cents) AS cents
            FROM (
                SELECT m.user_id AS person_id, tr.organisation_id AS org, {_cents("tr.hours")} AS cents
                FROM {t["record"]} tr
                JOIN {t["attendees"]} m ON m.trainingrecord_id = tr.id
                WHERE tr.organisation_id {orgs} AND tr.deleted_at IS NULL
                  AND tr.date >= %(start)s AND tr.date <= %(as_of)s
                UNION ALL
                SELECT a.person_id, ps.org, ps.cents
                FROM ps
                JOIN {t["attendance"]} a ON a.session_id = ps.session_id
                WHERE ps.kind = %(continuing)s AND ps.held = 1 AND a.mark {marks}
                UNION ALL
                SELECT co.person_id, c.organisation_id, COALESCE(ch.cents, 0)
                {st.self_paced()}
            ) ev
            GROUP BY ev.person_id, ev.org
        )
        SELECT u.id, u.organisation_id, u.first_name, u.last_name, u.protected_identity, {flags},
               CASE WHEN {st.active} THEN 1 ELSE 0 END, ph.cents
        FROM {t["user"]} u
        LEFT JOIN ph ON ph.person_id = u.id AND ph.org = u.organisation_id
        WHERE u.organisation_id {orgs} AND ({st.active} OR ph.person_id IS NOT NULL)
        ORDER BY u.last_name, u.first_name, u.id
        """,
        st.params,
    )
    people: dict[int, list[_Person]] = {org_id: [] for org_id in reports}
    n = len(GROUPS)
    for pk, org_id, first, last, protected, *rest in cursor.fetchall():
        groups = tuple(g for g, flag in zip(GROUPS, rest[:n], strict=True) if flag)
        active, cents = rest[n:]
        people[org_id].append(
            _Person(pk, org_id, first, last, bool(protected), groups, bool(active), int(cents or 0))
        )
    for org_id, persons in people.items():
        minimums = {r.name: r.min_cents for r in roles if r.organisation_id == org_id and r.min_cents}
        reports[org_id].update(_hours_figures(persons, minimums))


def _hours_figures(people: list[_Person], minimums: dict[str, int]) -> dict:
    """One organisation's ``training_hours``, ``trained``, ``hours_distribution`` and
    ``hours_per_person`` from its people (in the report's order)."""
    cents = {**dict.fromkeys(GROUPS, 0), "total": 0}
    trained = {**dict.fromkeys(GROUPS, 0), "total": 0}
    distribution = {"zero": 0, "met_minimum": dict.fromkeys(minimums, 0)}
    listed = []
    pseudonyms = Pseudonyms(person for person in people if person.protected_identity)
    for person in people:
        if person.cents:
            for key in [*person.groups, "total"]:
                cents[key] += person.cents
                trained[key] += 1
        if not person.active:
            continue
        name = (
            pseudonyms(person)
            if person.protected_identity
            else f"{person.first_name} {person.last_name}".strip()
        )
        listed.append(
            {
                "name": name,
                "groups": [str(MEMBER_GROUPS[group]) for group in person.groups],
                "hours": _hours_of(person.cents),
            }
        )
        if set(person.groups) & set(SHIFT_GROUPS):
            distribution["zero"] += not person.cents
            for role, minimum in minimums.items():
                distribution["met_minimum"][role] += person.cents >= minimum
    return {
        "training_hours": {key: _hours_of(value) for key, value in cents.items()},
        "trained": trained,
        "hours_distribution": distribution,
        "hours_per_person": listed,
    }


def _per_year(cursor, st: _Statement, reports: dict[int, dict]) -> None:
    """7. When the period spans several calendar years, the main figures of each year's part
    of it (its figures as of min(the part's end, today): the period's, cut at each 1 January)."""
    t, orgs, marks = st.t, st.orgs, st.marks
    years = list(range(st.start.year, st.end.year + 1))
    for year in years[1:]:
        st.params[f"y{year}_date"] = connection.ops.adapt_datefield_value(datetime.date(year, 1, 1))
        st.params[f"y{year}_at"] = _midnight(datetime.date(year, 1, 1))

    def year_of(column: str, kind: str) -> str:
        """The calendar year (local) of a date (``kind`` "date") or a stored datetime ("at")."""
        cases = " ".join(f"WHEN {column} < %(y{year}_{kind})s THEN {year - 1}" for year in years[1:])
        return f"CASE {cases} ELSE {years[-1]} END"

    cursor.execute(
        f"""
        WITH {st.period_sessions()}, yps AS (
            SELECT ps.*, {year_of("ps.starts_at", "at")} AS yr FROM ps WHERE ps.held = 1
        )
        SELECT org, yr, 'basic', COUNT(*), SUM(cents) FROM yps WHERE kind = %(basic)s GROUP BY org, yr
        UNION ALL
        SELECT x.org, x.yr, 'participants', COUNT(DISTINCT e.person_id), NULL
        FROM (SELECT DISTINCT org, run_id, yr FROM yps WHERE kind = %(basic)s) x
        JOIN {t["enrolment"]} e ON e.run_id = x.run_id
        WHERE e.status = %(enrolled)s
        GROUP BY x.org, x.yr
        UNION ALL
        SELECT org, yr, 'completed', COUNT(*), NULL FROM (
            SELECT c.organisation_id AS org, {year_of("x.completed_on", "date")} AS yr
            FROM {t["completion"]} x
            JOIN {t["course"]} c ON c.page_ptr_id = x.course_id
            WHERE c.organisation_id {orgs} AND c.kind = %(basic)s
              AND x.completed_on >= %(start)s AND x.completed_on <= %(as_of)s
        ) y GROUP BY org, yr
        UNION ALL
        SELECT org, yr, 'lines', COUNT(*), NULL FROM (
            SELECT DISTINCT tr.organisation_id AS org, {year_of("tr.date", "date")} AS yr,
                   tr.title, tr.provider, tr.date
            FROM {t["record"]} tr
            WHERE tr.organisation_id {orgs} AND tr.deleted_at IS NULL
              AND tr.date >= %(start)s AND tr.date <= %(as_of)s
        ) y GROUP BY org, yr
        UNION ALL
        SELECT org, yr, 'lines', COUNT(DISTINCT run_id), NULL FROM yps WHERE kind = %(continuing)s
        GROUP BY org, yr
        UNION ALL
        SELECT org, yr, 'lines', COUNT(DISTINCT course_id), NULL FROM (
            SELECT c.organisation_id AS org, co.course_id, {year_of("co.completed_on", "date")} AS yr
            {st.self_paced()}
        ) y GROUP BY org, yr
        UNION ALL
        SELECT org, yr, 'hours', SUM(CASE WHEN cents <> 0 THEN 1 ELSE 0 END), SUM(cents) FROM (
            SELECT person_id, org, yr, SUM(cents) AS cents FROM (
                SELECT m.user_id AS person_id, tr.organisation_id AS org,
                       {year_of("tr.date", "date")} AS yr, {_cents("tr.hours")} AS cents
                FROM {t["record"]} tr
                JOIN {t["attendees"]} m ON m.trainingrecord_id = tr.id
                JOIN {t["user"]} u ON u.id = m.user_id AND u.organisation_id = tr.organisation_id
                WHERE tr.organisation_id {orgs} AND tr.deleted_at IS NULL
                  AND tr.date >= %(start)s AND tr.date <= %(as_of)s
                UNION ALL
                SELECT a.person_id, yps.org, yps.yr, yps.cents
                FROM yps
                JOIN {t["attendance"]} a ON a.session_id = yps.session_id
                JOIN {t["user"]} u ON u.id = a.person_id AND u.organisation_id = yps.org
                WHERE yps.kind = %(continuing)s AND a.mark {marks}
                UNION ALL
                SELECT co.person_id, c.organisation_id, {year_of("co.completed_on", "date")},
                       COALESCE(ch.cents, 0)
                {st.self_paced()}
            ) ev GROUP BY person_id, org, yr
        ) y GROUP BY org, yr
        """,
        st.params,
    )
    figures = {
        org_id: {
            year: {
                "year": year,
                **dict.fromkeys(("sessions", "hours", "participants", "completed"), 0),
                **dict.fromkeys(("continuing_education_lines", "training_hours_total", "trained"), 0),
            }
            for year in years
        }
        for org_id in reports
    }
    cents: dict[tuple[int, int, str], int] = {}
    for org_id, year, what, n, total in cursor.fetchall():
        row = figures[org_id][int(year)]
        key = {
            "basic": "sessions",
            "participants": "participants",
            "completed": "completed",
            "lines": "continuing_education_lines",
            "hours": "trained",
        }[what]
        row[key] += int(n)
        if total is not None:
            cents[org_id, int(year), what] = int(total)
    for (org_id, year, what), total in cents.items():
        figures[org_id][year]["hours" if what == "basic" else "training_hours_total"] = _hours_of(total)
    for org_id, per_year in figures.items():
        reports[org_id]["per_year"] = list(per_year.values())
