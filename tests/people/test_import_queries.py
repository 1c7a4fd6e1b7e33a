"""The people import is set-based: checking a file takes the same queries for 100 rows as for
2,000, and writing it adds only batched INSERTs and UPDATEs (no query per row), in the domain
functions, the admin and the command alike. (The timings at 78,000 rows are `make bench`'s.)"""

from __future__ import annotations

import io
import math
import re
import sqlite3

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.importing import BATCH_SIZE, apply_people_import, parse_people_csv
from people.models import User
from tests.auth import sign_in
from tests.factories import PersonFactory

HEADER = "email,first_name,last_name,groups,joined_on,left_on,protected_identity\n"
EXISTING = 10  # the file's first rows are people of the organisation: 5 changed, 5 as they are
WRITE = re.compile(r'^(INSERT INTO|UPDATE) "(jour_people_user|jour_people_historicaluser)"')


def people_csv(count: int) -> str:
    return HEADER + "".join(
        f"p{n:05d}@example.org,Förnamn{n},{'Ny' if n < EXISTING // 2 else 'Efternamn'}{n},"
        f"volunteer,2025-01-15,,no\n"
        for n in range(count)
    )


@pytest.fixture
def register(org_a):
    """The organisation's people the files update (or leave as they are)."""
    import datetime

    for n in range(EXISTING):
        PersonFactory(
            email=f"p{n:05d}@example.org",
            first_name=f"Förnamn{n}",
            last_name=f"Efternamn{n}",
            joined_on=datetime.date(2025, 1, 15),
            organisation=org_a,
        )
    return org_a


def queries(fn) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return [query["sql"] for query in captured.captured_queries]


def shape(sql: str) -> str:
    """A query without its values and savepoint names, to compare two runs."""
    return re.sub(r"'[^']*'|\b\d+\b|\"s\d+_x\d+\"", "?", sql)


def split(sql: list[str]) -> tuple[list[str], dict[str, int]]:
    """The queries that are not batched writes (with their parameters stripped, to compare
    them), and the batched writes counted per statement kind and table."""
    others, writes = [], {}
    for statement in sql:
        match = WRITE.match(statement)
        if match:
            writes[match.group(0)] = writes.get(match.group(0), 0) + 1
        else:
            others.append(shape(statement))
    return others, writes


def most_batches(model, rows: int) -> int:
    """How many statements Django may need for ``rows`` rows of ``model`` in batches of
    ``BATCH_SIZE`` (fewer on SQLite, whose parameter limit makes the batches smaller)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    size = min(BATCH_SIZE, connection.ops.bulk_batch_size(fields, [None] * rows) or rows)
    return math.ceil(rows / size)


def check_batches(writes: dict[str, int], rows: int) -> None:
    new = rows - EXISTING
    history = User.history.model
    assert writes['INSERT INTO "jour_people_user"'] <= most_batches(User, new)
    assert (
        writes['INSERT INTO "jour_people_historicaluser"'] <= most_batches(history, new) + 1
    )  # + the updates'
    assert writes['UPDATE "jour_people_user"'] == 1  # the 5 changed people, one batch


@pytest.mark.django_db(transaction=False)
def test_checking_and_importing_take_the_same_queries_for_100_and_2000_rows(register, coordinator_a):
    def run(rows: int):
        sid = connection.savepoint()
        text = people_csv(rows)
        check = queries(lambda: parse_people_csv(text, register))
        parsed = parse_people_csv(text, register)
        assert parsed.counts.new == rows - EXISTING and parsed.counts.updated == EXISTING // 2
        write = queries(lambda: apply_people_import(parsed, register, by=coordinator_a))
        assert User.objects.filter(organisation=register).count() == rows + 1
        connection.savepoint_rollback(sid)
        return check, split(write)

    small_check, (small_others, small_writes) = run(100)
    large_check, (large_others, large_writes) = run(2000)
    assert len(small_check) == len(large_check) == 1
    assert small_others == large_others
    # The savepoint and its release, the locked read, a version bump for the new and the changed.
    assert len(small_others) <= 5
    check_batches(small_writes, 100)
    check_batches(large_writes, 2000)


@pytest.mark.django_db
def test_the_admin_preview_and_confirmation_take_the_same_queries_for_100_and_2000_rows(
    client, register, coordinator_a
):
    sign_in(client, coordinator_a)
    url = reverse("people_import")

    def run(rows: int):
        cache.clear()  # each run makes the admin sidebar afresh (jour_core/sidebar.py)
        sid = connection.savepoint()
        upload = SimpleUploadedFile("people.csv", people_csv(rows).encode(), content_type="text/csv")
        preview = queries(lambda: client.post(url, {"file": upload}))
        token = (
            client.post(url, {"file": SimpleUploadedFile("p.csv", people_csv(rows).encode())})
            .context["confirm_form"]["pending"]
            .value()
        )
        confirm = queries(lambda: client.post(url, {"pending": token}))
        assert User.objects.filter(organisation=register).count() == rows + 1
        connection.savepoint_rollback(sid)
        return [shape(q) for q in preview], split(confirm)

    small_preview, (small_others, small_writes) = run(100)
    large_preview, (large_others, large_writes) = run(2000)
    assert small_preview == large_preview
    assert small_others == large_others
    check_batches(small_writes, 100)
    check_batches(large_writes, 2000)


@pytest.mark.django_db
def test_the_command_takes_the_same_queries_for_100_and_2000_rows(tmp_path, register):
    def run(rows: int):
        sid = connection.savepoint()
        path = tmp_path / f"people-{rows}.csv"
        path.write_text(people_csv(rows), encoding="utf-8")
        out = io.StringIO()
        sql = queries(
            lambda: call_command("import_people", str(path), "--organisation", "jour-a", stdout=out)
        )
        assert (
            f"{rows - EXISTING} created, {EXISTING // 2} updated, {EXISTING // 2} unchanged" in out.getvalue()
        )
        connection.savepoint_rollback(sid)
        return split(sql)

    small_others, small_writes = run(100)
    large_others, large_writes = run(2000)
    assert small_others == large_others
    check_batches(small_writes, 100)
    check_batches(large_writes, 2000)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's limit on query parameters")
def test_a_large_file_needs_no_more_query_parameters_than_sqlite_allows(register, coordinator_a):
    """SQLite builds differ in how many parameters a query may have (999 before 3.32, 32,766
    after; Debian allows 250,000). With the smallest, 2,000 rows are checked and imported."""
    connection.ensure_connection()
    database = connection.connection
    limit = database.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    database.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    try:
        parsed = parse_people_csv(people_csv(2000), register)
        assert parsed.ok
        summary = apply_people_import(parsed, register, by=coordinator_a)
    finally:
        database.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)
    assert (summary.created, summary.updated, summary.unchanged) == (1990, 5, 5)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_the_email_look_ups_leave_the_planner_no_nested_loop_to_choose(register, coordinator_a):
    """When the statistics say the register is nearly empty (right after a failed import was
    vacuumed away, say) PostgreSQL planned the look-up as a subquery over the file's emails in
    a nested loop: 78,000 × 78,000 comparisons, minutes. Here the planner is pushed towards
    that plan (hash and merge joins off): the check's and the write's look-ups offer it no
    join at all (``= ANY`` of an array: an index scan or a hashed filter)."""
    text = people_csv(3000)
    apply_people_import(parse_people_csv(text, register), register)
    sql = queries(lambda: apply_people_import(parse_people_csv(text, register), register))
    look_ups = [
        statement for statement in sql if statement.startswith("SELECT") and "@example.org" in statement
    ]
    assert len(look_ups) == 2
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_hashjoin = off")
        cursor.execute("SET LOCAL enable_mergejoin = off")
        for statement in look_ups:
            cursor.execute("EXPLAIN " + statement)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Nested Loop" not in plan and "Join" not in plan, plan.splitlines()[0]
