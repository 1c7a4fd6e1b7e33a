"""python manage.py competence_report --organisation SLUG --year YYYY | --from DATE --to DATE
[--external] --format json [--output FILE]"""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from certifications.report import competence_report, render_report, report_rows, year_period
from people.audit import audit
from people.models import Organisation


class Command(BaseCommand):
    help = "The competence report for an organisation and a period, as JSON, XLSX, CSV (zipped), HTML or PDF."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, metavar="SLUG")
        parser.add_argument("--year", type=int)
        parser.add_argument("--from", dest="start", metavar="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", metavar="YYYY-MM-DD")
        parser.add_argument(
            "--external", action="store_true", help="the version for funders: no names, small counts as <5"
        )
        parser.add_argument("--format", choices=["json", "xlsx", "csv", "html", "pdf"], default="json")
        parser.add_argument("--output", type=Path)

    def handle(self, *args, organisation, year, start, end, external, output, format, **options):
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise CommandError(f"no organisation with the short name '{organisation}'")
        if year and (start or end):
            raise CommandError("give either --year or --from and --to")
        if start or end:
            if not (start and end):
                raise CommandError("give both --from and --to")
            try:
                period = datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
            except ValueError as exc:
                raise CommandError("dates are YYYY-MM-DD") from exc
            if period[1] < period[0]:
                raise CommandError("--to is before --from")
        else:
            period = year_period(year or timezone.localdate().year)
        with translation.override("sv"):
            report = competence_report(org, *period, external=external)
            content = render_report(report, org, external, format)
        if not output and format in ("xlsx", "csv", "pdf"):
            raise CommandError(f"--format {format} is a binary file: give --output FILE")
        rows = report_rows(report)
        audit("export", None, kind="competence-report-command", format=format, rows=rows, org=org.pk)
        if output:
            output.write_bytes(content)
            self.stdout.write(f"Wrote {output}")
        else:
            self.stdout.write(content.decode(), ending="")
