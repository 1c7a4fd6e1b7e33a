"""An organisation's data version: a number that grows with every change to its records.

Pages and answers that are expensive to make (the clearance board, the attendance register)
are cached under the version of the organisation they show, so a change to anything they are
made of is never served stale, and nothing has to be found and thrown away.

Each app lists its models with :func:`track` in its ``ready()``, with the path from a row to
its organisation (the same ``organisation_lookup`` the scoping uses). Saving, deleting and
changing the many-to-many relations of a tracked row bumps its organisation's version in the
same transaction, with one ``UPDATE`` (signals connected to those models only). Bulk writes
send no signals: the querysets of tracked models are :class:`VersionedQuerySet`, whose
``bulk_create``, ``bulk_update`` and ``update`` bump the versions of every organisation they
wrote to, whoever calls them (simple-history's bulk functions included); :func:`track` refuses a
model with a manager that is not one.

A few models belong to no one organisation yet shape every page: a group's permissions and
Wagtail's page and collection permissions (the menus, the buttons) and the sites (the site's
name, the pages' addresses). The app that uses them lists them with :func:`track_everywhere`: a
change to one bumps every organisation's version. Such changes are rare and made by a
superuser; every kept page and feed is made afresh once after one.

A reader must read the version *before* the data it caches under it (the clearance board and
the register read the organisation first): a page made from newer data under an older version
is harmless, the other way round would be stale.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

#: concrete model -> the path from one of its rows to its organisation.
TRACKED: dict[type[models.Model], str] = {}

#: The model whose rows hold the versions and the name of the field (registered by the app that
#: owns organisations, ``people``, with :func:`keep_versions_in`; this layer knows no such app).
_HOLDER: list[tuple[type[models.Model], str]] = []


def keep_versions_in(model: type[models.Model], field: str) -> None:
    """Keep the data versions in ``model.field`` (an integer column of the organisations)."""
    _HOLDER[:] = [(model, field)]


def _bump(organisations: models.QuerySet | Iterable[int]) -> None:
    """One ``UPDATE`` adding 1 to the version of these organisations (ids, or a subquery of them)."""
    if not _HOLDER:
        raise ImproperlyConfigured(
            "No model keeps the data versions: call keep_versions_in() in an app's ready()"
        )
    model, field = _HOLDER[0]
    model._base_manager.filter(pk__in=organisations).update(**{field: models.F(field) + 1})


def track(model: type[models.Model], organisation_lookup: str | None = None) -> None:
    """Bump the organisation's version whenever a row of ``model`` is saved or deleted, or its
    many-to-many relations change. ``organisation_lookup`` defaults to the one its queryset
    scopes by. Call it from ``AppConfig.ready()``: the receivers are connected to ``model``, its
    proxies (they send their own signals) and its many-to-many tables only, so every other
    model keeps Django's fast deletes and pays nothing."""
    from django.apps import apps

    senders = [m for m in apps.get_models() if m._meta.concrete_model is model._meta.concrete_model]
    unversioned = [
        f"{sender.__name__}.{manager.name}"
        for sender in senders
        for manager in sender._meta.managers
        if not issubclass(manager._queryset_class, VersionedQuerySet)
    ]
    if unversioned:
        raise ImproperlyConfigured(
            f"{model._meta.label}: the managers {unversioned} do not use "
            "jour_core.versions.VersionedQuerySet, so their bulk writes would not bump the data version"
        )
    if organisation_lookup is None:
        organisation_lookup = model._default_manager._queryset_class.organisation_lookup
    TRACKED[model._meta.concrete_model] = organisation_lookup
    for sender in senders:
        uid = f"jour_core_versions_{sender._meta.label_lower}"
        post_save.connect(_saved, sender=sender, dispatch_uid=f"{uid}_saved")
        pre_delete.connect(_deleting, sender=sender, dispatch_uid=f"{uid}_deleting")
    _connect_relations(model, _relations_changed, "versions")


def track_everywhere(*models_: type[models.Model]) -> None:
    """Bump every organisation's version whenever a row of one of ``models_`` (which belong to
    no organisation) is saved or deleted, or its many-to-many relations change."""
    for model in models_:
        uid = f"jour_core_versions_everywhere_{model._meta.label_lower}"
        post_save.connect(_saved_everywhere, sender=model, dispatch_uid=f"{uid}_saved")
        post_delete.connect(_deleted_everywhere, sender=model, dispatch_uid=f"{uid}_deleted")
        _connect_relations(model, _relations_changed_everywhere, "versions_everywhere")


def _connect_relations(model: type[models.Model], receiver, name: str) -> None:
    """``receiver`` for every change of ``model``'s many-to-many relations."""
    for relation in model._meta.many_to_many:
        through = relation.remote_field.through
        uid = f"jour_core_{name}_{through._meta.label_lower}"
        m2m_changed.connect(receiver, sender=through, dispatch_uid=uid)


def _bump_everywhere() -> None:
    """One ``UPDATE`` adding 1 to every organisation's version."""
    _bump(_HOLDER[0][0]._base_manager.values("pk") if _HOLDER else [])


def organisation_changed(organisation_ids: Iterable[int | None]) -> None:
    """Bump the versions of these organisations (for bulk writes, which send no signals)."""
    ids = {pk for pk in organisation_ids if pk is not None}
    if ids:
        _bump(ids)


def rows_changed(model: type[models.Model], pks: Iterable[int]) -> None:
    """Bump the versions of the organisations these rows of a tracked model belong to (one query)."""
    lookup = TRACKED.get(model._meta.concrete_model)
    pks = [pk for pk in pks if pk is not None]
    if lookup is None or not pks:
        return
    _bump(models.Subquery(model._base_manager.filter(pk__in=pks).values(lookup)))


#: At most this many ids in one ``IN (...)`` (SQLite's limit on a statement's parameters).
IDS_PER_QUERY = 10_000


def objects_changed(model: type[models.Model], objs: Iterable[models.Model]) -> None:
    """Bump the versions of the organisations these objects of a tracked model belong to, from
    the first foreign key on the way to the organisation: no query when that key is the
    organisation itself, else one per 10,000 distinct parents (a people import of 78,000 rows,
    or a million attendance marks, never lists every row's id)."""
    lookup = TRACKED.get(model._meta.concrete_model)
    if lookup is None:
        return
    first, _, rest = lookup.partition("__")
    key = model._meta.get_field(first)
    ids = sorted({getattr(obj, key.attname) for obj in objs} - {None})
    if not rest:
        organisation_changed(ids)
        return
    parents = key.related_model._base_manager
    for at in range(0, len(ids), IDS_PER_QUERY):
        _bump(models.Subquery(parents.filter(pk__in=ids[at : at + IDS_PER_QUERY]).values(rest)))


#: True while a bulk update bumps the versions itself (Django's ``bulk_update`` calls ``update``).
_bumped_by_caller: ContextVar[bool] = ContextVar("versions_bumped_by_caller", default=False)


class VersionedQuerySet(models.QuerySet):
    """The queryset of every tracked model: its writes that send no signals (``bulk_create``,
    ``bulk_update``, ``update``) bump the versions of the organisations they wrote to, so no
    call, however raw, leaves a cached page stale. (``delete`` sends ``pre_delete`` for each
    row of a tracked model, which bumps.) :func:`track` refuses a model whose managers do not
    use it."""

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        objects_changed(self.model, created)
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        token = _bumped_by_caller.set(True)
        try:
            updated = super().bulk_update(objs, fields, *args, **kwargs)
        finally:
            _bumped_by_caller.reset(token)
        objects_changed(self.model, objs)
        return updated

    def update(self, **kwargs):
        lookup = TRACKED.get(self.model._meta.concrete_model)
        if lookup is None or _bumped_by_caller.get():
            return super().update(**kwargs)
        first = self.model._meta.get_field(lookup.partition("__")[0])
        moved = first.name in kwargs or first.attname in kwargs  # to another organisation, perhaps
        pks = list(self.values_list("pk", flat=True)) if moved else []
        _bump(models.Subquery(self.order_by().values(lookup)))
        updated = super().update(**kwargs)
        rows_changed(self.model, pks)
        return updated


def _touch(instance: models.Model) -> None:
    if instance.pk is not None:
        objects_changed(type(instance), [instance])


#: Saves that only stamp these change nothing a page shows (every login stamps last_login).
UNSEEN_FIELDS = frozenset({"last_login"})


def _saved(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw or (update_fields and set(update_fields) <= UNSEEN_FIELDS):
        return
    _touch(instance)


def _deleting(sender, instance, **kwargs) -> None:
    _touch(instance)


def _relations_changed(sender, instance, action, pk_set=None, **kwargs) -> None:
    if _relations_did_change(action, pk_set):
        _touch(instance)


def _relations_did_change(action: str, pk_set) -> bool:
    # Adding what is there already (or removing what is not) sends an empty set: no change.
    return action == "post_clear" or (action in ("post_add", "post_remove") and bool(pk_set))


def _saved_everywhere(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        _bump_everywhere()


def _deleted_everywhere(sender, instance, **kwargs) -> None:
    _bump_everywhere()


def _relations_changed_everywhere(sender, instance, action, pk_set=None, **kwargs) -> None:
    if _relations_did_change(action, pk_set):
        _bump_everywhere()
