"""python manage.py clearance --organisation SLUG --on YYYY-MM-DD --format json|csv"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from certifications.clearance import clearance
from jour_core.audit import audit
from jour_core.exports import PersonCell, Sheet, protected_people, pseudonymised, spreadsheet_file
from people.bounds import date_option
from people.models import Organisation


class Command(BaseCommand):
    help = "Who is cleared for which shift role on a date: every person × every role, with reasons."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, metavar="SLUG")
        parser.add_argument("--on", metavar="YYYY-MM-DD", help="the date (default: today)")
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, organisation, on, format, **options):
        day = date_option("--on", on) or timezone.localdate()
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise CommandError(f"no organisation with the short name '{organisation}'")
        results = clearance(org, day)
        # One sheet for both formats, shown by jour_core/exports.py: a protected identity is her
        # pseudonym (one per person, the same on every row), never her email, and her rows come
        # after the others, in the JSON as in the CSV.
        sheet = Sheet(
            ["email", "role", "cleared", "reasons", "warnings"],
            [
                [
                    PersonCell(c.person, c.person.email),
                    c.role.name,
                    "yes" if c.cleared else "no",
                    ";".join(c.reason_codes),
                    ";".join(c.warning_codes),
                ]
                for c in results
            ],
        )
        protected = protected_people(organisation=org)
        if format == "json":
            (shown,) = pseudonymised(sheet, protected)
            payload = {
                "organisation": org.slug,
                "on": day.isoformat(),
                "results": [
                    {
                        "email": email,
                        "role": role,
                        "cleared": cleared == "yes",
                        "reasons": [code for code in reasons.split(";") if code],
                        "warnings": [code for code in warnings.split(";") if code],
                    }
                    for email, role, cleared, reasons, warnings in shown.rows
                ],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            export = spreadsheet_file(sheet, "csv", protected)
            self.stdout.write(export.content.decode("utf-8-sig"), ending="")
        audit("export", None, kind="clearance-command", format=format, rows=len(results), org=org.pk)
