"""What every organisation is given, so that Wagtail's own permissions keep organisations apart.

Wagtail decides who may see and change pages, documents and images by *group*: page permissions
hold for a page and everything under it, collection permissions for the documents and images of
a collection. The shared role groups (*Coordinators*, *Board*, people/permissions.py) carry the
model permissions every coordinator has; they must never carry page or collection permissions,
or a coordinator could reach every organisation's pages and files. So each organisation gets:

- a **coordinators' group of its own** (``Organisation.coordinators_group``), whose members are
  exactly the organisation's people in the shared *Coordinators* role: kept so whenever someone's
  roles or organisation change (the group is managed here, never by hand);
- a **collection of its own** (``Organisation.collection``) for its documents and images, where
  its coordinators' group may add, change, choose and delete them (and nowhere else).

Apps give the group more: courses grants it page permissions on the organisation's course
index (courses/page_access.py). ``provision_organisation`` runs whenever an organisation is
saved; ``ensure_organisations`` after every ``migrate`` (for organisations made before this
existed, and to take page and collection permissions away from the shared role groups).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction

from .models import Organisation, User
from .permissions import BOARD_GROUP, COORDINATORS_GROUP, named_permissions

logger = logging.getLogger(__name__)

#: What an organisation's coordinators may do with the documents and images of its collection.
COLLECTION_PERMISSIONS = [
    f"{app}.{action}_{model}"
    for app, model in (("wagtaildocs", "document"), ("wagtailimages", "image"))
    for action in ("add", "change", "choose", "delete")
]


def coordinators_group_name(organisation: Organisation) -> str:
    return f"{COORDINATORS_GROUP}: {organisation.slug}"


@transaction.atomic
def provision_organisation(organisation: Organisation) -> None:
    """Give ``organisation`` its coordinators' group and its collection (idempotent; a rename
    renames them)."""
    from wagtail.models import Collection, GroupCollectionPermission

    changed: dict[str, Any] = {}
    group = organisation.coordinators_group
    if group is None:
        group, _created = Group.objects.get_or_create(name=coordinators_group_name(organisation))
        changed["coordinators_group"] = group
    elif group.name != coordinators_group_name(organisation):
        group.name = coordinators_group_name(organisation)
        group.save(update_fields=["name"])

    collection = organisation.collection
    if collection is None:
        collection = Collection.get_first_root_node().add_child(name=organisation.name)
        changed["collection"] = collection
    elif collection.name != organisation.name:
        collection.name = organisation.name
        collection.save(update_fields=["name"])

    held = set(
        GroupCollectionPermission.objects.filter(group=group, collection=collection).values_list(
            "permission_id", flat=True
        )
    )
    GroupCollectionPermission.objects.bulk_create(
        GroupCollectionPermission(group=group, collection=collection, permission=permission)
        for permission in named_permissions(COLLECTION_PERMISSIONS).exclude(pk__in=held)
    )
    if changed:
        # Not through save(): provisioning is no change to the organisation's records (its data
        # version stays), and it runs from the organisation's own post_save.
        Organisation.objects.filter(pk=organisation.pk).update(**changed)
        for field, value in changed.items():
            setattr(organisation, field, value)
        sync_coordinators_groups(User.objects.filter(organisation=organisation).values("pk"))


def sync_coordinators_groups(user_ids: Iterable[int] | Any | None = None) -> None:
    """Make the organisations' coordinators' groups hold exactly their coordinators, for these
    people (ids, or a queryset of ids; ``None``: everyone). Writes the membership rows directly,
    so it sends no ``m2m_changed`` of its own."""
    through = User.groups.through
    org_groups = dict(
        Organisation.objects.exclude(coordinators_group=None).values_list("pk", "coordinators_group_id")
    )
    managed = set(org_groups.values())
    people = User.objects.all() if user_ids is None else User.objects.filter(pk__in=user_ids)
    wanted = {
        (pk, org_groups[organisation_id])
        for pk, organisation_id in people.filter(
            groups__name=COORDINATORS_GROUP, organisation__isnull=False
        ).values_list("pk", "organisation_id")
        if organisation_id in org_groups
    }
    memberships = through.objects.filter(group_id__in=managed)
    if user_ids is not None:
        memberships = memberships.filter(user_id__in=people.values("pk"))
    held = {(row.user_id, row.group_id): row.pk for row in memberships.only("pk", "user_id", "group_id")}
    stale = [pk for key, pk in held.items() if key not in wanted]
    if stale:
        through.objects.filter(pk__in=stale).delete()
    missing = [through(user_id=user_id, group_id=group_id) for user_id, group_id in wanted - held.keys()]
    if missing:
        through.objects.bulk_create(missing)


def ensure_organisations(apps: Any = None, using: str = "default", **kwargs: Any) -> None:
    """After every ``migrate``: every organisation provisioned, every coordinators' group right,
    and no page or collection permission left on the shared role groups."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions
    from wagtail.models import GroupCollectionPermission, GroupPagePermission

    if apps is not None:
        try:
            fields = {
                field.name for field in apps.get_model("jour_people", "Organisation")._meta.get_fields()
            }
        except LookupError:
            return
        if "coordinators_group" not in fields:  # migrated back to before it existed
            return
    for label in ("wagtaildocs", "wagtailimages"):  # their post_migrate may not have run yet
        try:
            create_permissions(global_apps.get_app_config(label), verbosity=0, using=using)
        except LookupError:
            continue

    shared = Group.objects.filter(name__in=[COORDINATORS_GROUP, BOARD_GROUP])
    for model in (GroupPagePermission, GroupCollectionPermission):
        removed, _by_model = model.objects.filter(group__in=shared).delete()
        if removed:
            logger.warning(
                "Removed %d %s rows from the shared role groups: they would reach every "
                "organisation; each organisation's own coordinators' group holds them.",
                removed,
                model._meta.verbose_name,
            )
    for organisation in Organisation.objects.select_related("coordinators_group", "collection"):
        provision_organisation(organisation)
    sync_coordinators_groups()
