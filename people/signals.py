"""What happens when a person's account is switched off, and when organisations and roles change.

Deactivating a person (unticking "active account", or leaving via the register) ends every
session she has and sends ``person_deactivated`` so that other apps can withdraw what they
issued to her (courses revokes her calendar feed links).

Changing someone's email address (the login) sends a notice to the old address and ends her
sessions, except the one making the change if she changes her own: if an account is being
taken over, its owner hears of it and nobody stays logged in on the old terms.

Saving an organisation provisions it (its coordinators' group and collection), and a change to
someone's roles or organisation keeps the coordinators' groups right (people/provisioning.py).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.mail import send_mail
from django.db import transaction
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import Signal, receiver
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords

from .audit import audit
from .models import Organisation, PersonManager, User
from .provisioning import provision_organisation, sync_coordinators_groups

#: Sent after commit with ``person`` when an active account becomes inactive.
person_deactivated = Signal()


def end_sessions(user: User, keep: str | None = None) -> int:
    """Delete the database sessions logged in as ``user`` (but the one whose key is ``keep``);
    returns how many were ended."""
    session_ids = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).exclude(pk=keep).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]
    return Session.objects.filter(pk__in=session_ids).delete()[0]


@receiver(pre_save, sender=User, dispatch_uid="people_email_change")
@receiver(pre_save, sender="people.Person", dispatch_uid="people_person_email_change")
def _on_email_change(sender, instance: User, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw or instance.pk is None or (update_fields is not None and "email" not in update_fields):
        return
    if not getattr(instance, "email_change_notice", True):  # erasure: nobody to tell
        return
    old = User.objects.filter(pk=instance.pk).values_list("email", flat=True).first()
    if old and old != PersonManager.normalize_email(instance.email):
        # The request is known when simple-history's middleware runs (it records who changed what).
        request = getattr(HistoricalRecords.context, "request", None)
        keep = None
        if request is not None and getattr(request.user, "pk", None) == instance.pk:
            keep = request.session.session_key
        transaction.on_commit(lambda: _email_changed(instance, old, keep))


def _email_changed(user: User, old_email: str, keep_session: str | None) -> None:
    ended = end_sessions(user, keep=keep_session)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your email address has been changed")
        body = _(
            "Hello %(name)s,\n\n"
            "The email address you log in with at %(site)s has been changed from this address to "
            "another one. You have been logged out everywhere.\n\n"
            "If you did not know of this change, contact your organisation's coordinator at once."
        ) % {"name": user.first_name or old_email, "site": getattr(settings, "WAGTAIL_SITE_NAME", "")}
    send_mail(subject, body, None, [old_email])
    audit("person.email_changed", None, user="-", person=user.pk, sessions_ended=ended)


@receiver(pre_save, sender=User, dispatch_uid="people_deactivation")
@receiver(pre_save, sender="people.Person", dispatch_uid="people_person_deactivation")
def _on_deactivation(sender, instance: User, raw: bool = False, **kwargs) -> None:
    if raw or instance.pk is None or instance.is_active:
        return
    was_active = User.objects.filter(pk=instance.pk, is_active=True).exists()
    if was_active:
        transaction.on_commit(lambda: _deactivated(instance))


def _deactivated(user: User) -> None:
    end_sessions(user)
    person_deactivated.send(sender=User, person=user)


@receiver(post_save, sender=Organisation, dispatch_uid="people_provision_organisation")
def _provision(sender, instance: Organisation, raw: bool = False, **kwargs) -> None:
    if not raw:
        provision_organisation(instance)


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="people_roles_changed")
def _roles_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:  # someone's groups changed
        sync_coordinators_groups([instance.pk])
    else:  # a group's members changed (pk_set is None after a clear: everyone is checked)
        sync_coordinators_groups(None if action == "post_clear" else pk_set)


@receiver(post_save, sender=User, dispatch_uid="people_organisation_changed")
@receiver(post_save, sender="people.Person", dispatch_uid="people_person_organisation_changed")
def _organisation_changed(sender, instance: User, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw or (update_fields is not None and "organisation" not in update_fields):
        return
    sync_coordinators_groups([instance.pk])
