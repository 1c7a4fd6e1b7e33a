"""Wagtail's admin frame, the same for less: two of the tags every admin page renders.

- ``{% wagtail_config %}`` (``wagtailadmin/admin_base.html``, the configuration of the admin's
  scripts) reads the locales in a query of its own on every page: :func:`wagtail_config` makes
  the same configuration with the locales of the sidebar's one query (``sidebar.request_rows``,
  read once for the request), one round trip fewer on every admin page;
- ``{% keyboard_shortcuts_dialog %}`` (``wagtailadmin/base.html``) renders a dialog of some forty
  translated lines that depends only on the language, the platform (Mac or not, from the
  User-Agent), whether the person has the shortcuts on, and whether comments are on:
  :func:`keyboard_shortcuts_dialog` renders it once for each of these and keeps it in the
  process.

``tests/jour_core/test_frame.py`` holds both to Wagtail's own answers, so that a Wagtail upgrade
that changes either is noticed.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http.request import HttpHeaders
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.safestring import SafeString

from .sidebar import request_rows

_MAC = re.compile(r"Mac|iPod|iPhone|iPad")  # as Wagtail tells the platform


def _signed_in(context) -> bool:
    request = context.get("request")
    return request is not None and getattr(getattr(request, "user", None), "is_authenticated", False)


def wagtail_config(context) -> dict:
    """Wagtail's ``wagtail_config`` with the locales of the sidebar's query (Wagtail's own
    tag for a page without a signed-in person: the sidebar reads nothing for her)."""
    from wagtail.admin.localization import get_js_translation_strings
    from wagtail.admin.templatetags import wagtailadmin_tags
    from wagtail.models import Locale

    if not _signed_in(context):
        return wagtailadmin_tags.wagtail_config(context)
    request = context["request"]
    codes = sorted(code for kind, _pk, _none, code in request_rows(request) if kind == "l")
    config = {
        "CSRF_TOKEN": get_token(request),
        "CSRF_HEADER_NAME": HttpHeaders.parse_header_name(settings.CSRF_HEADER_NAME),
        "ADMIN_API": {
            "PAGES": reverse("wagtailadmin_api:pages:listing"),
            "DOCUMENTS": reverse("wagtailadmin_api:documents:listing"),
            "IMAGES": reverse("wagtailadmin_api:images:listing"),
            "EXTRA_CHILDREN_PARAMETERS": "",
        },
        "ADMIN_URLS": {
            "DISMISSIBLES": reverse("wagtailadmin_dismissibles"),
            "PAGES": reverse("wagtailadmin_explore_root"),
            "BLOCK_PREVIEW": reverse("wagtailadmin_block_preview"),
        },
        "I18N_ENABLED": wagtailadmin_tags.i18n_enabled(),
        "LOCALES": [
            {"code": code, "display_name": force_str(Locale(language_code=code).get_display_name())}
            for code in codes
        ],
        "STRINGS": get_js_translation_strings(),
    }
    if locale := context.get("locale"):
        config["ACTIVE_CONTENT_LOCALE"] = locale.language_code
    config["KEYBOARD_SHORTCUTS_ENABLED"] = _shortcuts_enabled(request)
    return config


def _shortcuts_enabled(request) -> bool:
    """The person's keyboard shortcuts setting (on without a profile), as Wagtail reads it."""
    profile = getattr(getattr(request, "user", None), "wagtail_userprofile", None)
    return bool(profile.keyboard_shortcuts) if profile is not None else True


#: The dialog's HTML by (language, Mac or not, shortcuts on, comments on).
_DIALOGS: dict[tuple[str, bool, bool, bool], SafeString] = {}


def keyboard_shortcuts_dialog(context) -> SafeString:
    """Wagtail's keyboard shortcuts dialog, rendered by Wagtail once for each language,
    platform, setting of the person's and of the comments, then kept."""
    from wagtail.admin.templatetags.wagtailadmin_tags import get_comments_enabled
    from wagtail.admin.templatetags.wagtailadmin_tags import keyboard_shortcuts_dialog as wagtails

    request = context.get("request")
    if request is None:
        return _rendered(wagtails(context))
    key = (
        translation.get_language(),
        bool(_MAC.search(request.headers.get("User-Agent", ""))),
        _shortcuts_enabled(request),
        bool(get_comments_enabled()),
    )
    found = _DIALOGS.get(key)
    if found is None:
        found = _DIALOGS[key] = _rendered(wagtails(context))
    return found


def _rendered(values: dict) -> SafeString:
    return render_to_string("wagtailadmin/shared/keyboard_shortcuts_dialog.html", values)


def install() -> None:
    """Put :func:`wagtail_config` and :func:`keyboard_shortcuts_dialog` in the place of
    Wagtail's tags. Call from ``AppConfig.ready()``, before any template is read."""
    from wagtail.admin.templatetags import wagtailadmin_tags

    wagtailadmin_tags.register.simple_tag(takes_context=True, name="wagtail_config")(wagtail_config)
    wagtailadmin_tags.register.simple_tag(takes_context=True, name="keyboard_shortcuts_dialog")(
        keyboard_shortcuts_dialog
    )
