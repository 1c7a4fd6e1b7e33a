"""python manage.py quality_review --organisation SLUG --year YYYY --format json|pdf [--internal]
[--summary TEXT] [--output FILE]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from jour_core.audit import audit
from people.bounds import parse_year
from people.models import Organisation
from quality.review import quality_review, render_review


class Command(BaseCommand):
    help = (
        "The annual quality review of an organisation's year (the plan against what was done, the "
        "evaluations, the actions and the competence report), as JSON or PDF."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisation", required=True, metavar="SLUG", help="an organisation's short name"
        )
        parser.add_argument("--year", required=True, metavar="YYYY")
        parser.add_argument(
            "--internal",
            action="store_true",
            help="the board's version: the responsible named, evaluations of fewer than 5 answers shown "
            "(default: the external version, for the municipality)",
        )
        parser.add_argument("--summary", default="", help="the board's summary text")
        parser.add_argument("--format", choices=["json", "pdf"], default="json")
        parser.add_argument("--output", type=Path)

    def handle(self, *args, organisation, year, internal, summary, format, output, **options):
        with translation.override("en"):
            try:
                year = parse_year(year)
            except ValueError as error:
                raise CommandError(f"--year: {error}") from error
        if year > timezone.localdate().year:
            raise CommandError(f"the year {year} has not begun: a review tells what has happened")
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise CommandError(f"no organisation with the short name '{organisation}'")
        if format == "pdf" and not output:
            raise CommandError("--format pdf is a binary file: give --output FILE")
        with translation.override("sv"):
            review = quality_review(org, year, external=not internal, summary=summary)
            content = render_review(review, org, format)
        audit(
            "export",
            None,
            kind="quality-review-command",
            format=format,
            rows=len(review["actions"]) + len(review["plan"]),
            org=org.pk,
        )
        if output:
            output.write_bytes(content)
            self.stdout.write(f"wrote {output} ({len(content)} bytes)")
        else:
            self.stdout.write(content.decode(), ending="")
