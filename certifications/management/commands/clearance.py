"""python manage.py clearance --organisation SLUG --on YYYY-MM-DD --format json|csv"""

import csv
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from certifications.clearance import clearance
from people.bounds import parse_date
from people.exports import neutralise
from people.models import Organisation


class Command(BaseCommand):
    help = "Who is cleared for which shift role on a date: every person × every role, with reasons."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, metavar="SLUG")
        parser.add_argument("--on", metavar="YYYY-MM-DD", help="the date (default: today)")
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, organisation, on, format, **options):
        try:
            with translation.override("en"):
                day = parse_date(on) if on else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--on: {exc}") from exc
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise CommandError(f"no organisation with the short name '{organisation}'")
        results = [
            {
                "email": c.person.email,
                "role": c.role.name,
                "cleared": c.cleared,
                "reasons": c.reason_codes,
                "warnings": c.warning_codes,
            }
            for c in clearance(org, day)
        ]
        if format == "json":
            payload = {"organisation": org.slug, "on": day.isoformat(), "results": results}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(["email", "role", "cleared", "reasons", "warnings"])
            for row in results:
                cells = [
                    row["email"],
                    row["role"],
                    "yes" if row["cleared"] else "no",
                    ";".join(row["reasons"]),
                    ";".join(row["warnings"]),
                ]
                writer.writerow([neutralise(cell) for cell in cells])
