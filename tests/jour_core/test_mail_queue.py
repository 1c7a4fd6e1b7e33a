"""Email through the task queue: one message a recipient, retries on a mail server error, the
database backend's worker, and the password reset's link never waiting in the queue."""

from __future__ import annotations

import datetime
import smtplib
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from jour_core import mail as jour_mail
from jour_core.mail import queue_email, send_email
from jour_core.taskqueue import FRAMEWORK

ROOT = Path(__file__).resolve().parents[2]
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
DUMMY_QUEUE = {"default": {"BACKEND": f"{FRAMEWORK}.backends.dummy.DummyBackend"}}


class FlakyBackend:
    """A mail server that fails ``failures`` times with ``error``, then delivers (locmem)."""

    failures = 0
    error: Exception = smtplib.SMTPServerDisconnected("closed")
    calls = 0

    def __init__(self, *args, **kwargs):
        from django.core.mail.backends.locmem import EmailBackend

        self.delivering = EmailBackend(*args, **kwargs)

    def send_messages(self, messages):
        FlakyBackend.calls += 1
        if FlakyBackend.calls <= FlakyBackend.failures:
            raise FlakyBackend.error
        return self.delivering.send_messages(messages)


def run_worker() -> None:
    """``manage.py db_worker --batch``: the queue's tasks, then it stops. The worker checks its
    database connection as a long-running process should (``close_old_connections``), which in
    a test's transaction would close the test's own connection (PostgreSQL): not here."""
    from unittest import mock

    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.jour_core.test_mail_queue.FlakyBackend"
    FlakyBackend.calls = 0
    FlakyBackend.failures = 0
    FlakyBackend.error = smtplib.SMTPServerDisconnected("closed")
    return FlakyBackend


def test_a_queued_message_goes_to_one_address_with_its_attachment():
    queue_email(
        "a@example.org", "Ämne", "Hej!", attachments=[("traff.ics", "BEGIN:VCALENDAR", "text/calendar")]
    )
    (message,) = mail.outbox
    assert message.to == ["a@example.org"] and message.cc == [] and message.bcc == []
    assert (message.subject, message.body) == ("Ämne", "Hej!")
    assert message.attachments == [("traff.ics", "BEGIN:VCALENDAR", "text/calendar")]


@pytest.mark.parametrize(
    "error",
    [smtplib.SMTPServerDisconnected("closed"), ConnectionRefusedError(111, "refused"), TimeoutError()],
)
def test_a_mail_server_error_is_tried_again_until_it_passes(flaky, error, caplog):
    flaky.failures, flaky.error = 2, error
    queue_email("a@example.org", "Ämne", "Hej!")
    assert flaky.calls == 3
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert caplog.text.count("trying again") == 2


def test_after_the_last_attempt_it_gives_up_with_an_error_in_the_log(flaky, caplog, settings):
    settings.JOUR_MAIL_RETRY_DELAYS = (60, 300)
    flaky.failures = 99
    result = send_email.enqueue(message={"to": ["a@example.org"], "subject": "s", "body": "b"})
    assert flaky.calls == 3 and mail.outbox == []
    assert "gave up after 3 attempts" in caplog.text
    assert any(r.levelname == "ERROR" and "gave up" in r.getMessage() for r in caplog.records)
    assert result.status == "SUCCESSFUL"  # the first attempt handed over to the second


def test_another_error_is_not_retried(settings):
    BrokenBackend.calls = 0
    settings.EMAIL_BACKEND = "tests.jour_core.test_mail_queue.BrokenBackend"
    result = send_email.enqueue(message={"to": ["a@example.org"], "subject": "s", "body": "b"})
    assert result.status == "FAILED"
    assert BrokenBackend.calls == 1


class BrokenBackend(FlakyBackend):
    calls = 0

    def send_messages(self, messages):
        BrokenBackend.calls += 1
        raise ValueError("a bug, not the mail server")


@override_settings(TASKS=DUMMY_QUEUE)
def test_the_next_attempt_waits_for_its_delay(flaky, clock):
    from jour_core.taskqueue import default_task_backend

    flaky.failures = 1
    send_email.call(message={"to": ["a@example.org"], "subject": "s", "body": "b"})
    (retry,) = default_task_backend.results
    assert retry.kwargs["attempt"] == 2
    assert retry.task.run_after == pytest.approx(
        datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=60),
        abs=datetime.timedelta(seconds=5),
    )


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_QUEUE)
def test_the_worker_sends_what_was_queued_and_the_retry_after_its_delay(flaky, clock):
    flaky.failures = 1
    queue_email("a@example.org", "Ämne", "Hej!")
    assert mail.outbox == [] and DBTaskResult.objects.count() == 1
    run_worker()
    assert mail.outbox == [] and flaky.calls == 1
    waiting = DBTaskResult.objects.filter(status="READY").get()
    assert waiting.run_after is not None
    run_worker()
    assert mail.outbox == []  # not before its delay
    clock.shift(datetime.timedelta(seconds=61))
    run_worker()
    assert [m.to for m in mail.outbox] == [["a@example.org"]]


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_QUEUE)
def test_wagtails_own_tasks_pass_through_the_sites_database_backend():
    """Wagtail 8.0 defines its tasks (here the reference index after a save) with the backport
    django-tasks, on Django 6.0 too; they are of the framework of the backend named when the code
    loads, so settings that name the backport's backend on 6.0 make django-tasks-db refuse them
    and the save fail (jour_core/taskqueue.py). They wait for the worker as ours do."""
    from unittest import mock

    from wagtail.models import Page, ReferenceIndex

    with mock.patch.object(
        ReferenceIndex, "create_or_update_for_object", wraps=ReferenceIndex.create_or_update_for_object
    ) as indexed:
        page = Page.get_first_root_node().add_child(instance=Page(title="Sida", slug="sida"))
        run_worker()
    assert page in [call.args[0] for call in indexed.call_args_list]
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_QUEUE)
def test_our_tasks_are_the_frameworks_of_this_django():
    """The plugins' tasks are Django's own on 6.0 (the backport's on 5.2), and wait in the
    database for the worker."""
    import django

    from jour_core.passwordreset import send_invitation, send_password_reset

    framework = "django.tasks" if django.VERSION >= (6, 0) else "django_tasks"
    for queued in (send_email, send_password_reset, send_invitation):
        assert type(queued).__module__ == f"{framework}.base"
    queue_email("a@example.org", "Ämne", "Hej!")
    assert DBTaskResult.objects.get().status == "READY" and mail.outbox == []


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_QUEUE)
def test_a_password_reset_queues_the_address_never_the_link(client, volunteer_a):
    response = client.post(reverse("password_reset"), {"email": volunteer_a.email}, REMOTE_ADDR="10.9.0.1")
    assert response.status_code == 302 and mail.outbox == []
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path == "jour_core.passwordreset.send_password_reset"
    assert "reset" not in str(queued.args_kwargs).replace("send_password_reset", "")
    run_worker()
    assert [m.to for m in mail.outbox] == [[volunteer_a.email]] and "/accounts/reset/" in mail.outbox[0].body


def test_a_password_reset_is_tried_again_with_a_new_link(client, volunteer_a, flaky):
    flaky.failures = 1
    client.post(reverse("password_reset"), {"email": volunteer_a.email}, REMOTE_ADDR="10.9.0.2")
    assert flaky.calls == 2 and [m.to for m in mail.outbox] == [[volunteer_a.email]]


def test_make_run_starts_the_worker_next_to_the_server_and_stops_it():
    makefile = (ROOT / "Makefile").read_text()
    run = makefile.split("\nrun: ", 1)[1].split("\n\n", 1)[0]
    assert "manage.py db_worker" in run and "&" in run
    assert "trap" in run and "kill" in run  # Ctrl-C stops the worker too
    assert run.index("db_worker") < run.index("runserver")


def test_every_message_in_the_code_goes_through_the_queue():
    """No module sends mail itself; the queue's task (and Django's reset form inside the
    password reset task) are the only senders."""
    allowed = {ROOT / "jour_core" / "mail.py", ROOT / "jour_core" / "passwordreset.py"}
    for app in ("jour_core", "people", "courses", "certifications", "quality", "home", "lms"):
        for path in (ROOT / app).rglob("*.py"):
            text = path.read_text()
            if path in allowed:
                continue
            for sender in (
                "send_mail(",
                "send_mass_mail(",
                "EmailMessage(",
                "EmailMultiAlternatives(",
                "mail_admins(",
            ):
                assert sender not in text, f"{path.relative_to(ROOT)} sends mail itself ({sender})"
    assert (smtplib.SMTPException, OSError) == jour_mail.MAIL_SERVER_ERRORS


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_QUEUE)
def test_erasure_forgets_the_messages_to_her_and_her_password_resets(client, volunteer_a, coordinator_a):
    from home.erasure import erase_person

    queue_email(volunteer_a.email, "Till henne", "Hej!")
    queue_email(coordinator_a.email, "Till någon annan", "Hej!")
    client.post(reverse("password_reset"), {"email": volunteer_a.email}, REMOTE_ADDR="10.9.0.3")
    assert DBTaskResult.objects.count() == 3
    erase_person(volunteer_a)
    (kept,) = DBTaskResult.objects.all()
    assert kept.args_kwargs["kwargs"]["message"]["to"] == [coordinator_a.email]
