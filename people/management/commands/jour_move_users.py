"""``manage.py jour_move_users``: move an existing site's users from ``auth.User`` to the
plugins' user model, in place, before the first ``migrate`` with the plugins (people/moving.py)."""

from django.core.management.base import BaseCommand, CommandError

from people.moving import MoveRefused, move_users


class Command(BaseCommand):
    help = (
        "Move the site's users from auth.User to jour_people.User in place (ids, passwords, groups and "
        "permissions kept; every foreign key repointed). Run it before migrate; a no-op on a new database."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and say what would move; change nothing."
        )

    def handle(self, *args, database, dry_run, **options):
        try:
            move = move_users(database, dry_run=dry_run)
        except MoveRefused as refusal:
            lines = "\n".join(f"  - {problem}" for problem in refusal.problems)
            raise CommandError(f"Nothing was moved. Fix these first:\n{lines}") from refusal
        if not move.needed:
            self.stdout.write(f"Nothing to move: {move.reason}.")
            return
        tables = len({table for table, _ in move.references})
        verb = "Would move" if dry_run else "Moved"
        self.stdout.write(
            f"{verb} {move.users} users from auth_user to jour_people_user (ids and passwords kept), with "
            f"{move.memberships} group memberships and {move.permissions} permissions of their own; "
            f"{len(move.references)} foreign keys in {tables} tables point at the new table."
        )
        if move.staff_only:
            self.stdout.write(
                f"{move.staff_only} of them had Django admin access (is_staff) without being superusers: "
                "the Django admin is for superusers now; they keep the Wagtail admin their groups give."
            )
        if not dry_run:
            self.stdout.write("Now run: python manage.py migrate")
