"""Consistent backups of the default database and restoring them.

SQLite: the sqlite3 online backup API, page by page, while the site keeps running; the
backup is an ordinary ``.sqlite3`` file. PostgreSQL: ``pg_dump --format=custom`` to a
``.dump`` file and ``pg_restore --clean --if-exists --single-transaction`` back, both without
owners and privileges so a dump restores under another role.

A file's kind is read from its first bytes (``SQLite format 3\\0`` or ``PGDMP``), and a file
is only restored into a database of the same vendor.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.utils import timezone

SQLITE_HEADER = b"SQLite format 3\x00"
PGDUMP_HEADER = b"PGDMP"

#: The file extension and kind of backup for each supported database vendor.
EXTENSIONS = {"sqlite": "sqlite3", "postgresql": "dump"}
KIND_NAMES = {"sqlite": "an SQLite database file", "postgresql": "a PostgreSQL custom-format dump"}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


def default_backup_name(vendor: str, now=None) -> str:
    """``backup-<vendor>-<YYYYmmdd-HHMMSS>.<ext>`` (local time)."""
    now = timezone.localtime(now or timezone.now())
    return f"backup-{vendor}-{now:%Y%m%d-%H%M%S}.{extension_for(vendor)}"


def extension_for(vendor: str) -> str:
    try:
        return EXTENSIONS[vendor]
    except KeyError:
        raise BackupError(
            f"Backups of {vendor} databases are not supported (only SQLite and PostgreSQL)."
        ) from None


def file_kind(path: Path) -> str | None:
    """``"sqlite"``, ``"postgresql"`` (a custom-format dump) or ``None`` for anything else."""
    with open(path, "rb") as handle:
        head = handle.read(len(SQLITE_HEADER))
    if head == SQLITE_HEADER:
        return "sqlite"
    if head.startswith(PGDUMP_HEADER):
        return "postgresql"
    return None


def check_file_matches(path: Path, vendor: str) -> None:
    """Raise :class:`BackupError` unless ``path`` is a backup made for ``vendor``."""
    extension_for(vendor)
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file.")
    kind = file_kind(path)
    if kind is None:
        raise BackupError(
            f"{path} is neither an SQLite database file nor a PostgreSQL custom-format dump; "
            "nothing was restored."
        )
    if kind != vendor:
        raise BackupError(
            f"{path} is {KIND_NAMES[kind]}, but the configured database is {vendor}; "
            f"restore it into a {kind} database or use a backup made from {vendor}. "
            "Nothing was restored."
        )


# --- SQLite -------------------------------------------------------------------------------


def backup_sqlite(source: sqlite3.Connection, path: Path) -> None:
    """Copy the live database behind ``source`` into a new file at ``path``."""
    target = sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        target.close()


def restore_sqlite(path: Path, target: sqlite3.Connection) -> None:
    """Replace everything in the database behind ``target`` with the backup at ``path``."""
    source = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        source.backup(target)
    finally:
        source.close()


# --- PostgreSQL ---------------------------------------------------------------------------


def _pg_program(name: str) -> str:
    program = shutil.which(name)
    if program is None:
        raise BackupError(
            f"{name} was not found on PATH; install the PostgreSQL client tools "
            f"(Debian: apt-get install postgresql-client) in the server's major version or newer."
        )
    return program


def _pg_connection_args(settings_dict: Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Command-line options and environment for libpq programs from Django's settings."""
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    options = settings_dict.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return args, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise BackupError(f"{what} failed (exit status {result.returncode}): {detail}")


def backup_postgresql(settings_dict: Mapping[str, Any], path: Path) -> None:
    """``pg_dump --format=custom`` of the database ``settings_dict`` describes into ``path``."""
    args, env = _pg_connection_args(settings_dict)
    command = [
        _pg_program("pg_dump"),
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        *args,
        "--file",
        str(path),
        "--dbname",
        str(settings_dict["NAME"]),
    ]
    try:
        _run(command, env, "pg_dump")
    except BackupError:
        path.unlink(missing_ok=True)
        raise


def restore_postgresql(path: Path, settings_dict: Mapping[str, Any]) -> None:
    """``pg_restore`` the dump at ``path`` into the database ``settings_dict`` describes.

    Objects in the dump are dropped first (``--clean --if-exists``) and everything happens in
    one transaction: a failure leaves the database as it was.
    """
    args, env = _pg_connection_args(settings_dict)
    command = [
        _pg_program("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        *args,
        "--dbname",
        str(settings_dict["NAME"]),
        str(path),
    ]
    _run(command, env, "pg_restore")


# --- The default database -----------------------------------------------------------------


def create_private_file(path: Path) -> None:
    """Create ``path``, empty, readable and writable by its owner only (mode 0600) from the
    moment it exists, whatever the umask; refuse if something is there already."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def backup_database(connection, path: Path) -> Path:
    """Write a consistent backup of the database behind the Django ``connection`` to ``path``.

    The file appears complete or not at all: the backup is written next to it under a
    temporary name first, and an existing file at ``path`` is replaced only then. It is
    readable by its owner only (mode 0600), from its first byte: the temporary file is made
    with that mode before SQLite or ``pg_dump`` writes into it (both keep an existing file's
    mode; SQLite gives its journal the database file's mode).
    """
    vendor = connection.vendor
    extension_for(vendor)
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        create_private_file(partial)
        if vendor == "sqlite":
            connection.ensure_connection()
            backup_sqlite(connection.connection, partial)
        else:
            backup_postgresql(connection.settings_dict, partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def restore_database(connection, path: Path) -> None:
    """Replace the contents of the database behind the Django ``connection`` with a backup."""
    path = Path(path)
    check_file_matches(path, connection.vendor)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        restore_sqlite(path, connection.connection)
    else:
        # Our own session must not hold locks that pg_restore's DROPs would wait for.
        connection.close()
        restore_postgresql(path, connection.settings_dict)


def describe_database(connection) -> str:
    """A short description of the database a restore would replace, for the confirmation."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"the SQLite database {settings_dict['NAME']}"
    where = settings_dict.get("HOST") or "local socket"
    if settings_dict.get("PORT"):
        where += f":{settings_dict['PORT']}"
    return f"the PostgreSQL database {settings_dict['NAME']!r} on {where}"


def table_row_counts(connection) -> dict[str, int]:
    """Rows per table of every table the Django ``connection`` can see (for the confirmation)."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts
