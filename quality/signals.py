"""Every organisation starts with the default evaluation questions (quality/evaluations.py);
the organisations that were there before evaluations came got them in migration 0004."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from people.models import Organisation

from .evaluations import create_default_questions


@receiver(post_save, sender=Organisation, dispatch_uid="quality_default_questions")
def give_default_questions(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        create_default_questions(instance)
