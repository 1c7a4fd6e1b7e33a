"""python manage.py calendar_url --email EMAIL [--reset]"""

from django.core.management.base import BaseCommand, CommandError

from courses.conf import base_url
from courses.ical import feed_link, feed_token
from courses.models import FeedKind
from people.models import PersonManager, User


class Command(BaseCommand):
    help = "Print a person's 'My sessions' calendar URL; --reset makes a new one (the old stops working)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--reset", action="store_true")
        parser.add_argument("--base-url", default=base_url(), help="the site's address")

    def handle(self, *args, email, reset, base_url, **options):
        person = User.objects.filter(email=PersonManager.normalize_email(email)).first()
        if person is None:
            raise CommandError(f"no person with the email {email}")
        if not person.is_active:
            raise CommandError(f"{email} is deactivated; her calendar links do not work")
        feed = feed_token(person, FeedKind.MY_SESSIONS, reset=reset)
        self.stdout.write(feed_link(feed, base_url).url)
