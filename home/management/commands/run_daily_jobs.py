"""python manage.py run_daily_jobs: every daily job once, in order (systemd's jour-daily.timer
runs it once a day, deploy/; README "Run it in production")."""

from __future__ import annotations

import logging
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

logger = logging.getLogger("home.daily")

# (command, arguments): each in its own try, so one failing does not stop the others. The backup
# is not here: it has a timer of its own (deploy/jour-backup.timer).
DAILY_JOBS: list[tuple[str, tuple[str, ...]]] = [
    # Emails: qualifications and the pledge 60, 30 and 7 days before they expire; tomorrow's
    # sessions to those who asked. Both send each reminder once, however often they run.
    ("send_reminders", ()),
    ("send_session_reminders", ()),
    # Personal data kept no longer than needed: unconfirmed people imports, expired sessions,
    # django-axes' log of logins after 30 days (axes' default), finished tasks after 30 days.
    ("clear_pending_imports", ()),
    ("clearsessions", ()),
    ("axes_reset_logs", ("--age", "30")),
    ("prune_db_task_results", ("--min-age-days", "30")),
]


class Command(BaseCommand):
    help = (
        "Run every daily job once, in order: the reminders, then the clean-ups. A job that fails "
        "does not stop the others; the command then exits with status 1."
    )

    def handle(self, *args, **options):
        failed = [name for name, arguments in DAILY_JOBS if not self.run_job(name, arguments)]
        if failed:
            raise CommandError(f"{len(failed)} daily job(s) failed: {', '.join(failed)}")
        self.stdout.write(f"All {len(DAILY_JOBS)} daily jobs done.")

    def run_job(self, name: str, arguments: tuple[str, ...]) -> bool:
        started = time.perf_counter()
        try:
            call_command(name, *arguments, stdout=self.stdout, stderr=self.stderr)
        except Exception:  # a job may fail in any way; the next ones still run
            elapsed = round((time.perf_counter() - started) * 1000, 1)
            logger.exception("daily job %s failed after %s ms", name, elapsed, extra={"duration_ms": elapsed})
            return False
        elapsed = round((time.perf_counter() - started) * 1000, 1)
        logger.info("daily job %s done in %s ms", name, elapsed, extra={"duration_ms": elapsed})
        return True
