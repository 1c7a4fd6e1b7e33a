"""python manage.py restore FILE --yes: replace the default database with a backup."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import DatabaseError

from home.backups import (
    BackupError,
    check_file_matches,
    describe_database,
    restore_database,
    table_row_counts,
)


class Command(BaseCommand):
    help = (
        "Replace everything in the default database with a backup made by `manage.py backup` "
        "(SQLite file or PostgreSQL custom-format dump). Asks for --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file (.sqlite3 or .dump)")
        parser.add_argument(
            "--yes", action="store_true", help="really replace the database (without it, only say what)"
        )

    def handle(self, *args, file, yes=False, **options):
        connection = connections[DEFAULT_DB_ALIAS]
        path = Path(file)
        try:
            check_file_matches(path, connection.vendor)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        target = describe_database(connection)
        if not yes:
            self.stdout.write(f"This would replace everything in {target} with the backup {path.resolve()}.")
            try:
                counts = table_row_counts(connection)
            except DatabaseError:
                counts = {}
            if counts:
                self.stdout.write(
                    f"It now holds {sum(counts.values())} rows in {len(counts)} tables, which would be lost:"
                )
                for table, rows in counts.items():
                    if rows:
                        self.stdout.write(f"  {table}: {rows}")
            raise CommandError("Nothing was restored. Run again with --yes to replace the database.")
        try:
            restore_database(connection, path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        connection.close()
        counts = table_row_counts(connection)
        self.stdout.write(
            f"Restored {path.resolve()} into {target}: {sum(counts.values())} rows in {len(counts)} tables."
        )
