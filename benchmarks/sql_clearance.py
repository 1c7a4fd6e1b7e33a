"""A hand-written SQL baseline of the clearance engine (``certifications/clearance.py``).

It computes the same answer as ``clearance(organisation, on)`` for every person of the given
organisations × every shift role of her own organisation, in three set-based statements that run
unchanged on SQLite and PostgreSQL:

1. the distinct training windows (months) of the roles that ask for hours, so that the window
   starts (``add_months``, calendar months clamped to the month's end) and the sessions' UTC
   bounds (midnight in Europe/Stockholm, as ``courses.scheduling.local_datetime`` makes them)
   can be computed in Python, once per window length, and passed as parameters;
2. one row per (person, role): active on the day, hours in the role's window and the role's
   minimum. Hour events (live training records, attended sessions of continuing-education
   courses, a session's hours being its unit's, 0 without a unit row, and self-paced completions
   of continuing-education courses of her own organisation, not through a run, a completion's
   hours being the sum of its course's units') are put into buckets by
   the shortest window they fall in and summed per person and bucket first; a role of window
   *j* adds up the buckets 0..*j*. The attended sessions start, as the engine's do, from the
   window's sessions of the organisations' runs of continuing-education courses (the
   ``(run, starts_at)`` index), then their marks (by session), never from every mark of the
   people's ten years. Hours are summed as whole hundredths
   (``ROUND(hours * 100)``), so SQLite's floating-point decimals cannot change a sum or a
   comparison;
3. one row per (person, role, required type) that gives a reason or a warning (``missing``,
   ``revoked``, ``expired``, ``expiring``; for the type marked as the confidentiality pledge
   ``renewal_due`` and ``renew_by`` in place of the last two) from the person's qualifications
   of that type issued on or before the day, aggregated per (person, type); the most recently
   issued one is found with ``ROW_NUMBER()``. A type applies to a person only as
   ``certifications/applicability.py`` says (:func:`applies_sql`).

Every other part starts from the organisations' people (the index on ``organisation_id``),
then follows the per-person indexes. The Python after the SQL only turns rows into codes. Run it
inside Django (settings loaded).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import connection

from certifications.clearance import EXPIRY_WARNING_DAYS, Clearance
from certifications.dates import add_months, format_hours
from certifications.models import (
    Qualification,
    QualificationType,
    ShiftRole,
    ShiftRoleRequirement,
    TrainingRecord,
)
from courses.models import (
    ATTENDED_MARKS,
    Attendance,
    Completion,
    CourseKind,
    CoursePage,
    CourseRun,
    CourseUnit,
    Session,
    SessionStatus,
)
from courses.scheduling import local_datetime
from people.models import MEMBER_GROUPS, User, group_field

Row = tuple[int, int, bool, tuple[str, ...], tuple[str, ...], str]


def _tables() -> dict[str, str]:
    q = connection.ops.quote_name
    attendees = TrainingRecord.attendees.through._meta
    return {
        "user": q(User._meta.db_table),
        "role": q(ShiftRole._meta.db_table),
        "requirement": q(ShiftRoleRequirement._meta.db_table),
        "qtype": q(QualificationType._meta.db_table),
        "qualification": q(Qualification._meta.db_table),
        "record": q(TrainingRecord._meta.db_table),
        "attendees": q(attendees.db_table),
        "attendees_record": q(attendees.get_field("trainingrecord").column),
        "attendees_user": q(attendees.get_field("user").column),
        "attendance": q(Attendance._meta.db_table),
        "session": q(Session._meta.db_table),
        "run": q(CourseRun._meta.db_table),
        "course": q(CoursePage._meta.db_table),
        "course_pk": q(CoursePage._meta.pk.column),
        "completion": q(Completion._meta.db_table),
        "unit": q(CourseUnit._meta.db_table),
    }


def _named(prefix: str, values) -> tuple[str, dict]:
    """``%(prefix_0)s, %(prefix_1)s, …`` and the parameters they name."""
    params = {f"{prefix}_{i}": value for i, value in enumerate(values)}
    return ", ".join(f"%({name})s" for name in params), params


def _date(day: datetime.date):
    return connection.ops.adapt_datefield_value(day)


def _midnight(day: datetime.date):
    """The start of ``day`` in Europe/Stockholm, as the database compares ``starts_at``."""
    return connection.ops.adapt_datetimefield_value(local_datetime(day, datetime.time.min))


def _hours(hundredths) -> Decimal:
    return Decimal(int(hundredths)).scaleb(-2)


WINDOWS_SQL = """
SELECT DISTINCT training_window_months FROM {role}
WHERE organisation_id IN ({orgs})
  AND min_training_hours IS NOT NULL AND min_training_hours <> 0
"""

# Window i (0 = the shortest) starts on %(start_i)s, its sessions at %(lo_i)s; an event's bucket
# is the shortest window it falls in, and a role of window j adds up the buckets 0..j.
HOURS_SQL = """
WITH people AS (
    SELECT id, organisation_id,
           CASE WHEN joined_on IS NOT NULL AND joined_on <= %(on)s
                     AND (left_on IS NULL OR left_on >= %(on)s) THEN 1 ELSE 0 END AS active
    FROM {user} WHERE organisation_id IN ({orgs})
),
roles AS (
    SELECT id, organisation_id,
           CASE WHEN min_training_hours IS NULL OR min_training_hours = 0 THEN NULL
                ELSE CAST(ROUND(min_training_hours * 100) AS INTEGER) END AS need,
           CASE WHEN min_training_hours IS NULL OR min_training_hours = 0 THEN NULL
                {window_cases} END AS window_index
    FROM {role} WHERE organisation_id IN ({orgs})
){events_ctes}
SELECT p.id, r.id, p.active, {have}, r.need
FROM people p
JOIN roles r ON r.organisation_id = p.organisation_id{hours_join}
"""

EVENTS_CTES = """,
events AS (
    SELECT a.{attendees_user} AS person_id,
           CASE {record_buckets} END AS bucket,
           CAST(ROUND(tr.hours * 100) AS INTEGER) AS hundredths
    FROM {user} u
    JOIN {attendees} a ON a.{attendees_user} = u.id
    JOIN {record} tr ON tr.id = a.{attendees_record}
    WHERE u.organisation_id IN ({orgs})
      AND tr.deleted_at IS NULL AND tr.date >= %(first_start)s AND tr.date <= %(on)s
    UNION ALL
    SELECT at.person_id,
           CASE {session_buckets} END,
           COALESCE(cu.hundredths, 0)
    FROM {run} cr
    JOIN {course} c ON c.{course_pk} = cr.course_id
    JOIN {session} s ON s.run_id = cr.id
    JOIN {attendance} at ON at.session_id = s.id
    JOIN {user} u ON u.id = at.person_id
    LEFT JOIN (
        SELECT course_id, number, MAX(CAST(ROUND(hours * 100) AS INTEGER)) AS hundredths
        FROM {unit} GROUP BY course_id, number
    ) cu ON cu.course_id = cr.course_id AND cu.number = s.unit_number
    WHERE cr.organisation_id IN ({orgs}) AND c.kind = %(continuing)s
      AND s.starts_at >= %(first_lo)s AND s.starts_at < %(hi)s
      AND s.unit_number IS NOT NULL AND s.status <> %(cancelled)s
      AND at.mark IN ({marks}) AND u.organisation_id IN ({orgs})
    UNION ALL
    SELECT co.person_id,
           CASE {completion_buckets} END,
           COALESCE(ch.hundredths, 0)
    FROM {user} u
    JOIN {completion} co ON co.person_id = u.id
    JOIN {course} c ON c.{course_pk} = co.course_id
    LEFT JOIN (
        SELECT course_id, SUM(CAST(ROUND(hours * 100) AS INTEGER)) AS hundredths
        FROM {unit} GROUP BY course_id
    ) ch ON ch.course_id = co.course_id
    WHERE u.organisation_id IN ({orgs}) AND c.organisation_id = u.organisation_id
      AND c.kind = %(continuing)s AND c.self_paced = %(self_paced)s AND co.enrolment_id IS NULL
      AND co.completed_on >= %(first_start)s AND co.completed_on <= %(on)s
),
buckets AS (
    SELECT person_id, bucket, SUM(hundredths) AS hundredths FROM events GROUP BY person_id, bucket
),
hours AS (
    SELECT b.person_id, r.id AS role_id, SUM(b.hundredths) AS hundredths
    FROM buckets b
    JOIN people p ON p.id = b.person_id
    JOIN roles r ON r.organisation_id = p.organisation_id AND b.bucket <= r.window_index
    GROUP BY b.person_id, r.id
)"""

REQUIREMENTS_SQL = """
WITH requirements AS (
    SELECT r.organisation_id, rq.role_id, rq.sort_order, rq.id, rq.qualification_type_id AS type_id,
           qt.name, qt.is_pledge, qt.applies_to
    FROM {requirement} rq
    JOIN {role} r ON r.id = rq.role_id
    JOIN {qtype} qt ON qt.id = rq.qualification_type_id
    WHERE r.organisation_id IN ({orgs})
),
held AS (
    SELECT q.person_id, q.type_id, q.expires_on, q.revoked_on,
           CASE WHEN (q.expires_on IS NULL OR q.expires_on >= %(on)s)
                     AND (q.revoked_on IS NULL OR q.revoked_on > %(on)s) THEN 1 ELSE 0 END AS valid,
           ROW_NUMBER() OVER (
               PARTITION BY q.person_id, q.type_id ORDER BY q.issued_on DESC, q.id DESC
           ) AS recency
    FROM {user} u
    JOIN {qualification} q ON q.person_id = u.id
    WHERE u.organisation_id IN ({orgs})
      AND q.issued_on <= %(on)s AND q.type_id IN (SELECT type_id FROM requirements)
),
standing AS (
    SELECT person_id, type_id,
           SUM(valid) AS valid,
           SUM(CASE WHEN valid = 1 AND expires_on IS NULL THEN 1 ELSE 0 END) AS open_ended,
           MAX(CASE WHEN valid = 1 THEN expires_on END) AS last_expiry,
           MAX(CASE WHEN recency = 1 AND revoked_on IS NOT NULL AND revoked_on <= %(on)s
                    THEN 1 ELSE 0 END) AS latest_revoked
    FROM held GROUP BY person_id, type_id
)
SELECT u.id, rq.role_id, rq.name,
       CASE WHEN st.person_id IS NULL THEN 'missing'
            WHEN st.valid = 0 AND st.latest_revoked = 1 THEN 'revoked'
            WHEN st.valid = 0 AND rq.is_pledge THEN 'renewal_due'
            WHEN st.valid = 0 THEN 'expired'
            WHEN rq.is_pledge THEN 'renew_by'
            ELSE 'expiring' END,
       st.last_expiry
FROM {user} u
JOIN requirements rq ON rq.organisation_id = u.organisation_id AND {applies}
LEFT JOIN standing st ON st.person_id = u.id AND st.type_id = rq.type_id
WHERE u.organisation_id IN ({orgs})
  AND (st.person_id IS NULL
       OR st.valid = 0
       OR (st.open_ended = 0 AND st.last_expiry > %(on)s AND st.last_expiry <= %(warn_until)s))
ORDER BY u.id, rq.role_id, rq.sort_order, rq.id
"""


def applies_sql(applies_to: str, person: str) -> str:
    """The condition that a type whose ``applies_to`` column is ``applies_to`` applies to the
    person (a row with the user's group flags) ``person`` (``certifications/applicability.py``):
    it lists no group, she is in none, or she is in one of its. The JSON list is compared as
    text (``["staff"]``), which reads the same on SQLite and PostgreSQL."""
    text = f"CAST({applies_to} AS TEXT)"
    flags = {code: f"{person}.{group_field(code)}" for code in MEMBER_GROUPS}
    in_one = " OR ".join(f"({flag} AND {text} LIKE '%%\"{code}\"%%')" for code, flag in flags.items())
    return f"({text} = '[]' OR NOT ({' OR '.join(flags.values())}) OR {in_one})"


def clearance_sql(organisation_ids: list[int], on: datetime.date) -> list[Row]:
    """Same answer as the engine, for every person of the given organisations × every shift role
    of her own organisation: ``(person_id, role_id, cleared, reasons, warnings, hours)``, sorted
    by person id, then role id. Three queries, whatever the size."""
    if not organisation_ids:
        return []
    orgs, params = _named("org", organisation_ids)
    names = {**_tables(), "orgs": orgs}
    params["on"] = _date(on)
    with connection.cursor() as cursor:
        cursor.execute(WINDOWS_SQL.format(**names), params)
        months = sorted(row[0] for row in cursor.fetchall())

        params.update({f"months_{i}": m for i, m in enumerate(months)})
        window_cases = " ".join(
            f"WHEN training_window_months = %(months_{i})s THEN {i}" for i in range(len(months))
        )
        if months:
            starts = [add_months(on, -m) for m in months]  # the latest start first
            marks, mark_params = _named("mark", sorted(str(mark) for mark in ATTENDED_MARKS))
            params.update(mark_params)
            params.update({f"start_{i}": _date(start) for i, start in enumerate(starts)})
            params.update({f"lo_{i}": _midnight(start) for i, start in enumerate(starts)})
            params["first_start"], params["first_lo"] = _date(starts[-1]), _midnight(starts[-1])
            params["hi"] = _midnight(on + datetime.timedelta(days=1))
            params["self_paced"] = True
            params["continuing"], params["cancelled"] = (
                str(CourseKind.CONTINUING),
                str(SessionStatus.CANCELLED),
            )
            events = EVENTS_CTES.format(
                **names,
                record_buckets=" ".join(
                    f"WHEN tr.date >= %(start_{i})s THEN {i}" for i in range(len(starts))
                ),
                completion_buckets=" ".join(
                    f"WHEN co.completed_on >= %(start_{i})s THEN {i}" for i in range(len(starts))
                ),
                session_buckets=" ".join(
                    f"WHEN s.starts_at >= %(lo_{i})s THEN {i}" for i in range(len(starts))
                ),
                marks=marks,
            )
            have = "COALESCE(h.hundredths, 0)"
            hours_join = "\nLEFT JOIN hours h ON h.person_id = p.id AND h.role_id = r.id"
        else:
            events, have, hours_join = "", "0", ""
        sql = HOURS_SQL.format(
            **names, window_cases=window_cases, events_ctes=events, have=have, hours_join=hours_join
        )
        cursor.execute(sql, params)
        pairs = cursor.fetchall()

        params["warn_until"] = _date(on + datetime.timedelta(days=EXPIRY_WARNING_DAYS))
        cursor.execute(REQUIREMENTS_SQL.format(**names, applies=applies_sql("rq.applies_to", "u")), params)
        blocking: dict[tuple[int, int], list[str]] = defaultdict(list)
        expiring: dict[tuple[int, int], list[str]] = defaultdict(list)
        for person_id, role_id, name, code, last_expiry in cursor.fetchall():
            if code in ("expiring", "renew_by"):
                expiring[person_id, role_id].append(f"{code}:{name}:{last_expiry}")
            else:
                blocking[person_id, role_id].append(f"{code}:{name}")

    answer = []
    for person_id, role_id, active, have, need in sorted(pairs):
        reasons = [] if active else ["inactive"]
        reasons += blocking.get((person_id, role_id), [])
        hours = _hours(have)
        if need is not None and int(have) < int(need):
            reasons.append(f"hours:{format_hours(hours)}/{format_hours(_hours(need))}")
        warnings = () if reasons else tuple(expiring.get((person_id, role_id), ()))
        answer.append((person_id, role_id, not reasons, tuple(reasons), warnings, format_hours(hours)))
    return answer


def engine_answer(results: list[Clearance]) -> list[Row]:
    """The engine's results in the shape ``clearance_sql`` returns."""
    return [
        (
            c.person.pk,
            c.role.pk,
            c.cleared,
            tuple(c.reason_codes),
            tuple(c.warning_codes),
            format_hours(c.hours),
        )
        for c in results
    ]
