"""The admin roles (their groups and the permissions each gets) and which organisation an
admin screen works on. Who may see which organisation's rows is decided in one place below,
``jour_core/scoping.py``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    from .models import Organisation

#: Names of the Django auth groups that carry the admin roles.
COORDINATORS_GROUP = "Coordinators"
BOARD_GROUP = "Board"

#: Wagtail's own top-level menus that only the umbrella administrator (a superuser) uses: a
#: coordinator and the board see what their work needs (their screens, the pages, documents
#: and images), not Wagtail's help, its reports (workflows, ageing pages) or its settings.
ADMINISTRATOR_ONLY_MENUS = frozenset({"help", "reports", "settings", "snippets"})


def menu_items_for_role(user: AbstractBaseUser | AnonymousUser, items: list) -> list:
    """The top-level admin menu items ``user`` is shown: all of them for the umbrella
    administrator, without :data:`ADMINISTRATOR_ONLY_MENUS` for everyone else."""
    if getattr(user, "is_superuser", False):
        return items
    return [item for item in items if item.name not in ADMINISTRATOR_ONLY_MENUS]


#: The model permissions each role gets, added after every ``migrate`` (only ever added, never
#: removed). Each app registers its own with :func:`register_role_permissions` in its ``ready()``.
ROLE_PERMISSIONS: dict[str, set[str]] = {COORDINATORS_GROUP: set(), BOARD_GROUP: set()}


def register_role_permissions(group_name: str, permissions: list[str]) -> None:
    ROLE_PERMISSIONS.setdefault(group_name, set()).update(permissions)


register_role_permissions(
    COORDINATORS_GROUP,
    [
        "wagtailadmin.access_admin",
        "jour_people.view_person",
        "jour_people.add_person",
        "jour_people.change_person",
    ],
)
register_role_permissions(BOARD_GROUP, ["wagtailadmin.access_admin", "jour_people.view_person"])


def has_admin_access(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether ``user`` can open the administration: a superuser, or someone whose groups give
    her Wagtail's admin access (the coordinators' and the board's roles). Only the umbrella
    administrator changes such an account's email address, password, active flag and groups."""
    return bool(getattr(user, "is_superuser", False)) or user.has_perm("wagtailadmin.access_admin")


def working_organisation(user: AbstractBaseUser | AnonymousUser, chosen: Any = None) -> Organisation | None:
    """The organisation an admin screen works on: the user's own; the umbrella administrator
    (superuser) works on the one she chose (an organisation, or its id as a query string carries
    it; without a choice the first by name). ``None`` when there is none to work on: a user
    without an organisation, or a chosen id that is not an organisation's."""
    from .models import Organisation

    if not getattr(user, "is_superuser", False):
        return getattr(user, "organisation", None)
    if isinstance(chosen, Organisation):
        return chosen
    if chosen:
        chosen = str(chosen)
        if not (chosen.isascii() and chosen.isdigit()):
            return None
        return Organisation.objects.filter(pk=chosen).first()
    return Organisation.objects.order_by("name").first()


def named_permissions(names: Iterable[str], permissions: Any = None) -> models.QuerySet:
    """The permissions named ``"app_label.codename"`` (of ``permissions``, a queryset of
    Django's Permission, by default all)."""
    if permissions is None:
        from django.contrib.auth.models import Permission

        permissions = Permission.objects.all()
    wanted = models.Q(pk__in=[])
    for name in names:
        app_label, codename = name.split(".")
        wanted |= models.Q(content_type__app_label=app_label, codename=codename)
    return permissions.filter(wanted)


def ensure_role_groups(apps: Any = None, using: str = "default", **kwargs: Any) -> None:
    """Create the role groups and give them their permissions (a ``post_migrate`` handler)."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    apps = apps or global_apps
    try:
        group_model = apps.get_model("auth", "Group")
        permission_model = apps.get_model("auth", "Permission")
    except LookupError:
        return
    needed = {name.split(".")[0] for names in ROLE_PERMISSIONS.values() for name in names}
    for label in needed:
        try:
            config = global_apps.get_app_config(label)
        except LookupError:
            continue
        create_permissions(config, verbosity=0, interactive=False, using=using, apps=apps)
    for group_name, names in ROLE_PERMISSIONS.items():
        group, _created = group_model.objects.using(using).get_or_create(name=group_name)
        group.permissions.add(*named_permissions(names, permission_model.objects.using(using)))
