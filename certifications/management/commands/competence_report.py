"""python manage.py competence_report --organisation SLUG --year YYYY | --from DATE --to DATE
[--external] --format json [--output FILE]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from certifications.report import (
    ALL_ORGANISATIONS,
    Umbrella,
    competence_report,
    render_report,
    report_rows,
    summed_report,
    year_period,
)
from jour_core.audit import audit
from people.bounds import parse_date, parse_year
from people.models import Organisation


class Command(BaseCommand):
    help = "The competence report for an organisation and a period, as JSON, XLSX, CSV (zipped), HTML or PDF."

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisation",
            required=True,
            metavar="SLUG",
            help="an organisation's short name, or all: their sum",
        )
        parser.add_argument("--year", metavar="YYYY")
        parser.add_argument("--from", dest="start", metavar="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", metavar="YYYY-MM-DD")
        parser.add_argument(
            "--external", action="store_true", help="the version for funders: no names, small counts as <5"
        )
        parser.add_argument("--format", choices=["json", "xlsx", "csv", "html", "pdf"], default="json")
        parser.add_argument("--output", type=Path)

    def handle(self, *args, organisation, year, start, end, external, output, format, **options):
        if year and (start or end):
            raise CommandError("give either --year or --from and --to")
        with translation.override("en"):
            period = self.period(year, start, end)
        if period[0] > timezone.localdate():
            raise CommandError(
                f"the period has not begun (it starts on {period[0].isoformat()}): "
                "a report tells what has happened"
            )
        if organisation == ALL_ORGANISATIONS:
            org = (
                Umbrella(tuple(Organisation.objects.order_by("name")))
                if Organisation.objects.exists()
                else None
            )
        else:
            org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise CommandError(f"no organisation with the short name '{organisation}'")
        with translation.override("sv"):
            if isinstance(org, Umbrella):
                report = summed_report(list(org.organisations), *period, external=external)
            else:
                report = competence_report(org, *period, external=external)
            content = render_report(report, org, external, format)
        if not output and format in ("xlsx", "csv", "pdf"):
            raise CommandError(f"--format {format} is a binary file: give --output FILE")
        rows = report_rows(report)
        audit(
            "export",
            None,
            kind="competence-report-command",
            format=format,
            rows=rows,
            org=org.pk or ALL_ORGANISATIONS,
        )
        if output:
            output.write_bytes(content)
            self.stdout.write(f"Wrote {output}")
        else:
            self.stdout.write(content.decode(), ending="")

    def period(self, year: str | None, start: str | None, end: str | None):
        """The period the options give (the current year without any), each date within the
        bounds every typed date has; a CommandError names the option that is wrong."""
        if start or end:
            if not (start and end):
                raise CommandError("give both --from and --to")
            dates = []
            for option, value in (("--from", start), ("--to", end)):
                try:
                    dates.append(parse_date(value))
                except ValueError as exc:
                    raise CommandError(f"{option}: {exc}") from exc
            if dates[1] < dates[0]:
                raise CommandError("--to is before --from")
            return tuple(dates)
        if year is None:
            return year_period(timezone.localdate().year)
        try:
            return year_period(parse_year(year))
        except ValueError as exc:
            raise CommandError(f"--year: {exc}") from exc
