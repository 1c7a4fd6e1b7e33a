"""``manage.py jour_relabel``: move a database made before the plugins' labels changed
(``people`` → ``jour_people`` and so on) to the new labels, before ``migrate``. See
``jour_core/relabel.py``."""

from django.core.management.base import BaseCommand, CommandError

from jour_core.relabel import RelabelRefused, plan, relabel


class Command(BaseCommand):
    help = "Move a database from the plugins' old app labels (people, courses, ...) to jour_people and so on."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")
        parser.add_argument("--dry-run", action="store_true", help="Say what would change, change nothing.")

    def handle(self, *args, database, dry_run, **options):
        try:
            steps = plan(database) if dry_run else relabel(database)
        except RelabelRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        if not steps:
            self.stdout.write("Nothing to relabel: the database is on the current labels (or empty).")
            return
        verb = "Would move" if dry_run else "Moved"
        for step in steps:
            self.stdout.write(
                f"{verb} '{step.old}' to '{step.new}': {step.migrations} migrations, "
                f"{len(step.tables)} tables renamed."
            )
