"""Who sees and changes which course pages: Wagtail's own page permissions, per organisation.

Wagtail grants page permissions to groups, on a page and everything under it, and every screen
that shows pages (the explorer, search, the page API, reports, revisions, workflows, previews)
asks the same page permission policy. So the organisations are kept apart in the tree: each has
its own course index (``CourseIndexPage.organisation``), made when the organisation is, with its
courses and their lessons under it, and the organisation's coordinators' group
(``Organisation.coordinators_group``, people/provisioning.py) may add, change and publish pages
there and nowhere else. A course's organisation is its index's (``CoursePage.save``), a course
cannot be moved to another organisation's index (``courses.wagtail_hooks``), and the page
chooser leaves out other organisations' course pages (``other_organisations_pages``). Members of
another organisation get 404 from a lesson (``LessonPage.serve``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import GroupPagePermission, Page, Site

from jour_core.scoping import visible_organisation_ids
from people.models import Organisation
from people.permissions import named_permissions
from people.provisioning import provision_organisation

from .models import CourseIndexPage, CoursePage

#: What an organisation's coordinators may do on its course index and every page under it.
COURSE_EDITING = ("wagtailcore.add_page", "wagtailcore.change_page", "wagtailcore.publish_page")


def grant_course_editing(index: CourseIndexPage) -> None:
    """The index's organisation's coordinators' group may add, change and publish pages under
    it (idempotent; nothing for an index without an organisation)."""
    organisation = index.organisation
    if organisation is None:
        return
    if organisation.coordinators_group_id is None:
        provision_organisation(organisation)
    group_id = organisation.coordinators_group_id
    held = set(
        GroupPagePermission.objects.filter(group_id=group_id, page=index).values_list("permission", flat=True)
    )
    GroupPagePermission.objects.bulk_create(
        GroupPagePermission(group_id=group_id, page=index, permission=permission)
        for permission in named_permissions(COURSE_EDITING).exclude(pk__in=held)
    )


@transaction.atomic
def ensure_course_index(organisation: Organisation) -> CourseIndexPage | None:
    """The organisation's course index: the existing one, or a new, published one under the
    default site's home page ("Utbildningar – <organisation>", at ``/utbildningar-<slug>/``).
    None when the site has no default site to put it in."""
    index = CourseIndexPage.objects.filter(organisation=organisation).order_by("path").first()
    if index is not None:
        return index
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return None
    parent = site.root_page
    slug = base = slugify(f"utbildningar-{organisation.slug}")[:250]
    taken = set(parent.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    number = 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Courses – %(organisation)s") % {"organisation": organisation.name}
    index = parent.add_child(instance=CourseIndexPage(title=title, slug=slug, organisation=organisation))
    index.save_revision().publish()
    return index


def organisation_of_page(page: Page) -> int | None:
    """The organisation a page belongs to: its course's (a course or a lesson), else its course
    index's; None for the rest of the site."""
    course = (
        CoursePage.objects.ancestor_of(page, inclusive=True)
        .order_by("-depth")
        .values_list("organisation_id", flat=True)
        .first()
    )
    if course is not None:
        return course
    return (
        CourseIndexPage.objects.ancestor_of(page, inclusive=True)
        .exclude(organisation=None)
        .order_by("-depth")
        .values_list("organisation_id", flat=True)
        .first()
    )


def other_organisations_pages(user: Any) -> Q:
    """A condition matching every page of the organisations ``user`` may not see (their course
    indexes, courses and lessons): for querysets of pages that Wagtail does not scope by
    permission itself, such as the page chooser. Matches nothing for the umbrella administrator."""
    visible = visible_organisation_ids(user)
    if visible is None:
        return Q(pk__in=[])
    roots = sorted(
        [
            *CourseIndexPage.objects.exclude(organisation=None)
            .exclude(organisation__in=visible)
            .values_list("path", flat=True),
            *CoursePage.objects.exclude(organisation__in=visible).values_list("path", flat=True),
        ]
    )
    condition, covered = Q(pk__in=[]), None
    for path in roots:  # sorted: a course under an excluded index is covered by the index
        if covered is not None and path.startswith(covered):
            continue
        condition |= Q(path__startswith=path)
        covered = path
    return condition


def ensure_course_editing(**kwargs: Any) -> None:
    """After every ``migrate``: each organisation's coordinators may edit under its indexes."""
    if not _schema_has_index_organisation(kwargs.get("apps")):
        return
    for index in CourseIndexPage.objects.exclude(organisation=None).select_related("organisation"):
        grant_course_editing(index)


def _schema_has_index_organisation(apps: Any) -> bool:
    if apps is None:
        return True
    try:
        model = apps.get_model("jour_courses", "CourseIndexPage")
    except LookupError:
        return False
    return any(field.name == "organisation" for field in model._meta.get_fields())
