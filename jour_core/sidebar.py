"""Wagtail's admin sidebar, made once for each person and state of what it shows.

Every admin page renders the sidebar's props (``wagtailadmin_tags.sidebar_props``: the menu,
the search area and the account menu as JSON). Deciding which menu items a person may see asks
the database three times (page and collection permissions, the explorer's root page) and packs
some forty menu items: on the attendance register, about a fifth of a cold answer.

:func:`install` puts :func:`sidebar_props` in the tag's place: the props are kept in the cache
under a key made of everything that decides them, read in one query, so a change to any of
it is a new key and the sidebar is never stale:
- the person (her id, superuser flag, first name, username, avatar) and the language;
- her model permissions, her own and her groups' (Django's ``get_all_permissions``, which the
  admin's access check has already read for the request): a group gaining or losing a
  permission, or she joining or leaving a group, changes them;
- her groups, and their page and collection permissions with the paths of those pages and
  collections (Wagtail writes these with ``bulk_create``, which sends no signal, so they are
  read, not signalled: the explorer starts at the pages' common ancestor), the root pages
  (the explorer's start for the administrator), the locales;
- the menu items this process registered (hooks are read at start-up; another release may
  register others and shares the cache).

A release that changes only a menu label's wording (its translation) shows the old label until
the entry expires (:data:`TIMEOUT_SECONDS`); which entries are shown is never older than the
request.

The data version (``versions.py``) is not part of the key: permissions and groups are not
organisation records and do not bump it, and nothing in the sidebar is made of those records.
"""

from __future__ import annotations

import functools
import hashlib

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.db.models import CharField, IntegerField, QuerySet, Value
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

#: How long the props are kept: the key changes with what they show, so this bounds memory only.
TIMEOUT_SECONDS = 3600


def _rows(user_id: int) -> QuerySet:
    """One query: every row the sidebar's choices are made of, as (kind, id, id, text)."""
    from wagtail.models import GroupCollectionPermission, GroupPagePermission, Locale, Page
    from wagtail.users.models import UserProfile

    memberships = get_user_model().groups.through.objects.filter(user_id=user_id)
    group_ids = memberships.values("group_id")

    def row(queryset: QuerySet, kind: str, first: str, second: str | int, text: str) -> QuerySet:
        """``second`` and ``text`` are field names, or a number and "" for none."""
        return queryset.order_by().values_list(
            Value(kind, output_field=CharField()),
            first,
            second if isinstance(second, str) else Value(second, output_field=IntegerField()),
            text or Value("", output_field=CharField()),
        )

    return row(memberships, "g", "group_id", 0, "").union(
        row(
            GroupPagePermission.objects.filter(group_id__in=group_ids),
            "p",
            "page_id",
            "permission_id",
            "page__path",
        ),
        row(
            GroupCollectionPermission.objects.filter(group_id__in=group_ids),
            "c",
            "collection_id",
            "permission_id",
            "collection__path",
        ),
        row(UserProfile.objects.filter(user_id=user_id).exclude(avatar=""), "a", "pk", 0, "avatar"),
        row(Locale.objects.all(), "l", "pk", 0, "language_code"),
        row(Page.objects.filter(depth=1), "r", "pk", 0, "path"),
        all=True,
    )


#: Stands for the person's id in the query compiled once (no user has it).
_SOMEONE = -271828


@functools.cache
def _rows_sql() -> tuple[str, tuple]:
    """The SQL of :func:`_rows`, compiled once: building seven querysets each time cost more
    than the queries Wagtail makes."""
    return _rows(_SOMEONE).query.sql_with_params()


def request_rows(request) -> list[tuple]:
    """The rows of :func:`_rows` for the request's person, sorted: read once for the request,
    for the sidebar's key and for the admin config's locales (``frame.py``)."""
    rows = getattr(request, "_jour_sidebar_rows", None)
    if rows is None:
        sql, params = _rows_sql()
        with connection.cursor() as cursor:
            cursor.execute(sql, [request.user.pk if param == _SOMEONE else param for param in params])
            rows = request._jour_sidebar_rows = sorted(cursor.fetchall())
    return rows


@functools.cache
def _registered_menu() -> str:
    """The menu items this process registered (with the submenus' items), as text."""
    from wagtail.admin.menu import SubmenuMenuItem, admin_menu

    def names(menu) -> list[str]:
        return [
            f"{item.name}:{item.url}"
            + (f"[{','.join(names(item.menu))}]" if isinstance(item, SubmenuMenuItem) else "")
            for item in menu.registered_menu_items
        ]

    return ",".join(names(admin_menu))


def sidebar_key(request) -> str:
    """The cache key of ``request.user``'s sidebar: it changes whenever what it shows may."""
    user = request.user
    raw = repr(
        (
            user.pk,
            user.is_superuser,
            user.is_active,
            getattr(user, "first_name", None),
            user.get_username(),
            translation.get_language(),
            # A superuser has every permission (is_superuser is above): reading them would
            # cost two queries on every page, as nothing has read them for her.
            () if user.is_superuser else sorted(user.get_all_permissions()),
            request_rows(request),
            _registered_menu(),
        )
    )
    return "jour:sidebar:" + hashlib.sha256(raw.encode()).hexdigest()


def sidebar_props(context) -> SafeString:
    """Wagtail's sidebar props for this request, from the cache when nothing they show changed."""
    from wagtail.admin.templatetags.wagtailadmin_tags import sidebar_props as wagtail_sidebar_props

    request = context["request"]
    if not getattr(request.user, "is_authenticated", False):
        return wagtail_sidebar_props(context)
    key = sidebar_key(request)
    props = cache.get(key)
    if props is None:
        props = str(wagtail_sidebar_props(context))
        cache.set(key, props, TIMEOUT_SECONDS)
    return mark_safe(props)  # Wagtail's own json_script output, kept as it was


def install() -> None:
    """Put :func:`sidebar_props` in the place of Wagtail's tag (``{% sidebar_props %}`` in
    ``wagtailadmin/base.html``). Call from ``AppConfig.ready()``, before any template is read."""
    from wagtail.admin.templatetags import wagtailadmin_tags

    wagtailadmin_tags.register.simple_tag(takes_context=True, name="sidebar_props")(sidebar_props)
