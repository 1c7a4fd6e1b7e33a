"""python manage.py clearance --organisation SLUG --on YYYY-MM-DD --format json|csv"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from certifications.clearance import clearance
from people.audit import audit
from people.bounds import parse_date
from people.exports import PersonCell, Pseudonyms, Sheet, protected_people, spreadsheet_file
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
        results = clearance(org, day)
        # A protected identity appears as her pseudonym, never her email (one per person, the
        # same on every row): people/exports.py decides, for the JSON as for the CSV.
        if format == "json":
            pseudonyms = Pseudonyms(c.person for c in results if c.person.protected_identity)
            payload = {
                "organisation": org.slug,
                "on": day.isoformat(),
                "results": [
                    {
                        "email": pseudonyms.show(PersonCell(c.person, c.person.email)),
                        "role": c.role.name,
                        "cleared": c.cleared,
                        "reasons": c.reason_codes,
                        "warnings": c.warning_codes,
                    }
                    for c in results
                ],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            rows = [
                [
                    PersonCell(c.person, c.person.email),
                    c.role.name,
                    "yes" if c.cleared else "no",
                    ";".join(c.reason_codes),
                    ";".join(c.warning_codes),
                ]
                for c in results
            ]
            sheet = Sheet(["email", "role", "cleared", "reasons", "warnings"], rows)
            export = spreadsheet_file(sheet, "csv", protected_people(organisation=org))
            self.stdout.write(export.content.decode("utf-8-sig"), ending="")
        audit("export", None, kind="clearance-command", format=format, rows=len(results), org=org.pk)
