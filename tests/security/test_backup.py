"""manage.py backup and restore (home/backups.py): a round trip into an empty database."""

import datetime
import io
import json
import os
import sqlite3
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import CommandError, call_command
from django.db import connection

from courses.attendance import enrol, set_marks
from courses.ical import feed_token
from courses.models import Attendance, FeedKind
from home.backups import restore_postgresql, restore_sqlite, table_row_counts
from people.models import Organisation, User
from tests.factories import OrganisationFactory, PersonFactory, make_course, make_run
from tests.scratch_database import scratch_postgresql


@pytest.fixture
def empty_db(django_db_setup, django_db_blocker):
    """An empty database but for the content types the migrations made, whatever the previous
    test left, for the serialized rollback to put the rest back.

    A transactional test without ``serialized_rollback`` ends with a flush that runs
    ``post_migrate`` again (role groups, permissions, content types with new ids). Putting the
    serialized state back on top of those rows breaks their unique names, and on an empty table
    Wagtail's ``Task.__init__`` creates its content type before the serialized one is loaded.
    """
    with django_db_blocker.unblock():
        call_command(
            "flush", interactive=False, inhibit_post_migrate=True, reset_sequences=False, verbosity=0
        )
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents:
            content_types = [o for o in json.loads(contents) if o["model"] == "contenttypes.contenttype"]
            for obj in serializers.deserialize("json", json.dumps(content_types)):
                obj.save()
        ContentType.objects.clear_cache()


@pytest.fixture
def committed(empty_db, django_db_serialized_rollback, transactional_db):
    """Committed data (pg_dump runs in another session and must see it), starting from the
    state the migrations left (the Wagtail root page and site, the role groups), which the
    serialized rollback puts back. The content types come back with their original ids: the
    cache of them is loaded afresh (and stays warm for the next serialized rollback, where
    Wagtail's ``Task.__init__`` looks its content type up)."""
    ContentType.objects.clear_cache()
    ContentType.objects.get_for_models(*apps.get_models())


def model_tables() -> set[str]:
    """Every model's table and every auto-created many-to-many table."""
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            tables.add(model._meta.db_table)
            for field in model._meta.local_many_to_many:
                tables.add(field.remote_field.through._meta.db_table)
    return tables


def source_counts() -> dict[str, int]:
    return table_row_counts(connection)


def build_data():
    org_a = OrganisationFactory(slug="jour-a", name="Kvinnojouren A")
    org_b = OrganisationFactory(slug="jour-b", name="Tjejjouren B")
    coordinator = PersonFactory(email="coord@example.org", organisation=org_a, group_staff=True)
    people = [PersonFactory(organisation=org_a) for _ in range(5)]
    PersonFactory.create_batch(3, organisation=org_b, group_board=True)
    course = make_course(org_a, title="Studiecirkel", units=4)
    run = make_run(course, datetime.date(2026, 1, 7))
    enrol(run, people)
    for session in run.sessions.order_by("starts_at")[:2]:
        set_marks(session, {p.pk: "present" for p in people[:4]} | {people[4].pk: "absent"}, coordinator)
    feed_token(people[0], FeedKind.MY_SESSIONS)
    assert Attendance.objects.count() == 10


def backup_to(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    out = io.StringIO()
    call_command("backup", "--output", str(path), stdout=out)
    assert str(path) in out.getvalue()
    assert path.stat().st_size > 0
    assert path.stat().st_mode & 0o077 == 0, "a backup holds personal data: the owner's alone"
    return path


def counts_sqlite(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as target:
        tables = [
            row[0]
            for row in target.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        counts = {}
        for table in tables:
            counts[table] = target.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
        return counts


def restore_into_empty_postgresql(backup: Path) -> dict[str, int]:
    import psycopg
    from psycopg import sql

    with scratch_postgresql("restore") as url:
        restore_postgresql(backup, dict(connection.settings_dict) | {"NAME": url.rsplit("/", 1)[1]})
        with psycopg.connect(url) as target:
            tables = [
                row[0]
                for row in target.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                ).fetchall()
            ]
            return {
                table: target.execute(
                    sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(table))
                ).fetchone()[0]
                for table in tables
            }


def test_backup_restores_into_an_empty_database_with_the_same_row_counts(committed, tmp_path):
    build_data()
    expected = source_counts()
    assert model_tables() <= set(expected), "every model and m2m table is in the database"
    assert expected["jour_people_user"] == 9
    assert expected["jour_courses_attendance"] == 10

    if connection.vendor == "sqlite":
        backup = backup_to(tmp_path, "backup.sqlite3")
        assert backup.read_bytes().startswith(b"SQLite format 3\x00")
        empty = tmp_path / "empty.sqlite3"
        with sqlite3.connect(empty) as target:
            assert target.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0
            restore_sqlite(backup, target)
        restored = counts_sqlite(empty)
    else:
        backup = backup_to(tmp_path, "backup.dump")
        assert backup.read_bytes().startswith(b"PGDMP")
        restored = restore_into_empty_postgresql(backup)

    assert restored == expected


def test_restore_with_yes_brings_back_what_was_deleted(committed, tmp_path):
    build_data()
    expected = source_counts()
    backup = backup_to(tmp_path, "backup.dump" if connection.vendor == "postgresql" else "backup.sqlite3")
    Attendance.objects.all().delete()
    User.objects.filter(organisation__slug="jour-b").delete()
    assert source_counts() != expected

    out = io.StringIO()
    call_command("restore", str(backup), "--yes", stdout=out)

    connection.close()
    assert "Restored" in out.getvalue()
    assert source_counts() == expected
    assert Attendance.objects.count() == 10
    assert User.objects.filter(organisation__slug="jour-b").count() == 3


@pytest.mark.django_db
def test_restore_without_yes_says_what_it_would_replace_and_changes_nothing(tmp_path):
    OrganisationFactory(slug="jour-a")
    backup = tmp_path / ("backup.dump" if connection.vendor == "postgresql" else "backup.sqlite3")
    if connection.vendor == "sqlite":
        with sqlite3.connect(backup) as other:
            other.execute("CREATE TABLE t (x)")
    else:
        backup.write_bytes(b"PGDMP" + b"\x00" * 100)
    out = io.StringIO()
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(backup), stdout=out)
    assert "would replace everything" in out.getvalue()
    assert "people_organisation: 1" in out.getvalue()
    assert Organisation.objects.filter(slug="jour-a").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["other vendor", "not a backup"])
def test_restore_refuses_a_file_of_the_wrong_kind(tmp_path, kind):
    OrganisationFactory(slug="jour-a")
    path = tmp_path / "backup.bin"
    if kind == "not a backup":
        path.write_text("id,name\n1,x\n", encoding="utf-8")
        message = "neither an SQLite database file nor a PostgreSQL custom-format dump"
    elif connection.vendor == "sqlite":
        path.write_bytes(b"PGDMP" + b"\x00" * 100)
        message = "is a PostgreSQL custom-format dump, but the configured database is sqlite"
    else:
        with sqlite3.connect(path) as other:
            other.execute("CREATE TABLE t (x)")
        message = "is an SQLite database file, but the configured database is postgresql"
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path), "--yes", stdout=io.StringIO())
    assert Organisation.objects.filter(slug="jour-a").exists()


@pytest.mark.django_db
def test_backup_refuses_to_overwrite_unless_forced(tmp_path):
    path = tmp_path / "backup.out"
    path.write_text("keep me", encoding="utf-8")
    with pytest.raises(CommandError, match=r"already exists.*--force"):
        call_command("backup", "--output", str(path), stdout=io.StringIO())
    assert path.read_text(encoding="utf-8") == "keep me"


def test_backup_with_force_overwrites(committed, tmp_path):
    path = tmp_path / "backup.out"
    path.write_text("old", encoding="utf-8")
    call_command("backup", "--output", str(path), "--force", stdout=io.StringIO())
    assert path.read_bytes()[:5] in {b"SQLit", b"PGDMP"}


@pytest.mark.django_db
def test_backup_names_the_file_after_the_vendor_and_time(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    call_command("backup", stdout=out)
    (written,) = list(tmp_path.iterdir())
    extension = {"sqlite": ".sqlite3", "postgresql": ".dump"}[connection.vendor]
    assert written.name.startswith(f"backup-{connection.vendor}-")
    assert written.suffix == extension
    assert str(written) in out.getvalue()


@pytest.mark.django_db
def test_the_backup_is_the_owners_alone_from_its_first_byte(tmp_path, monkeypatch):
    """Not only the finished file: the file SQLite or pg_dump writes into is 0600 before the
    first byte, with an ordinary umask (022, which would give 0644)."""
    from home import backups

    modes: list[int | None] = []

    def mode(path: Path) -> int | None:
        return path.stat().st_mode & 0o777 if path.exists() else None

    if connection.vendor == "sqlite":
        real_backup_sqlite = backups.backup_sqlite

        def spy(source, path):
            modes.append(mode(path))
            real_backup_sqlite(source, path)
            modes.append(mode(path))

        monkeypatch.setattr(backups, "backup_sqlite", spy)
    else:
        real_run = backups._run

        def spy(command, env, what):
            path = Path(command[command.index("--file") + 1])
            modes.append(mode(path))
            real_run(command, env, what)
            modes.append(mode(path))

        monkeypatch.setattr(backups, "_run", spy)
    umask = os.umask(0o022)
    try:
        path = backup_to(tmp_path, "private.backup")
    finally:
        os.umask(umask)
    assert modes == [0o600, 0o600]
    assert mode(path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["private.backup"]
