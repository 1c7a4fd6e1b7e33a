"""Remove a person's authenticators, e.g. when she has lost her phone."""

from django.core.management.base import BaseCommand, CommandError

from jour_core.twofactor import reset_two_factor
from people.models import User


class Command(BaseCommand):
    help = "Remove a person's two-step verification devices; she sets up a new one at her next login."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        user = User.objects.filter(email=User.objects.normalize_email(email)).first()
        if user is None:
            raise CommandError(f"No person with the email address {email!r}.")
        removed = reset_two_factor(user)
        self.stdout.write(f"Removed {removed} device(s) for person {user.pk}.")
