"""A hand-written SQL baseline of the competence report (``certifications/report.py``).

``report_sql(organisation_ids, start, end)`` gives, for every organisation at once, what
``competence_report(organisation, start, end)`` gives without its ``narrative``. Six set-based
statements, each covering all the organisations (``GROUP BY organisation``), in plain SQL that
runs unchanged on SQLite and PostgreSQL:

1. one row per organisation: its slug and name, the people section (active at the end, joined
   and left in the period, per group; each active person once), the basic course's distinct
   participants (enrolled, not withdrawn, in runs with sessions in the period) and its
   completions in the period, and the training hours per group (the organisation's own people:
   its live training records plus attended sessions of its continuing-education runs);
2. one row per run with non-cancelled sessions in the period: kind, course title, sessions,
   hours and first session, and for continuing-education runs the organisation's own
   attendees (present or late) per group;
3. one row per external continuing-education line: live training records (attended or not),
   grouped by title, provider and date, with the largest hours of the group (as the report) and
   the organisation's own participants per group;
4. one row per qualification type (by name): active people holding a valid one, per group, and
   active people who held one but have none valid (lapsed);
5. the distinct training windows (months) of the shift roles that ask for hours, so that the
   window starts (``add_months``: calendar months clamped to the month's end) and their UTC
   bounds (midnight in Europe/Stockholm) are computed in Python and passed as parameters;
6. one row per shift role: the active people holding a valid qualification of every required
   type and, when the role asks for hours, at least its minimum in its window (training records
   of any organisation and attended continuing-education sessions of any run, as the clearance
   engine counts them; summed per person and window length in one pass).

Hours are summed as whole hundredths (``CAST(ROUND(hours * 100) AS INTEGER)``), so SQLite's
floating-point decimals cannot change a sum or a comparison. ``MATERIALIZED`` and ``CROSS JOIN``
(PostgreSQL 12+, SQLite 3.35+) only steer SQLite's planner to read attendance from the window's
sessions; PostgreSQL plans them as ordinary joins. The Python after the SQL only builds the
dicts, formats hours as the report does and sorts the continuing-education lines by the report's
key (date, title, provider, hours). Run it inside Django (settings loaded).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection
from django.utils import timezone
from wagtail.models import Page

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
from people.models import Organisation, User, group_field


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
    """A stored ``starts_at`` as the report's ``Session.local_date`` (SQLite answers an aggregate
    of it as text in UTC; PostgreSQL as an aware datetime)."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.UTC)
    return timezone.localtime(value).date()


def report_sql(organisation_ids: list[int], start: datetime.date, end: datetime.date) -> dict[int, dict]:
    """organisation id -> the internal report's dict, without "narrative", equal to
    competence_report(org, start, end) minus its "narrative" key."""
    if end < start:
        raise ValueError("the period ends before it starts")
    organisation_ids = list(dict.fromkeys(organisation_ids))
    if not organisation_ids:
        return {}
    ops = connection.ops
    t = _tables()
    flags = {group: group_field(group) for group in GROUPS}
    params: dict = {
        "start": ops.adapt_datefield_value(start),
        "end": ops.adapt_datefield_value(end),
        "period_start": ops.adapt_datetimefield_value(local_datetime(start, datetime.time.min)),
        "period_end": ops.adapt_datetimefield_value(
            local_datetime(end + datetime.timedelta(days=1), datetime.time.min)
        ),
        "basic": CourseKind.BASIC.value,
        "continuing": CourseKind.CONTINUING.value,
        "cancelled": SessionStatus.CANCELLED.value,
        "enrolled": EnrolmentStatus.ENROLLED.value,
    }
    params.update({f"org{i}": pk for i, pk in enumerate(organisation_ids)})
    params.update({f"mark{i}": str(mark) for i, mark in enumerate(sorted(ATTENDED_MARKS))})
    orgs = "IN (" + ", ".join(f"%(org{i})s" for i in range(len(organisation_ids))) + ")"
    marks = "IN (" + ", ".join(f"%(mark{i})s" for i in range(len(ATTENDED_MARKS))) + ")"
    active = (
        "(u.joined_on IS NOT NULL AND u.joined_on <= %(end)s AND (u.left_on IS NULL OR u.left_on >= %(end)s))"
    )
    # One row per (course, unit number): a session's hours (0 without a unit, as the report).
    units = (
        f"(SELECT course_id, number, MAX({_cents('hours')}) AS cents FROM {t['unit']}"
        " GROUP BY course_id, number)"
    )
    # The organisations' non-cancelled sessions in the period, with their kind and hours.
    period_sessions = f"""
        ps AS (
            SELECT s.id AS session_id, s.run_id, r.organisation_id AS org, c.kind, s.starts_at,
                   COALESCE(uh.cents, 0) AS cents
            FROM {t["session"]} s
            JOIN {t["run"]} r ON r.id = s.run_id
            JOIN {t["course"]} c ON c.page_ptr_id = r.course_id
            LEFT JOIN {units} uh ON uh.course_id = r.course_id AND uh.number = s.unit_number
            WHERE r.organisation_id {orgs}
              AND s.starts_at >= %(period_start)s AND s.starts_at < %(period_end)s
              AND s.status <> %(cancelled)s
        )"""

    def per_group_people(prefix: str, person: str = "u.id") -> str:
        return ", ".join(
            f"COUNT(DISTINCT CASE WHEN u.{flag} THEN {person} END) AS {prefix}_{group}"
            for group, flag in flags.items()
        )

    def per_group_sums(prefix: str) -> str:
        """Per group, the rows (distinct people already) whose person is in it."""
        return ", ".join(
            f"SUM(CASE WHEN u.{flag} THEN 1 ELSE 0 END) AS {prefix}_{group}" for group, flag in flags.items()
        )

    with connection.cursor() as cursor:
        # 1. Per organisation: people, basic participants and completions, training hours.
        people_columns = ", ".join(
            f"SUM(CASE WHEN u.{flag} AND {active} THEN 1 ELSE 0 END) AS active_{group}, "
            f"SUM(CASE WHEN u.{flag} AND u.joined_on >= %(start)s AND u.joined_on <= %(end)s "
            f"THEN 1 ELSE 0 END) AS joined_{group}, "
            f"SUM(CASE WHEN u.{flag} AND u.left_on >= %(start)s AND u.left_on <= %(end)s "
            f"THEN 1 ELSE 0 END) AS left_{group}"
            for group, flag in flags.items()
        )
        hours_columns = ", ".join(
            f"SUM(CASE WHEN u.{flag} THEN ev.cents ELSE 0 END) AS hours_{group}"
            for group, flag in flags.items()
        )
        selected = ", ".join(
            f"COALESCE(pp.active_{g}, 0), COALESCE(pp.joined_{g}, 0), COALESCE(pp.left_{g}, 0)"
            for g in GROUPS
        )
        selected_hours = ", ".join(f"COALESCE(th.hours_{g}, 0)" for g in GROUPS)
        cursor.execute(
            f"""
            WITH {period_sessions}
            SELECT o.id, o.slug, o.name, {selected}, COALESCE(pp.total_active, 0),
                   COALESCE(bp.participants, 0), COALESCE(cp.completed, 0), {selected_hours}
            FROM {t["organisation"]} o
            LEFT JOIN (
                SELECT u.organisation_id AS org, {people_columns},
                       SUM(CASE WHEN {active} THEN 1 ELSE 0 END) AS total_active
                FROM {t["user"]} u
                WHERE u.organisation_id {orgs}
                GROUP BY u.organisation_id
            ) pp ON pp.org = o.id
            LEFT JOIN (
                SELECT r.organisation_id AS org, COUNT(DISTINCT e.person_id) AS participants
                FROM {t["enrolment"]} e
                JOIN {t["run"]} r ON r.id = e.run_id
                WHERE e.status = %(enrolled)s
                  AND e.run_id IN (SELECT run_id FROM ps WHERE kind = %(basic)s)
                GROUP BY r.organisation_id
            ) bp ON bp.org = o.id
            LEFT JOIN (
                SELECT c.organisation_id AS org, COUNT(*) AS completed
                FROM {t["completion"]} x
                JOIN {t["course"]} c ON c.page_ptr_id = x.course_id
                WHERE c.organisation_id {orgs} AND c.kind = %(basic)s
                  AND x.completed_on >= %(start)s AND x.completed_on <= %(end)s
                GROUP BY c.organisation_id
            ) cp ON cp.org = o.id
            LEFT JOIN (
                SELECT ev.org, {hours_columns}
                FROM (
                    SELECT tr.organisation_id AS org, m.user_id AS person_id,
                           {_cents("tr.hours")} AS cents
                    FROM {t["record"]} tr
                    JOIN {t["attendees"]} m ON m.trainingrecord_id = tr.id
                    WHERE tr.organisation_id {orgs} AND tr.deleted_at IS NULL
                      AND tr.date >= %(start)s AND tr.date <= %(end)s
                    UNION ALL
                    SELECT ps.org, a.person_id, ps.cents
                    FROM ps
                    JOIN {t["attendance"]} a ON a.session_id = ps.session_id
                    WHERE ps.kind = %(continuing)s AND a.mark {marks}
                ) ev
                JOIN {t["user"]} u ON u.id = ev.person_id AND u.organisation_id = ev.org
                GROUP BY ev.org
            ) th ON th.org = o.id
            WHERE o.id {orgs}
            """,
            params,
        )
        reports: dict[int, dict] = {}
        names: dict[int, str] = {}
        total_active: dict[int, int] = {}
        for row in cursor.fetchall():
            org_id, slug, name, *counts = row
            people = {
                group: {"active": counts[3 * i], "joined": counts[3 * i + 1], "left": counts[3 * i + 2]}
                for i, group in enumerate(GROUPS)
            }
            total, participants, completed, *hours = counts[3 * len(GROUPS) :]
            names[org_id] = name
            total_active[org_id] = total
            reports[org_id] = {
                "organisation": slug,
                "period": {"start": start.isoformat(), "end": end.isoformat()},
                "people": {g: {k: int(v) for k, v in c.items()} for g, c in people.items()},
                "total_active": int(total),
                "basic_training": {
                    "runs": 0,
                    "sessions": 0,
                    "hours": 0,
                    "participants": int(participants),
                    "completed": int(completed),
                },
                "continuing_education": [],
                "training_hours": {g: _hours_of(h) for g, h in zip(GROUPS, hours, strict=True)},
                "qualifications": [],
                "clearance": [],
            }

        # 2. Per run with sessions in the period: kind, title, sessions, hours, first session,
        #    and, for continuing education, the organisation's own attendees per group.
        attendee_columns = ", ".join(f"COALESCE(ap.n_{g}, 0)" for g in GROUPS)
        attendee_groups = ", ".join(f"ap.n_{g}" for g in GROUPS)
        cursor.execute(
            f"""
            WITH {period_sessions}
            SELECT ps.org, ps.run_id, ps.kind, p.title, COUNT(*), SUM(ps.cents), MIN(ps.starts_at),
                   {attendee_columns}
            FROM ps
            JOIN {t["run"]} r ON r.id = ps.run_id
            JOIN {t["page"]} p ON p.id = r.course_id
            LEFT JOIN (
                SELECT x.run_id, {per_group_sums("n")}
                FROM (
                    SELECT DISTINCT ps.run_id, ps.org, a.person_id
                    FROM ps
                    JOIN {t["attendance"]} a ON a.session_id = ps.session_id
                    WHERE ps.kind = %(continuing)s AND a.mark {marks}
                ) x
                JOIN {t["user"]} u ON u.id = x.person_id AND u.organisation_id = x.org
                GROUP BY x.run_id
            ) ap ON ap.run_id = ps.run_id
            GROUP BY ps.org, ps.run_id, ps.kind, p.title, {attendee_groups}
            """,
            params,
        )
        basic_cents: dict[int, int] = {}
        lines: dict[int, list[tuple[tuple, dict]]] = {org_id: [] for org_id in reports}
        for org_id, run_id, kind, title, sessions, cents, first, *attendees in cursor.fetchall():
            if org_id not in reports:
                continue
            if kind == CourseKind.BASIC:
                basic = reports[org_id]["basic_training"]
                basic["runs"] += 1
                basic["sessions"] += int(sessions)
                basic_cents[org_id] = basic_cents.get(org_id, 0) + int(cents)
            elif kind == CourseKind.CONTINUING:
                day = _local_date(first)
                item = {
                    "title": title,
                    "provider": names[org_id],
                    "date": day.isoformat(),
                    "hours": _hours_of(cents),
                    "participants": {g: int(n) for g, n in zip(GROUPS, attendees, strict=True)},
                }
                first_key = first if isinstance(first, str) else first.isoformat()
                lines[org_id].append(((1, first_key, run_id), item))
        for org_id, cents in basic_cents.items():
            reports[org_id]["basic_training"]["hours"] = _hours_of(cents)

        # 3. External continuing education: live records, attended or not, grouped by title,
        #    provider and date (the group's largest hours), the organisation's own people per group.
        cursor.execute(
            f"""
            SELECT tr.organisation_id, tr.title, tr.provider, tr.date, MAX({_cents("tr.hours")}),
                   {per_group_people("n")}
            FROM {t["record"]} tr
            LEFT JOIN {t["attendees"]} m ON m.trainingrecord_id = tr.id
            LEFT JOIN {t["user"]} u ON u.id = m.user_id AND u.organisation_id = tr.organisation_id
            WHERE tr.organisation_id {orgs} AND tr.deleted_at IS NULL
              AND tr.date >= %(start)s AND tr.date <= %(end)s
            GROUP BY tr.organisation_id, tr.title, tr.provider, tr.date
            """,
            params,
        )
        for org_id, title, provider, day, cents, *participants in cursor.fetchall():
            item = {
                "title": title,
                "provider": provider,
                "date": _date(day).isoformat(),
                "hours": _hours_of(cents),
                "participants": {g: int(n) for g, n in zip(GROUPS, participants, strict=True)},
            }
            lines[org_id].append(((0, ""), item))
        for org_id, items in lines.items():
            # The report's order: date, title, provider, hours (then records before runs).
            items.sort(key=lambda x: (x[1]["date"], x[1]["title"], x[1]["provider"], x[1]["hours"], x[0]))
            reports[org_id]["continuing_education"] = [item for _, item in items]

        # 4. Qualifications at the period's end, per type (by name): the active people holding
        #    a valid one per group, and those who held one but have none valid (lapsed).
        valid = (
            "(q.expires_on IS NULL OR q.expires_on >= %(end)s)"
            " AND (q.revoked_on IS NULL OR q.revoked_on > %(end)s)"
        )
        flag_list = ", ".join(f"u.{flag}" for flag in flags.values())
        valid_columns = ", ".join(
            f"COALESCE(SUM(CASE WHEN h.has_valid = 1 AND h.{flag} THEN 1 ELSE 0 END), 0)"
            for flag in flags.values()
        )
        cursor.execute(
            f"""
            SELECT qt.organisation_id, qt.name, {valid_columns},
                   COALESCE(SUM(CASE WHEN h.has_valid = 0 THEN 1 ELSE 0 END), 0)
            FROM {t["qtype"]} qt
            LEFT JOIN (
                SELECT q.type_id, q.person_id, {flag_list},
                       MAX(CASE WHEN {valid} THEN 1 ELSE 0 END) AS has_valid
                FROM {t["qualification"]} q
                JOIN {t["qtype"]} qt2 ON qt2.id = q.type_id
                JOIN {t["user"]} u ON u.id = q.person_id AND u.organisation_id = qt2.organisation_id
                WHERE qt2.organisation_id {orgs} AND q.issued_on <= %(end)s AND {active}
                GROUP BY q.type_id, q.person_id, {flag_list}
            ) h ON h.type_id = qt.id
            WHERE qt.organisation_id {orgs}
            GROUP BY qt.organisation_id, qt.id, qt.name
            ORDER BY qt.organisation_id, qt.name
            """,
            params,
        )
        for org_id, name, *counts in cursor.fetchall():
            *per_group, lapsed = counts
            reports[org_id]["qualifications"].append(
                {
                    "type": name,
                    "valid": {g: int(n) for g, n in zip(GROUPS, per_group, strict=True)},
                    "lapsed": int(lapsed),
                }
            )

        # 5. The distinct windows of the roles that ask for hours.
        cursor.execute(
            f"""
            SELECT DISTINCT training_window_months FROM {t["role"]}
            WHERE organisation_id {orgs} AND min_training_hours IS NOT NULL
            """,
            params,
        )
        windows = sorted(int(months) for (months,) in cursor.fetchall())

        # 6. Clearance per role at the period's end.
        hours_ctes = ""
        hours_condition = ""
        if windows:
            starts = {months: add_months(end, -months) for months in windows}
            for i, months in enumerate(windows):
                params[f"w{i}_months"] = months
                params[f"w{i}_date"] = ops.adapt_datefield_value(starts[months])
                params[f"w{i}_at"] = ops.adapt_datetimefield_value(
                    local_datetime(starts[months], datetime.time.min)
                )
            earliest = min(starts.values())
            params["w_date"] = ops.adapt_datefield_value(earliest)
            params["w_at"] = ops.adapt_datetimefield_value(local_datetime(earliest, datetime.time.min))
            record_sums = ", ".join(
                f"SUM(CASE WHEN tr.date >= %(w{i}_date)s THEN {_cents('tr.hours')} ELSE 0 END) AS h{i}"
                for i in range(len(windows))
            )
            session_sums = ", ".join(
                f"SUM(CASE WHEN ws.starts_at >= %(w{i}_at)s THEN ws.cents ELSE 0 END) AS h{i}"
                for i in range(len(windows))
            )
            person_sums = ", ".join(
                f"COALESCE(rh.h{i}, 0) + COALESCE(sh.h{i}, 0) AS h{i}" for i in range(len(windows))
            )
            hours_ctes = f"""
            , rh AS (
                SELECT m.user_id AS person_id, {record_sums}
                FROM {t["attendees"]} m
                JOIN {t["record"]} tr ON tr.id = m.trainingrecord_id
                JOIN {t["user"]} u ON u.id = m.user_id
                WHERE tr.deleted_at IS NULL AND tr.date >= %(w_date)s AND tr.date <= %(end)s
                  AND u.organisation_id {orgs}
                GROUP BY m.user_id
            ), ws AS MATERIALIZED (
                SELECT s.id AS session_id, s.starts_at, COALESCE(uh.cents, 0) AS cents
                FROM {t["session"]} s
                JOIN {t["run"]} r ON r.id = s.run_id
                JOIN {t["course"]} c ON c.page_ptr_id = r.course_id
                LEFT JOIN {units} uh ON uh.course_id = r.course_id AND uh.number = s.unit_number
                WHERE c.kind = %(continuing)s AND s.unit_number IS NOT NULL AND s.status <> %(cancelled)s
                  AND s.starts_at >= %(w_at)s AND s.starts_at < %(period_end)s
            ), sh AS (
                SELECT a.person_id, {session_sums}
                FROM ws CROSS JOIN {t["attendance"]} a
                JOIN {t["user"]} u ON u.id = a.person_id
                WHERE a.session_id = ws.session_id AND a.mark {marks} AND u.organisation_id {orgs}
                GROUP BY a.person_id
            ), ph AS (
                SELECT ap.person_id, ap.org, {person_sums}
                FROM ap
                LEFT JOIN rh ON rh.person_id = ap.person_id
                LEFT JOIN sh ON sh.person_id = ap.person_id
            )"""
            by_window = " ".join(f"WHEN %(w{i}_months)s THEN ph.h{i}" for i in range(len(windows)))
            hours_condition = f"""
                AND (r.min_training_hours IS NULL
                     OR (CASE r.training_window_months {by_window} END)
                        >= ROUND(r.min_training_hours * 100))"""
        else:
            hours_ctes = ", ph AS (SELECT person_id, org FROM ap)"
        cursor.execute(
            f"""
            WITH ap AS (
                SELECT u.id AS person_id, u.organisation_id AS org
                FROM {t["user"]} u
                WHERE u.organisation_id {orgs} AND {active}
            ), needed AS (
                SELECT rq.role_id, COUNT(DISTINCT rq.qualification_type_id) AS n
                FROM {t["requirement"]} rq
                JOIN {t["role"]} r ON r.id = rq.role_id
                WHERE r.organisation_id {orgs}
                GROUP BY rq.role_id
            ), held AS (
                SELECT rq.role_id, q.person_id, COUNT(DISTINCT rq.qualification_type_id) AS n
                FROM {t["requirement"]} rq
                JOIN {t["role"]} r ON r.id = rq.role_id
                JOIN {t["qualification"]} q ON q.type_id = rq.qualification_type_id
                WHERE r.organisation_id {orgs} AND q.issued_on <= %(end)s AND {valid}
                GROUP BY rq.role_id, q.person_id
            ){hours_ctes}
            SELECT r.organisation_id, r.name,
                   SUM(CASE WHEN ph.person_id IS NOT NULL AND COALESCE(held.n, 0) = COALESCE(needed.n, 0)
                            {hours_condition} THEN 1 ELSE 0 END)
            FROM {t["role"]} r
            LEFT JOIN needed ON needed.role_id = r.id
            LEFT JOIN ph ON ph.org = r.organisation_id
            LEFT JOIN held ON held.role_id = r.id AND held.person_id = ph.person_id
            WHERE r.organisation_id {orgs}
            GROUP BY r.organisation_id, r.id, r.name, r.sort_order
            ORDER BY r.organisation_id, r.sort_order, r.name
            """,
            params,
        )
        for org_id, name, cleared in cursor.fetchall():
            reports[org_id]["clearance"].append(
                {"role": name, "cleared": int(cleared), "active": int(total_active[org_id])}
            )
    return reports
