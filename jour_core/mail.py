"""Email leaves through the task queue (Django's task framework, or its backport on Django 5.2:
:mod:`.taskqueue`), never in the request.

:func:`queue_email` puts one message on the queue as plain values (subject, body, the one
recipient, attachments as text); the task :func:`send_email` builds and sends it. A worker
(``manage.py db_worker`` with the database backend) runs the queue; the tests run it at once
(the immediate backend).

django-tasks does not retry. A mail server error (``smtplib.SMTPException``, or an ``OSError``
such as a refused connection or a time-out) is retried here: :func:`retry_later` enqueues the
same task again with ``attempt + 1``, to run after ``JOUR_MAIL_RETRY_DELAYS[attempt - 1]``
seconds (1, 5, 30 and 120 minutes by default), and after the last one gives up with an error
in the log. Any other error is a bug: it fails the task at once (the worker logs it).

Enqueued inside a transaction, a message with the database backend is a row of that
transaction: it leaves only if the change it tells of is committed.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Iterable
from typing import Any

from django.core.mail import EmailMessage
from django.utils import timezone

from .conf import app_settings
from .taskqueue import Task, task

logger = logging.getLogger(__name__)

#: The errors of a mail server that may pass: worth another attempt later.
MAIL_SERVER_ERRORS = (smtplib.SMTPException, OSError)


def attempts_allowed() -> int:
    """How many times a message is tried in all: once, and once after each delay."""
    return len(app_settings.JOUR_MAIL_RETRY_DELAYS) + 1


def retry_later(queued: Task, attempt: int, error: Exception, **arguments: Any) -> bool:
    """After ``attempt`` failed with ``error``: enqueue ``queued`` again with ``arguments`` and
    ``attempt=attempt + 1`` after the next delay, and answer True; or, when that was the last
    attempt allowed, log an error and answer False. A backend that cannot defer (the immediate
    one) runs the next attempt at once."""
    delays = app_settings.JOUR_MAIL_RETRY_DELAYS
    if attempt > len(delays):
        logger.error("%s gave up after %d attempts: %r", queued.name, attempt, error)
        return False
    delay = datetime.timedelta(seconds=delays[attempt - 1])
    logger.warning("%s attempt %d failed (%r); trying again in %s", queued.name, attempt, error, delay)
    if queued.get_backend().supports_defer:
        queued = queued.using(run_after=timezone.now() + delay)
    queued.enqueue(attempt=attempt + 1, **arguments)
    return True


@task()
def send_email(message: dict, attempt: int = 1) -> str:
    """Send ``message`` (what :func:`queue_email` made), or try again later (module docstring)."""
    email = EmailMessage(
        subject=message["subject"],
        body=message["body"],
        to=message["to"],
        headers=message.get("headers") or None,
    )
    for filename, content, mimetype in message.get("attachments", ()):
        email.attach(filename, content, mimetype)
    try:
        email.send(fail_silently=False)
    except MAIL_SERVER_ERRORS as error:
        if retry_later(send_email, attempt, error, message=message):
            return "retrying"
        raise
    return "sent"


def forget_messages_to(address: str) -> int:
    """Delete the queued and finished messages to ``address`` and password resets asked for it
    (erasure: the queue's table holds their addresses and bodies). Answer how many; 0 without
    the database backend, whose rows these are."""
    from django.apps import apps

    if not apps.is_installed("django_tasks_db"):
        return 0
    from django.db.models import Q
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(
        Q(task_path=f"{__name__}.send_email", args_kwargs__kwargs__message__to__0=address)
        | Q(task_path="jour_core.passwordreset.send_password_reset", args_kwargs__kwargs__email=address)
    )
    return rows.delete()[0]


def queue_email(
    to: str,
    subject: str,
    body: str,
    attachments: Iterable[tuple[str, str, str]] = (),
    headers: dict[str, str] | None = None,
) -> None:
    """Put one message to one address on the queue. One recipient a message: nobody sees who
    else was told (a person with a protected identity is never named to the others)."""
    send_email.enqueue(
        message={
            "to": [to],
            "subject": subject,
            "body": body,
            "attachments": [list(a) for a in attachments],
            "headers": headers or {},
        }
    )
