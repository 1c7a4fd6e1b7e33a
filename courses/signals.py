"""Lesson pages are for members: a new lesson gets a login restriction (Wagtail privacy),
unless an ancestor page already restricts it. Editors can change it in the privacy settings.

A new organisation gets its course index and the default themes, and an index with an organisation gives that
organisation's coordinators the right to edit under it (courses/page_access.py)."""

from django.db.models.signals import post_save, pre_delete
from django.dispatch import Signal, receiver
from django.utils import timezone
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from people.models import Organisation
from people.signals import person_deactivated

from .ical import revoke_feeds
from .models import CourseIndexPage, CourseRun, LessonPage, seed_themes
from .notifications import notify_apology
from .page_access import ensure_course_index, grant_course_editing

#: Sent after completions are recorded, with ``completions``: the new Completion rows.
#: Apps built on courses (e.g. certifications) award what a completed course grants.
completions_recorded = Signal()
#: Sent when the transaction commits after a participant gave apologies for a coming session
#: (courses.attendance.report_apology), with ``attendance``: her Attendance row, marked excused,
#: with her note. Connect the circle leaders' notice here.
apology_reported = Signal()


@receiver(post_save, sender=LessonPage)
def restrict_new_lesson_to_members(sender, instance: LessonPage, created: bool, raw: bool = False, **kwargs):
    if not created or raw:
        return
    restricted = PageViewRestriction.objects.filter(page__in=instance.get_ancestors(inclusive=True)).exists()
    if not restricted:
        PageViewRestriction.objects.create(page=instance, restriction_type=PageViewRestriction.LOGIN)


@receiver(page_published, sender=LessonPage, dispatch_uid="courses_lesson_published")
@receiver(page_unpublished, sender=LessonPage, dispatch_uid="courses_lesson_unpublished")
@receiver(post_page_move, sender=LessonPage, dispatch_uid="courses_lesson_moved")
@receiver(pre_delete, sender=LessonPage, dispatch_uid="courses_lesson_deleted")
def lesson_changed(sender, instance: LessonPage, parent_page_before=None, **kwargs) -> None:
    """A lesson's address is in the calendar events of its unit's sessions ("Material: ..."):
    publishing, unpublishing, moving or deleting it changes the calendars of its course's runs
    (and of the course it left). Their runs are marked changed: a feed's version (its ETag)
    follows its runs' ``updated_at``, and the update bumps their organisations' data versions
    (jour_core/versions.py), so the next poll gets the new calendar."""
    parents = [instance.path[: -LessonPage.steplen]]
    if parent_page_before is not None:
        parents.append(parent_page_before.path)
    CourseRun.objects.filter(course__path__in=parents).update(updated_at=timezone.now())


@receiver(person_deactivated, dispatch_uid="courses_revoke_feeds_of_deactivated")
def revoke_feeds_of_deactivated(sender, person, **kwargs) -> None:
    """A deactivated person's calendar links stop working (new ones are made if she returns)."""
    revoke_feeds(person)


@receiver(post_save, sender=Organisation, dispatch_uid="courses_index_for_new_organisation")
def course_index_for_new_organisation(
    sender, instance: Organisation, created: bool, raw: bool = False, **kwargs
):
    if created and not raw:
        ensure_course_index(instance)
        seed_themes(instance)


@receiver(post_save, sender=CourseIndexPage, dispatch_uid="courses_index_editing")
def coordinators_edit_under_their_index(sender, instance: CourseIndexPage, raw: bool = False, **kwargs):
    if not raw:
        grant_course_editing(instance)


@receiver(pre_delete, sender=Organisation, dispatch_uid="courses_empty_index_of_deleted_organisation")
def remove_empty_course_index(sender, instance: Organisation, **kwargs) -> None:
    """An organisation that is deleted (it has no courses: they protect it) takes its empty
    course index with it."""
    for index in CourseIndexPage.objects.filter(organisation=instance, numchild=0):
        index.delete()


@receiver(apology_reported, dispatch_uid="courses_apology_to_leaders")
def tell_leaders_of_apology(sender, attendance, **kwargs) -> None:
    """The run's leaders are emailed who gave apologies for which session, with her note."""
    notify_apology(attendance, note=kwargs.get("note"))
