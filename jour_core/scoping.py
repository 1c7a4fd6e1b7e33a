"""Who may see what: the one place organisation scoping is decided.

Every queryset a user can reach goes through ``for_user``: a superuser (the umbrella
administrator) sees every organisation, anyone else only the organisation she belongs to,
and a user without an organisation sees nothing. One object already at hand is checked with
:func:`can_see_organisation`, by the same rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .versions import VersionedQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


def visible_organisation_ids(user: AbstractBaseUser | AnonymousUser) -> list[int] | None:
    """The organisations ``user`` may see: ``None`` means all of them, ``[]`` none."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return None
    organisation_id = getattr(user, "organisation_id", None)
    return [organisation_id] if organisation_id else []


def can_see_organisation(user: AbstractBaseUser | AnonymousUser, organisation_id: int | None) -> bool:
    """Whether ``user`` may see the rows of organisation ``organisation_id`` (for one object
    already at hand; querysets use ``for_user``). ``None`` (no organisation) only the superuser."""
    ids = visible_organisation_ids(user)
    return ids is None or organisation_id in ids


class OrganisationScopedQuerySet(VersionedQuerySet):
    """A queryset whose rows belong to an organisation, directly or through a parent.

    Subclasses (or models) set ``organisation_lookup`` to the path of the organisation
    foreign key, e.g. ``"organisation"`` or ``"run__organisation"``.
    """

    organisation_lookup = "organisation"

    def for_organisation(self, organisation: Any) -> OrganisationScopedQuerySet:
        return self.filter(**{self.organisation_lookup: organisation})

    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> OrganisationScopedQuerySet:
        ids = visible_organisation_ids(user)
        if ids is None:
            return self.all()
        if not ids:
            return self.none()
        return self.filter(**{f"{self.organisation_lookup}__in": ids})
