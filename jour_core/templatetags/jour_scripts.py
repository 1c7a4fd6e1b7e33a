"""``{% load jour_scripts %}``: ``{% filter deferred %}…{% endfilter %}`` gives every external
script in the rendered HTML the ``defer`` attribute, so that a screen is drawn before its scripts
run (they still run in their order, before ``DOMContentLoaded``); ``{% filter
deferred:left_out %}`` also leaves out the scripts ``left_out`` names (by :func:`script_name`).

Only for a screen with no inline script that calls on them: it would run before them. The
attendance register uses it on Wagtail's admin scripts (README "Pages in a browser").
"""

import re
from collections.abc import Iterable

from django import template
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# An opening <script> tag with a src and neither defer nor async.
EXTERNAL_SCRIPT = re.compile(r"<script\b(?=[^>]*\ssrc=)(?![^>]*\s(?:defer|async)\b)", re.IGNORECASE)
SCRIPT_ELEMENT = re.compile(r'\s*<script\b[^>]*\ssrc="(?P<src>[^"]*)"[^>]*>\s*</script>', re.IGNORECASE)
HASHED = re.compile(r"\.[0-9a-f]{12}(?=\.js$)")


def script_name(src: str) -> str:
    """A static script's path without the static URL, the hash and the query:
    ``/static/wagtailadmin/js/vendor/tag-it.f3fbc3e61e77.js?v=1`` -> ``wagtailadmin/js/vendor/tag-it.js``."""
    path = src.split("?")[0]
    path = path.removeprefix(settings.STATIC_URL)
    return HASHED.sub("", path)


@register.filter(is_safe=True)
def deferred(html: str, left_out: Iterable[str] = ()) -> SafeString:
    names = set(left_out)
    kept = SCRIPT_ELEMENT.sub(lambda found: "" if script_name(found["src"]) in names else found[0], str(html))
    return mark_safe(EXTERNAL_SCRIPT.sub("<script defer", kept))
