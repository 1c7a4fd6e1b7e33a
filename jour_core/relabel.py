"""The plugins' app labels before the first release were their module names (``people``,
``courses``, ``certifications``, ``quality``); they are now ``jour_people`` and so on, so that
they do not clash with a site's own apps. :func:`relabel` moves a database made under the old
labels to the new ones, in place: the recorded migrations, the content types (and with them
every permission, page type and log entry that points at one) and the tables.

It must run before ``migrate``: under the new labels Django finds ``jour_people.0001_initial``
unapplied while ``admin.0001_initial`` (which depends on the user model) is applied, and stops
with ``InconsistentMigrationHistory``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

PREFIX = "jour_"


class RelabelRefused(Exception):
    """The database's migrations under an old label are not the plugin's: nothing was changed."""


@dataclass
class Relabel:
    old: str
    new: str
    migrations: int
    tables: list[tuple[str, str]] = field(default_factory=list)


def renamed_apps() -> list[tuple[str, str]]:
    """(old label, new label) of every installed app whose label is ``jour_`` and its module's
    name, e.g. ``("people", "jour_people")``."""
    pairs = []
    for config in apps.get_app_configs():
        old = config.name.rsplit(".", 1)[-1]
        if config.label == PREFIX + old:
            pairs.append((old, config.label))
    return pairs


def _tables(label: str) -> dict:
    """The app's tables, each with a model that has it (a proxy shares its concrete model's)."""
    models = apps.get_app_config(label).get_models(include_auto_created=True)
    return {model._meta.db_table: model for model in models if not model._meta.proxy}


def plan(using: str = "default") -> list[Relabel]:
    """What :func:`relabel` would do: one entry per app recorded under its old label."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    if MigrationRecorder.Migration._meta.db_table not in tables:
        return []
    recorded = MigrationRecorder(connection).applied_migrations()
    on_disk = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    steps = []
    for old, new in renamed_apps():
        names = {name for app, name in recorded if app == old}
        if not names:
            continue
        ours = {name for app, name in on_disk if app == new}
        if not names <= ours:
            strange = ", ".join(sorted(names - ours))
            raise RelabelRefused(
                f"The database has migrations of an app labelled '{old}' that are not the plugin's "
                f"({strange}): it belongs to the site, not to the plugins. Nothing was changed."
            )
        if any(app == new for app, _ in recorded):
            raise RelabelRefused(
                f"The database has migrations under both '{old}' and '{new}'. Nothing was changed."
            )
        step = Relabel(old, new, len(names))
        for table in sorted(_tables(new)):
            if table.startswith(new + "_"):
                former = old + table[len(new) :]
                if former in tables and table not in tables:
                    step.tables.append((former, table))
        steps.append(step)
    return steps


def relabel(using: str = "default") -> list[Relabel]:
    """Move the database from the old labels to the new ones, all in one transaction; a database
    already on the new labels (or new) is left as it is. Returns what was done."""
    steps = plan(using)
    if not steps:
        return []
    connection = connections[using]
    content_types = "django_content_type" in connection.introspection.table_names()
    with connection.schema_editor(atomic=True) as editor:
        for step in steps:
            editor.execute("UPDATE django_migrations SET app = %s WHERE app = %s", [step.new, step.old])
            if content_types:
                editor.execute(
                    "UPDATE django_content_type SET app_label = %s WHERE app_label = %s", [step.new, step.old]
                )
            models = _tables(step.new)
            for former, table in step.tables:
                editor.alter_db_table(models[table], former, table)
    return steps
