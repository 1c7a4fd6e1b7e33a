"""An organisation's data version: a number that grows with every change to its records.

Pages and answers that are expensive to make (the clearance board, the attendance register)
are cached under the version of the organisation they show, so a change to anything they are
made of is never served stale, and nothing has to be found and thrown away.

Each app lists its models with :func:`track` in its ``ready()``, with the path from a row to
its organisation (the same ``organisation_lookup`` the scoping uses). Saving, deleting and
changing the many-to-many relations of a tracked row bumps its organisation's version in the
same transaction, with one ``UPDATE`` (signals connected to those models only). Bulk writes
send no signals: they go through :func:`bulk_create_with_history` and
:func:`bulk_update_with_history` here, which bump the versions of every organisation they
wrote to.

A reader must read the version *before* the data it caches under it (the clearance board and
the register read the organisation first): a page made from newer data under an older version
is harmless, the other way round would be stale.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models.signals import m2m_changed, post_save, pre_delete

#: concrete model -> the path from one of its rows to its organisation.
TRACKED: dict[type[models.Model], str] = {}


def track(model: type[models.Model], organisation_lookup: str | None = None) -> None:
    """Bump the organisation's version whenever a row of ``model`` is saved or deleted, or its
    many-to-many relations change. ``organisation_lookup`` defaults to the one its queryset
    scopes by. Call it from ``AppConfig.ready()``: the receivers are connected to ``model``, its
    proxies (they send their own signals) and its many-to-many tables only, so every other
    model keeps Django's fast deletes and pays nothing."""
    from django.apps import apps

    if organisation_lookup is None:
        organisation_lookup = model._default_manager._queryset_class.organisation_lookup
    TRACKED[model._meta.concrete_model] = organisation_lookup
    for sender in [m for m in apps.get_models() if m._meta.concrete_model is model._meta.concrete_model]:
        uid = f"people_versions_{sender._meta.label_lower}"
        post_save.connect(_saved, sender=sender, dispatch_uid=f"{uid}_saved")
        pre_delete.connect(_deleting, sender=sender, dispatch_uid=f"{uid}_deleting")
    for relation in model._meta.many_to_many:
        through = relation.remote_field.through
        m2m_changed.connect(
            _relations_changed, sender=through, dispatch_uid=f"people_versions_{through._meta.label_lower}"
        )


def organisation_changed(organisation_ids: Iterable[int | None]) -> None:
    """Bump the versions of these organisations (for bulk writes, which send no signals)."""
    from .models import Organisation

    ids = {pk for pk in organisation_ids if pk is not None}
    if ids:
        Organisation.objects.filter(pk__in=ids).update(data_version=models.F("data_version") + 1)


def rows_changed(model: type[models.Model], pks: Iterable[int]) -> None:
    """Bump the versions of the organisations these rows of a tracked model belong to (one query)."""
    from .models import Organisation

    lookup = TRACKED.get(model._meta.concrete_model)
    pks = [pk for pk in pks if pk is not None]
    if lookup is None or not pks:
        return
    rows = model._base_manager.filter(pk__in=pks).values(lookup)
    Organisation.objects.filter(pk__in=models.Subquery(rows)).update(
        data_version=models.F("data_version") + 1
    )


def objects_changed(model: type[models.Model], objs: list[models.Model]) -> None:
    """Bump the versions of the organisations these objects of a tracked model belong to. A
    model with its own ``organisation`` foreign key needs no query to find them (a people import
    of 78,000 rows would otherwise list 78,000 ids in one query, over SQLite's limit)."""
    if TRACKED.get(model._meta.concrete_model) == "organisation" and all(
        hasattr(obj, "organisation_id") for obj in objs
    ):
        organisation_changed({obj.organisation_id for obj in objs})
    else:
        rows_changed(model, [obj.pk for obj in objs])


def bulk_create_with_history(objs: list, model: type[models.Model], **kwargs) -> list:
    """simple-history's bulk create (a history row for each), and the organisations' versions."""
    from simple_history import utils

    created = utils.bulk_create_with_history(objs, model, **kwargs)
    objects_changed(model, created)
    return created


def bulk_update_with_history(objs: list, model: type[models.Model], fields: list[str], **kwargs) -> None:
    """simple-history's bulk update (a history row for each), and the organisations' versions."""
    from simple_history import utils

    utils.bulk_update_with_history(objs, model, fields, **kwargs)
    objects_changed(model, objs)


def _touch(instance: models.Model) -> None:
    lookup = TRACKED.get(type(instance)._meta.concrete_model)
    if lookup is None or instance.pk is None:
        return
    if lookup == "organisation" and hasattr(instance, "organisation_id"):
        organisation_changed([instance.organisation_id])
    else:
        rows_changed(type(instance), [instance.pk])


#: Saves that only stamp these change nothing a page shows (every login stamps last_login).
UNSEEN_FIELDS = frozenset({"last_login"})


def _saved(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw or (update_fields and set(update_fields) <= UNSEEN_FIELDS):
        return
    _touch(instance)


def _deleting(sender, instance, **kwargs) -> None:
    _touch(instance)


def _relations_changed(sender, instance, action, pk_set=None, **kwargs) -> None:
    # Adding what is there already (or removing what is not) sends an empty set: no change.
    if action == "post_clear" or (action in ("post_add", "post_remove") and pk_set):
        _touch(instance)
