"""Lesson pages are for members: a new lesson gets a login restriction (Wagtail privacy),
unless an ancestor page already restricts it. Editors can change it in the privacy settings."""

from django.db.models.signals import post_save
from django.dispatch import Signal, receiver
from wagtail.models import PageViewRestriction

from people.signals import person_deactivated

from .ical import revoke_feeds
from .models import LessonPage

#: Sent after completions are recorded, with ``completions``: the new Completion rows.
#: Apps built on courses (e.g. certifications) award what a completed course grants.
completions_recorded = Signal()


@receiver(post_save, sender=LessonPage)
def restrict_new_lesson_to_members(sender, instance: LessonPage, created: bool, raw: bool = False, **kwargs):
    if not created or raw:
        return
    restricted = PageViewRestriction.objects.filter(page__in=instance.get_ancestors(inclusive=True)).exists()
    if not restricted:
        PageViewRestriction.objects.create(page=instance, restriction_type=PageViewRestriction.LOGIN)


@receiver(person_deactivated, dispatch_uid="courses_revoke_feeds_of_deactivated")
def revoke_feeds_of_deactivated(sender, person, **kwargs) -> None:
    """A deactivated person's calendar links stop working (new ones are made if she returns)."""
    revoke_feeds(person)
