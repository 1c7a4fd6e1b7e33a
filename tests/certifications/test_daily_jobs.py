"""manage.py run_daily_jobs: every daily job once, in order; one failing stops none of the others."""

import datetime
import io
import logging

import pytest
from axes.models import AccessLog
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from home.management.commands.run_daily_jobs import DAILY_JOBS
from tests.certifications.conftest import qualify
from tests.factories import PersonFactory

# Production's queue: the reminders are queued as tasks, and finished tasks can be pruned.
pytestmark = pytest.mark.usefixtures("database_queue")


@pytest.fixture
def database_queue():
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    ):
        yield


def queued_to() -> list[list[str]]:
    return [
        task.args_kwargs["kwargs"]["message"]["to"]
        for task in DBTaskResult.objects.filter(task_path="jour_core.mail.send_email").order_by("enqueued_at")
    ]


@pytest.fixture
def due(org_a, coordinator_a, catalogue):
    """A pledge that expires in 60 days, an expired session, a login logged 31 days ago."""
    person = PersonFactory(email="r@example.org", organisation=org_a)
    expires = timezone.localdate() + datetime.timedelta(days=60)
    qualify(person, catalogue["pledge"], "2026-01-01", expires=expires.isoformat())
    Session.objects.create(
        session_key="old", session_data="", expire_date=timezone.now() - datetime.timedelta(hours=1)
    )
    Session.objects.create(
        session_key="live", session_data="", expire_date=timezone.now() + datetime.timedelta(hours=1)
    )
    old = AccessLog.objects.create(
        ip_address="10.0.0.1", username="r@example.org", user_agent="x", path_info="/"
    )
    AccessLog.objects.filter(pk=old.pk).update(attempt_time=timezone.now() - datetime.timedelta(days=31))
    AccessLog.objects.create(ip_address="10.0.0.1", username="r@example.org", user_agent="x", path_info="/")


def run_daily_jobs():
    out = io.StringIO()
    call_command("run_daily_jobs", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_every_job_runs_once_and_logs_its_duration(due, caplog):
    with caplog.at_level(logging.INFO, logger="home.daily"):
        output = run_daily_jobs()
    assert "All 6 daily jobs done." in output
    assert queued_to() == [["r@example.org"], ["coord-a@example.org"]]
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
    assert AccessLog.objects.count() == 1
    lines = [r for r in caplog.records if r.name == "home.daily"]
    assert [r.getMessage().split(" done")[0] for r in lines] == [
        f"daily job {name}" for name, _ in DAILY_JOBS
    ]
    assert all(r.duration_ms >= 0 for r in lines)
    # Run again the same day: no reminder twice.
    run_daily_jobs()
    assert len(queued_to()) == 2


def test_a_failing_job_stops_none_of_the_others(due, caplog, monkeypatch):
    def broken(day):
        raise RuntimeError("the reminders broke")

    monkeypatch.setattr("certifications.management.commands.send_reminders.send_reminders", broken)
    with (
        caplog.at_level(logging.INFO, logger="home.daily"),
        pytest.raises(CommandError, match="send_reminders"),
    ):
        run_daily_jobs()
    assert queued_to() == []
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
    assert AccessLog.objects.count() == 1
    (failure,) = [r for r in caplog.records if r.name == "home.daily" and r.levelno == logging.ERROR]
    assert failure.getMessage().startswith("daily job send_reminders failed after")
    assert "the reminders broke" in str(failure.exc_info[1])
    assert len([r for r in caplog.records if r.name == "home.daily" and " done in " in r.getMessage()]) == 5
