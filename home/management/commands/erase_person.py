"""``manage.py erase_person EMAIL [--yes]``: the right to erasure, keeping the figures."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from home.erasure import ErasureRefused, erase_person, find_person, plan_erasure


class Command(BaseCommand):
    help = (
        "Erase a person's identifying data (names, email, phone, password, sessions, calendar "
        "links, history) while her attendance, completions and qualifications still count in the "
        "organisation's figures. Without --yes, only shows what would be erased."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--yes", action="store_true", help="Really erase (no confirmation).")

    def handle(self, *args, email: str, yes: bool, **options):
        try:
            person = find_person(email)
        except ErasureRefused as error:
            raise CommandError(str(error)) from error
        plan = plan_erasure(person)
        self.stdout.write(f"Person #{person.pk} ({person.email}) would be anonymised:")
        self.stdout.write("  names, email, phone and password removed; account deactivated; sessions ended")
        for what, count in plan.counts.items():
            self.stdout.write(f"  {what}: {count}")
        if not yes:
            self.stdout.write("Nothing was erased. Run again with --yes to erase.")
            return
        erase_person(person)
        self.stdout.write(self.style.SUCCESS(f"Person #{person.pk} was erased."))
