"""What happens when a person's account is switched off.

Deactivating a person (unticking "active account", or leaving via the register) ends every
session she has and sends ``person_deactivated`` so that other apps can withdraw what they
issued to her (courses revokes her calendar feed links).
"""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models.signals import pre_save
from django.dispatch import Signal, receiver
from django.utils import timezone

from .models import User

#: Sent after commit with ``person`` when an active account becomes inactive.
person_deactivated = Signal()


def end_sessions(user: User) -> int:
    """Delete the database sessions logged in as ``user``; returns how many were ended."""
    session_ids = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]
    return Session.objects.filter(pk__in=session_ids).delete()[0]


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
