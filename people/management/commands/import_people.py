"""python manage.py import_people FILE.csv --organisation SLUG"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction
from django.utils import translation

from jour_core.reading import UnreadableFile
from people.bounds import clean_field
from people.conf import app_settings
from people.importing import apply_people_import, parse_people_file
from people.models import Organisation


class Command(BaseCommand):
    help = (
        "Import people from a CSV file (columns: email,first_name,last_name,groups,joined_on,"
        "left_on,protected_identity). Re-importing updates people by email. A file with any "
        "problem imports nothing and exits with status 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the CSV file (UTF-8, comma or semicolon separated)")
        parser.add_argument(
            "--organisation", required=True, metavar="SLUG", help="the organisation's short name"
        )
        parser.add_argument("--name", help="the organisation's full name, if it is created now")

    def handle(self, *args, **options):
        # The command's output is a stable, scriptable format: always in English.
        with translation.override("en"):
            self.import_file(options["file"], options["organisation"], options["name"])

    def import_file(self, file: Path, organisation: str, name: str | None) -> None:
        # The organisation's own fields check the short name and the name, as in the admin.
        for option, field, value in (("--organisation", "slug", organisation), ("--name", "name", name)):
            errors = clean_field(Organisation, field, value)[1] if value is not None else []
            if errors:
                raise CommandError(f"{option}: {' '.join(errors)}")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from exc
        if len(data) > app_settings.PEOPLE_IMPORT_MAX_BYTES:
            self._fail([f"line 1: file: larger than {app_settings.PEOPLE_IMPORT_MAX_BYTES} bytes"])
        org = Organisation.objects.filter(slug=organisation).first()
        try:
            parsed = parse_people_file(data, file.name, org)
        except UnreadableFile as exc:
            self._fail([f"line {exc.line}: file: {exc}"])
        if not parsed.ok:
            self._fail([str(problem) for problem in parsed.problems])

        try:
            with transaction.atomic():
                if org is None:
                    org = Organisation.objects.create(slug=organisation, name=name or organisation)
                    self.stdout.write(f"Created organisation '{org.slug}'.")
                summary = apply_people_import(parsed, org)
        except IntegrityError as exc:
            raise CommandError(f"nothing imported: the database refused a row ({exc})") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {summary.created + summary.updated + summary.unchanged} people into "
                f"'{org.slug}': {summary.created} created, {summary.updated} updated, "
                f"{summary.unchanged} unchanged."
            )
        )

    def _fail(self, lines: list[str]) -> None:
        for line in lines:
            self.stderr.write(line)
        raise SystemExit(1)
