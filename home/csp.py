"""The Content-Security-Policy's script nonce, for templates that cannot see the request.

The policy (``CONTENT_SECURITY_POLICY`` in lms/settings/base.py) allows scripts from this
site only. The few inline scripts Wagtail's admin writes (date pickers, inline panels) are
rendered from templates that this project overrides in ``templates/wagtailadmin/`` to carry
the request's nonce; form widgets are rendered without the request, so the middleware keeps
it in a context variable for the ``{% csp_nonce %}`` tag.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar

from csp.constants import HEADER as CSP_HEADER
from csp.constants import SELF
from django.http import HttpRequest, HttpResponse

FRAME_ANCESTORS = re.compile(r"frame-ancestors [^;]*")

_current_request: ContextVar[HttpRequest | None] = ContextVar("csp_request", default=None)


def current_nonce() -> str:
    request = _current_request.get()
    nonce = getattr(request, "csp_nonce", None) if request is not None else None
    return str(nonce) if nonce is not None else ""


class CSPNonceRequestMiddleware:
    """Place after ``csp.middleware.CSPMiddleware``: makes the request's nonce reachable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def nonce_chooser_scripts() -> None:
    """Wagtail's chooser widgets (page, document, snippet choosers) write their inline script
    in Python rather than a template; give that one script the request's nonce."""
    from django.utils.safestring import mark_safe
    from wagtail.admin.widgets.chooser import BaseChooser

    original = BaseChooser.render
    if getattr(original, "csp_nonce", False):
        return

    def render(self, name, value, attrs=None, renderer=None):
        html = original(self, name, value, attrs, renderer)
        nonce = current_nonce()
        head, marker, tail = str(html).rpartition("<script>")
        if not nonce or not marker:
            return html
        return mark_safe(f'{head}<script nonce="{nonce}">{tail}')

    render.csp_nonce = True
    BaseChooser.render = render


class SameOriginFramingMiddleware:
    """Place after ``csp.middleware.CSPMiddleware``: the policy's ``frame-ancestors 'none'`` (no
    page may be framed, like ``X-Frame-Options: DENY``) becomes ``'self'`` on the responses a
    view marked ``X-Frame-Options: SAMEORIGIN``. Those are Wagtail's previews, which the page
    editor shows in an iframe of its own; a browser obeys ``frame-ancestors`` over
    ``X-Frame-Options``, so with ``'none'`` the preview panel would stay empty.

    A page preview is rendered through the whole middleware stack a second time (Wagtail's
    ``make_preview_request``), so its policy may be written already, with the nonce of that
    inner request: then only its ``frame-ancestors`` directive is rewritten."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("X-Frame-Options", "").upper() != "SAMEORIGIN":
            return response
        if CSP_HEADER in response:
            response[CSP_HEADER] = FRAME_ANCESTORS.sub(f"frame-ancestors {SELF}", response[CSP_HEADER])
        else:
            replace = dict(getattr(response, "_csp_replace", None) or {})
            replace["frame-ancestors"] = [SELF]
            response._csp_replace = replace
        return response
