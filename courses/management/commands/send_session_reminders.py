"""python manage.py send_session_reminders [--on YYYY-MM-DD] — run daily from cron."""

from django.core.management.base import BaseCommand

from courses.reminders import send_session_reminders
from people.bounds import date_option


class Command(BaseCommand):
    help = (
        "Email everyone who asked for reminders about her sessions tomorrow (one email each). "
        "Each is sent once; running it again the same day sends nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--on", metavar="YYYY-MM-DD", help="pretend today is this date (for testing)")

    def handle(self, *args, on=None, **options):
        day = date_option("--on", on)
        count = send_session_reminders(day)
        self.stdout.write(f"Queued reminders for {count} people.")
