"""python manage.py clear_pending_imports — run daily from cron."""

from django.core.management.base import BaseCommand

from people.conf import app_settings
from people.importing import forget_expired_imports


class Command(BaseCommand):
    help = (
        "Delete the people files uploaded for import and never confirmed or cancelled, once they "
        "are older than PEOPLE_IMPORT_PENDING_HOURS (they hold personal data)."
    )

    def handle(self, *args, **options):
        deleted = forget_expired_imports()
        hours = app_settings.PEOPLE_IMPORT_PENDING_HOURS
        self.stdout.write(f"Deleted {deleted} pending import(s) older than {hours} hours.")
