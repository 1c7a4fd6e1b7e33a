"""Documents attached to a person's record (a signed confidentiality pledge, say) are private.

Wagtail serves a document to anyone who has its link, unless its collection carries a privacy
setting. A document attached to a person's record is private whatever its collection: it is
served to the person herself, to the coordinators of her organisation and to the umbrella
administrator; anyone else who is logged in gets 404, and an anonymous visitor the login page.
Every other document (course material, say) is served as Wagtail serves it.

Apps say which of their fields attach a document to a person with ``register_person_document``
(certifications registers ``Qualification.document``). The ``before_serve_document`` hook in
people/wagtail_hooks.py asks ``may_read`` here. In the admin, each organisation's documents live
in its own collection (people/provisioning.py), so the document listing and chooser show a
coordinator her organisation's documents only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models

from jour_core.scoping import can_see_organisation

#: Where a document is attached to a person: (model, its document field, the path from a row to
#: the person, e.g. ``"person"``).
PERSON_DOCUMENT_FIELDS: list[tuple[type[models.Model], str, str]] = []


def register_person_document(
    model: type[models.Model], field: str = "document", person: str = "person"
) -> None:
    entry = (model, field, person)
    if entry not in PERSON_DOCUMENT_FIELDS:
        PERSON_DOCUMENT_FIELDS.append(entry)


@dataclass(frozen=True)
class Owner:
    person_id: int
    organisation_id: int | None


def owners_of(document_id: int) -> set[Owner]:
    """The people whose records the document is attached to (one query per registered field)."""
    owners: set[Owner] = set()
    for model, field, person in PERSON_DOCUMENT_FIELDS:
        rows = model._base_manager.filter(**{f"{field}_id": document_id}).values_list(
            person, f"{person}__organisation_id"
        )
        owners.update(Owner(person_id, organisation_id) for person_id, organisation_id in rows)
    return owners


def may_read(user: Any, owners: set[Owner]) -> bool:
    """Whether ``user`` may read a document attached to the records of ``owners`` (non-empty):
    the umbrella administrator, a person it is attached to, or a coordinator (she may change the
    register) of the organisation of every person it is attached to."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if any(owner.person_id == user.pk for owner in owners):
        return True
    return all(can_see_organisation(user, owner.organisation_id) for owner in owners) and user.has_perm(
        "jour_people.change_person"
    )


def searchable_usage_count_filter() -> None:
    """Wagtail 8's document and image listings filter by usage count on an annotation, which its
    search backend cannot combine with a search (``'Coalesce' object has no attribute 'target'``:
    a server error for anyone who searches and filters at once, a coordinator among them). The
    filter is made to hand the search the matching ids instead (``id`` is a filter field of both
    models), as Wagtail's own related filters do when searching. Set once, in ``people.apps``."""
    import django_filters
    from wagtail.admin.filters import BaseMediaFilterSet

    class UsageCountFilter(django_filters.RangeFilter):
        def filter(self, qs, value):
            if not value:
                return qs
            matching = super().filter(qs, value).values_list("pk", flat=True)
            return qs.filter(pk__in=list(matching))

    # Each filter set class holds its own copy of the filters (django-filter's metaclass copies
    # the declared ones into every subclass when it is made: the documents' and the images'
    # filter sets, defined with their views, usually after this runs).
    classes, pending = [], [BaseMediaFilterSet]
    while pending:
        cls = pending.pop()
        classes.append(cls)
        pending.extend(cls.__subclasses__())
    for cls in classes:
        for filters in (cls.declared_filters, cls.base_filters):  # declared: for subclasses to come
            current = filters.get("usage_count")
            if current is not None and not isinstance(current, UsageCountFilter):
                filters["usage_count"] = UsageCountFilter(
                    field_name=current.field_name, label=current.label, widget=current.extra.get("widget")
                )
