"""Moving an existing Wagtail site's users from Django's ``auth.User`` to the plugins' user model
(``jour_people.User``: the email address is the login), in place, before the site's first
``migrate`` with the plugins.

Why a move and not a profile beside any user model: a person *is* the login here. The register,
the organisation every screen is scoped by, the protected identity, the groups and membership
dates that the clearance engine and the report count are all on the user row, in one table that
every set-based query joins once; a profile would be a second row per person and a second join
in every one of them. Moving is done once per site, by :func:`move_users`:

1. it checks the old users first: every one needs an email address, valid and unique (case
   aside), since that becomes her login; otherwise it refuses with the list and changes nothing;
2. in one transaction: it applies ``jour_people.0001_initial`` (the user table), copies every
   user with her id, password hash, names, flags, last login and date joined, her groups and her
   own permissions; points every foreign key in the database that pointed at ``auth_user`` at the
   new table (ids are kept, so no value changes); renames the content type ``auth.user`` to
   ``jour_people.user`` (so the permissions to manage users, log entries and anything else that
   names the model by content type follow); and drops ``auth_user`` and its two link tables.

Afterwards ``migrate`` finds a consistent history and does the rest.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.core.validators import validate_email
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

OLD_USERS = "auth_user"
OLD_LINKS = ("auth_user_groups", "auth_user_user_permissions")
FIRST = ("jour_people", "0001_initial")


class MoveRefused(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Move:
    """What :func:`move_users` does (or, with ``dry_run``, would do)."""

    users: int = 0
    memberships: int = 0
    permissions: int = 0
    staff_only: int = 0
    references: list[tuple[str, str]] = field(default_factory=list)
    needed: bool = True
    reason: str = ""


def _rows(cursor, sql: str) -> list[tuple]:
    cursor.execute(sql)
    return cursor.fetchall()


def email_problems(users: list[tuple[int, str, str]]) -> list[str]:
    """The reasons, one line each, why ``users`` ((id, username, email)) cannot log in by email
    address: none given, not an address, or the same address as another (case aside)."""
    problems, seen = [], defaultdict(list)
    for pk, username, email in users:
        address = (email or "").strip().lower()
        if not address:
            problems.append(f"user {pk} ({username!r}): no email address")
            continue
        try:
            validate_email(address)
        except ValidationError:
            problems.append(f"user {pk} ({username!r}): {email!r} is not an email address")
            continue
        seen[address].append((pk, username))
    for address, owners in seen.items():
        if len(owners) > 1:
            names = ", ".join(f"{pk} ({username!r})" for pk, username in owners)
            problems.append(f"users {names}: the same email address {address} (case aside)")
    return problems


def _references(connection) -> list[tuple[str, str]]:
    """(table, column) of every foreign key in the database that points at ``auth_user``,
    but for its own link tables (dropped with it)."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in OLD_LINKS or table == OLD_USERS:
                continue
            relations = connection.introspection.get_relations(cursor, table)
            found += [(table, column) for column, (_, target) in relations.items() if target == OLD_USERS]
    return sorted(found)


def _state_models(executor):
    """The models as the applied migrations and ``jour_people.0001_initial`` describe them.
    (Without the latter the state cannot be rendered: the site's applied migrations point at
    the user model by the setting, which now names ``jour_people.User``.)"""
    state = executor._create_project_state(with_applied_migrations=True)
    return executor.loader.get_migration(*FIRST).mutate_state(state, preserve=False)


def _apply_first(executor, editor, state) -> None:
    """``jour_people.0001_initial`` applied and recorded: its operations only create the
    organisation and user tables (with their link tables, index and constraint), made here
    from the state it leads to, since its starting state cannot be rendered."""
    migration = executor.loader.get_migration(*FIRST)
    if any(
        type(op).__name__ not in ("CreateModel", "AddIndex", "AddConstraint") for op in migration.operations
    ):
        raise RuntimeError("jour_people.0001_initial does more than create tables; move_users must apply it")
    for model in state.apps.get_app_config(FIRST[0]).get_models():
        if not model._meta.proxy:
            editor.create_model(model)
    executor.recorder.record_applied(*FIRST)


def survey(using: str = "default") -> Move:
    """What there is to move, and the problems that stop it (raises :class:`MoveRefused`)."""
    connection = connections[using]
    if settings.AUTH_USER_MODEL.lower() != "jour_people.user":
        raise MoveRefused(
            [f"AUTH_USER_MODEL is {settings.AUTH_USER_MODEL!r}: set it to 'jour_people.User' first."]
        )
    tables = set(connection.introspection.table_names())
    executor = MigrationExecutor(connection)
    if FIRST in executor.recorder.applied_migrations():
        return Move(needed=False, reason="the users are in the plugins' user model already")
    if OLD_USERS not in tables:
        if any(app in ("admin", "wagtailcore") for app, _ in executor.recorder.applied_migrations()):
            raise MoveRefused(
                [
                    "The site's users are not in auth_user: it has a user model of its own, "
                    "which this command does not move."
                ]
            )
        return Move(needed=False, reason="the database has no users yet")
    with connection.cursor() as cursor:
        users = _rows(cursor, "SELECT id, username, email, is_staff, is_superuser FROM auth_user ORDER BY id")
        memberships = _rows(cursor, "SELECT COUNT(*) FROM auth_user_groups")[0][0]
        permissions = _rows(cursor, "SELECT COUNT(*) FROM auth_user_user_permissions")[0][0]
    problems = email_problems([(pk, username, email) for pk, username, email, _, _ in users])
    references = _references(connection)
    if connection.vendor != "postgresql":
        known = {
            model._meta.db_table
            for model in _state_models(executor).apps.get_models(include_auto_created=True)
        }
        problems += [
            f"table {table} points at auth_user but no installed app has a model for it; "
            "drop it or install its app"
            for table in sorted({table for table, _ in references} - known)
        ]
    if problems:
        raise MoveRefused(problems)
    return Move(
        users=len(users),
        memberships=memberships,
        permissions=permissions,
        staff_only=sum(1 for *_, staff, superuser in users if staff and not superuser),
        references=references,
    )


def move_users(using: str = "default", dry_run: bool = False) -> Move:
    """Move the users as the module says, all or nothing. A database with nothing to move (new,
    or moved already) is left as it is; the returned :class:`Move` says which."""
    move = survey(using)
    if dry_run or not move.needed:
        return move
    connection = connections[using]
    executor = MigrationExecutor(connection)
    with connection.schema_editor(atomic=True) as editor:
        state = _state_models(executor)
        _apply_first(executor, editor, state)
        user_model = state.apps.get_model(FIRST[0], "User")
        _copy(connection, user_model)
        if connection.vendor == "postgresql":
            editor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks while altering tables
            _repoint_postgresql(editor, move.references, user_model._meta.db_table)
        else:
            _repoint_by_rebuilding(editor, state, {table for table, _ in move.references})
        _rename_content_type(editor)
        for table in (*OLD_LINKS, OLD_USERS):
            editor.execute(f"DROP TABLE {editor.quote_name(table)}")
        for sql in connection.ops.sequence_reset_sql(no_style(), [user_model]):
            editor.execute(sql)
    return move


def _aware(moment):
    """A time read raw from the database (naive on SQLite, which stores UTC) as an aware one."""
    if isinstance(moment, str):
        moment = datetime.datetime.fromisoformat(moment)
    if moment is not None and timezone.is_naive(moment):
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


def _copy(connection, user_model) -> None:
    """Every old user into the new table with her id, and her groups and own permissions."""
    names = {f.name for f in user_model._meta.concrete_fields}
    with connection.cursor() as cursor:
        old = _rows(
            cursor,
            "SELECT id, password, last_login, is_superuser, email, first_name, last_name, is_active, "
            "date_joined FROM auth_user ORDER BY id",
        )
        groups = _rows(cursor, "SELECT user_id, group_id FROM auth_user_groups")
        permissions = _rows(cursor, "SELECT user_id, permission_id FROM auth_user_user_permissions")
    users = []
    for pk, password, last_login, superuser, email, first, last, active, joined in old:
        values = {
            "id": pk,
            "password": password,
            "last_login": _aware(last_login),
            "is_superuser": superuser,
            "email": email.strip().lower(),
            "first_name": first,
            "last_name": last,
            "is_active": active,
        }
        if "created_at" in names:
            values["created_at"] = _aware(joined)
        users.append(user_model(**values))
    using = connection.alias
    user_model.objects.using(using).bulk_create(users, batch_size=500)
    groups_link = user_model.groups.through
    groups_link.objects.using(using).bulk_create(
        [groups_link(user_id=u, group_id=g) for u, g in groups], batch_size=500
    )
    permissions_link = user_model.user_permissions.through
    permissions_link.objects.using(using).bulk_create(
        [permissions_link(user_id=u, permission_id=p) for u, p in permissions], batch_size=500
    )


def _repoint_postgresql(editor, references: list[tuple[str, str]], new_table: str) -> None:
    """Each foreign key constraint on ``auth_user`` made again on the new table, as it was
    (name, deferral, on delete), its column widened to the new key's bigint."""
    with editor.connection.cursor() as cursor:
        cursor.execute(
            """
        SELECT rel.relname, att.attname, con.conname, pg_get_constraintdef(con.oid)
        FROM pg_constraint con
        JOIN pg_class rel ON rel.oid = con.conrelid
        JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
        WHERE con.contype = 'f' AND con.confrelid = %s::regclass
        """,
            [OLD_USERS],
        )
        constraints = cursor.fetchall()
    quote = editor.quote_name
    for table, column, name, definition in constraints:
        if table in OLD_LINKS:
            continue
        pointed = re.sub(
            r"REFERENCES\s+(\S+\.)?\"?auth_user\"?\s*\(", f"REFERENCES {quote(new_table)}(", definition
        )
        editor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        editor.execute(f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(column)} TYPE bigint")
        editor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {pointed}")


def _repoint_by_rebuilding(editor, state, tables: set[str]) -> None:
    """SQLite cannot change a foreign key in place: each table that points at ``auth_user`` is
    rebuilt from its model as the migrations now describe it (pointing at the new table), the
    way Django's own migrations alter a table on SQLite."""
    for model in state.apps.get_models(include_auto_created=True):
        if model._meta.db_table in tables and not model._meta.proxy and model._meta.managed:
            editor._remake_table(model)
            tables.discard(model._meta.db_table)


def _rename_content_type(editor) -> None:
    """``auth.user`` becomes ``jour_people.user``: what pointed at the old model by content type
    (the permissions to manage users, log entries) points at the new one, which has the same
    permission codenames."""
    editor.execute(
        "DELETE FROM django_content_type WHERE app_label = %s AND model = %s AND NOT EXISTS "
        "(SELECT 1 FROM auth_permission WHERE content_type_id = django_content_type.id)",
        [FIRST[0], "user"],
    )
    editor.execute(
        "UPDATE django_content_type SET app_label = %s WHERE app_label = %s AND model = %s",
        [FIRST[0], "auth", "user"],
    )
