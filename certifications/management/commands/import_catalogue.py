"""python manage.py import_catalogue FILE.yaml --organisation SLUG"""

from certifications.importing import apply_catalogue, parse_catalogue

from ._base import ImportCommand


class Command(ImportCommand):
    help = "Import qualification types and shift roles from a YAML file; re-importing updates by name."

    def import_text(self, text, organisation):
        catalogue = parse_catalogue(text, organisation)
        if catalogue.problems:
            self.fail(catalogue.problems)
        types, roles = apply_catalogue(catalogue, organisation)
        self.stdout.write(
            self.style.SUCCESS(f"Imported {types} qualification types and {roles} shift roles.")
        )
