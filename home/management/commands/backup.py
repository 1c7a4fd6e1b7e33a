"""python manage.py backup [--output FILE] [--force]: a consistent backup of the default database."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from home.backups import BackupError, backup_database, default_backup_name, extension_for


class Command(BaseCommand):
    help = (
        "Write a consistent backup of the default database: SQLite with the online backup API "
        "(.sqlite3), PostgreSQL with pg_dump --format=custom (.dump)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            help="the file to write (default: backup-<vendor>-<YYYYmmdd-HHMMSS>.<ext> here)",
        )
        parser.add_argument("--force", action="store_true", help="overwrite the output file if it exists")

    def handle(self, *args, output=None, force=False, **options):
        connection = connections[DEFAULT_DB_ALIAS]
        try:
            extension_for(connection.vendor)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        path = Path(output) if output else Path.cwd() / default_backup_name(connection.vendor)
        if path.is_dir():
            raise CommandError(f"{path} is a directory; give a file name with --output.")
        if not path.parent.is_dir():
            raise CommandError(f"The directory {path.parent} does not exist.")
        if path.exists() and not force:
            raise CommandError(f"{path} already exists; choose another --output or add --force.")
        try:
            backup_database(connection, path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = path.stat().st_size
        self.stdout.write(f"Wrote {path.resolve()} ({_human_size(size)}, {size} bytes).")


def _human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover
