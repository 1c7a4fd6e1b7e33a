"""Shared plumbing for the certifications import commands: English output, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from certifications.conf import app_settings
from jour_core.reading import UnreadableFile
from people.importing import ImportProblem, decode_csv
from people.models import Organisation


class ImportCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--organisation", required=True, metavar="SLUG")

    def handle(self, *args, **options):
        with translation.override("en"):
            organisation = Organisation.objects.filter(slug=options["organisation"]).first()
            if organisation is None:
                raise CommandError(f"no organisation with the short name '{options['organisation']}'")
            try:
                data = options["file"].read_bytes()
            except OSError as exc:
                raise CommandError(f"cannot read {options['file']}: {exc.strerror}") from exc
            limit = app_settings.CERTIFICATIONS_IMPORT_MAX_BYTES
            if len(data) > limit:
                self.fail([ImportProblem(1, "file", f"larger than {limit} bytes")])
            try:
                text = self.read(data, options["file"].name)
            except UnreadableFile as exc:
                self.fail([ImportProblem(exc.line, "file", str(exc))])
            self.import_text(text, organisation)

    def read(self, data: bytes, name: str) -> str | list[list[str]]:
        """The file as the command's parser takes it: text (YAML), or a spreadsheet's rows."""
        return decode_csv(data)

    def import_text(self, text: str | list[list[str]], organisation: Organisation) -> None:
        raise NotImplementedError

    def fail(self, problems: list[ImportProblem]) -> None:
        for problem in problems:
            self.stderr.write(str(problem))
        raise SystemExit(1)
