""" "Forgot your password?" without telling who has an account.

The request does the same work whatever address is typed: it checks the form, counts the
request against its client address and against the account (the typed address), and answers
with the redirect to the "sent" page. Looking the address up and mailing the one-time link
happen in a task (:func:`send_password_reset`), enqueued after the response has been sent
(:func:`enqueue_after_response`), so a known address and an unknown one take the same time to
answer, whichever backend runs the queue.

Rate limits, per ``JOUR_PASSWORD_RESET_WINDOW_SECONDS`` (an hour): at most
``JOUR_PASSWORD_RESETS_PER_ADDRESS`` requests (5) from one client address and
``JOUR_PASSWORD_RESETS_PER_ACCOUNT`` (3) for one account. Over a limit the answer is the same,
no mail is sent and the audit log says which limit (never the address typed). The counters are
in Django's cache (``default``), under keys that are keyed hashes of the address and account.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext

from .audit import audit
from .auth import client_address
from .conf import app_settings
from .mail import MAIL_SERVER_ERRORS, retry_later
from .ratelimit import count_request
from .taskqueue import Task, task

logger = logging.getLogger(__name__)


def count_reset_request(address: str | None, email: str) -> str | None:
    """Count one reset request against its client address and its account. Answer the limit
    it is over, ``"address"`` or ``"account"``, or ``None`` when it may be sent."""
    window = app_settings.JOUR_PASSWORD_RESET_WINDOW_SECONDS
    limits = [
        ("address", address or "-", app_settings.JOUR_PASSWORD_RESETS_PER_ADDRESS),
        (
            "account",
            get_user_model()._default_manager.normalize_email(email),
            app_settings.JOUR_PASSWORD_RESETS_PER_ACCOUNT,
        ),
    ]
    over = None
    for kind, value, limit in limits:
        if count_request(f"password-reset:{kind}", value, window) > limit and over is None:
            over = kind
    return over


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's form, but a mail server error reaches the task (Django's logs and forgets it),
    so that the task can try again."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        EmailMessage(subject, body, from_email, [to_email]).send()


@task()
def send_password_reset(email: str, *, domain: str, use_https: bool, language: str, attempt: int = 1) -> str:
    """Mail a one-time link to every active person with a usable password whose address is
    ``email`` (Django's ``PasswordResetForm``: nobody, when it is unknown).

    A task (jour_core/mail.py): its arguments are plain values, the address and never the link,
    so no reset token waits in the queue; a mail server error tries again later, with a new
    link (``retry_later``).
    """
    form = QueuedPasswordResetForm({"email": email})
    if not form.is_valid():
        return "invalid"
    try:
        with translation.override(language):
            form.save(domain_override=domain, use_https=use_https)
    except MAIL_SERVER_ERRORS as error:
        arguments = {"email": email, "domain": domain, "use_https": use_https, "language": language}
        if retry_later(send_password_reset, attempt, error, **arguments):
            return "retrying"
        raise
    return "done"


def invitations_possible() -> bool:
    """Whether the host serves Django's page to choose a password (``password_reset_confirm``,
    as ``django.contrib.auth.urls`` names it): without it there is nothing to invite to."""
    try:
        reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "set-password"})
    except NoReverseMatch:
        return False
    return True


def password_link(user: Any, *, domain: str, use_https: bool) -> str:
    """A one-time link for ``user`` to choose her password: Django's reset token (it stops working
    once the password is set, or after ``PASSWORD_RESET_TIMEOUT``), on the reset's own page."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{'https' if use_https else 'http'}://{domain}{path}"


@task()
def send_invitation(person_id: int, *, domain: str, use_https: bool, language: str, attempt: int = 1) -> str:
    """Mail the person ``person_id`` an invitation with a link to choose her password (her
    coordinator sends it from her page; unlike a reset, a person without a usable password is
    mailed too). Nobody is mailed when she is not active or has no address.

    A task, as :func:`send_password_reset`: the queue holds her id, never the link; a mail server
    error tries again later with a new link.
    """
    person = get_user_model()._default_manager.select_related("organisation").filter(pk=person_id).first()
    if person is None or not person.is_active or not person.email:
        return "nobody"
    with translation.override(language):
        context = {
            "person": person,
            "organisation": person.organisation,
            "domain": domain,
            "link": password_link(person, domain=domain, use_https=use_https),
            "days": max(1, round(settings.PASSWORD_RESET_TIMEOUT / 86400)),
        }
        subject = gettext("Welcome: choose your password")
        body = loader.render_to_string("jour_core/invitation_email.txt", context)
    try:
        EmailMessage(subject, body, None, [person.email]).send()
    except MAIL_SERVER_ERRORS as error:
        arguments = {"person_id": person_id, "domain": domain, "use_https": use_https, "language": language}
        if retry_later(send_invitation, attempt, error, **arguments):
            return "retrying"
        raise
    return "sent"


def enqueue_after_response(response: HttpResponse, queued: Task, **arguments: Any) -> None:
    """Enqueue ``queued`` with ``arguments`` once ``response`` has been sent: when the WSGI
    server closes it (gunicorn and Django's test client alike call ``close()`` after the last
    byte), before Django's ``request_finished`` closes the database connection. A failure is
    logged; the answer has already gone.

    After the response, not in the request: what enqueueing costs depends on the backend (a
    row with the database backend, the whole task with the immediate one), and the answer must
    cost the same whoever asks.
    """

    def run() -> None:
        try:
            queued.enqueue(**arguments)
        except Exception:
            logger.exception("%s failed after the response", getattr(queued, "name", queued))

    response._resource_closers.append(run)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset form; the request answers the same for every address (module docstring)."""

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        request: HttpRequest = self.request
        email = form.cleaned_data["email"]
        response = HttpResponseRedirect(self.get_success_url())
        over = count_reset_request(client_address(request), email)
        if over is not None:
            audit("password_reset.limited", request, limit=over)
            return response
        enqueue_after_response(
            response,
            send_password_reset,
            email=email,
            domain=request.get_host(),
            use_https=request.is_secure(),
            language=translation.get_language(),
        )
        return response
