"""python manage.py import_records FILE.csv|FILE.xlsx --organisation SLUG"""

from certifications.importing import apply_records, parse_records
from jour_core.reading import read_spreadsheet

from ._base import ImportCommand


class Command(ImportCommand):
    help = (
        "Import qualifications, course completions and external training from a CSV or XLSX file "
        "with the columns email,kind,name,date,hours,provider,expires_on,revoked_on (or their "
        "Swedish names). All or nothing; importing the same file twice adds nothing."
    )

    def read(self, data, name):
        return read_spreadsheet(data, name)

    def import_text(self, text, organisation):
        records = parse_records(text, organisation)
        if records.problems:
            self.fail(records.problems)
        summary = apply_records(records, organisation)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {summary.qualifications} new qualifications, {summary.completions} new course "
                f"completions and {summary.trainings} new training attendances."
            )
        )
