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
from django.db import transaction
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import Signal, receiver
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords

from jour_core.audit import audit
from jour_core.mail import queue_email

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


@receiver(pre_save, sender=User, dispatch_uid="people_account_changes")
@receiver(pre_save, sender="jour_people.Person", dispatch_uid="people_person_account_changes")
def _before_saving_a_person(sender, instance: User, raw: bool = False, update_fields=None, **kwargs) -> None:
    """Compare the saved row with what is about to be saved (one query, only when the email, the
    active flag or the organisation may change): a deactivation ends her sessions, a new email
    address tells the old one, a new organisation moves her coordinators' group (after save)."""
    instance._organisation_changed = False
    watched = {"email", "is_active", "organisation"}
    if raw or instance.pk is None or (update_fields is not None and not watched & set(update_fields)):
        return
    old = User.objects.filter(pk=instance.pk).values("email", "is_active", "organisation_id").first()
    if old is None:
        return
    if old["is_active"] and not instance.is_active:
        transaction.on_commit(lambda: _deactivated(instance))
    email = PersonManager.normalize_email(instance.email)
    if old["email"] != email and getattr(instance, "email_change_notice", True):  # erasure: no one to tell
        # The request is known when simple-history's middleware runs (it records who changed what).
        request = getattr(HistoricalRecords.context, "request", None)
        keep = None
        if request is not None and getattr(request.user, "pk", None) == instance.pk:
            keep = request.session.session_key
        transaction.on_commit(lambda: _email_changed(instance, old["email"], keep))
    instance._organisation_changed = old["organisation_id"] != instance.organisation_id


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
    queue_email(old_email, subject, body)
    audit("person.email_changed", None, user="-", person=user.pk, sessions_ended=ended)


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
@receiver(post_save, sender="jour_people.Person", dispatch_uid="people_person_organisation_changed")
def _organisation_changed(sender, instance: User, raw: bool = False, **kwargs) -> None:
    """Someone moved to another organisation moves to its coordinators' group, if she has the
    role (a new person has no roles yet: adding one is an ``m2m_changed``)."""
    if not raw and getattr(instance, "_organisation_changed", False):
        sync_coordinators_groups([instance.pk])
