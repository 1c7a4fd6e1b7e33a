"""python manage.py send_reminders [--on YYYY-MM-DD] — run daily from cron."""

from django.core.management.base import BaseCommand

from certifications.reminders import send_reminders
from people.bounds import date_option


class Command(BaseCommand):
    help = (
        "Email people and their coordinators 60, 30 and 7 days before a required qualification "
        "expires. Each step is sent once; running it again the same day sends nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--on", metavar="YYYY-MM-DD", help="pretend today is this date (for testing)")

    def handle(self, *args, on=None, **options):
        day = date_option("--on", on)
        count = send_reminders(day)
        self.stdout.write(f"Sent {count} reminders.")
