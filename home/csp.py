"""The Content-Security-Policy's script nonce, for templates that cannot see the request.

The policy (``CONTENT_SECURITY_POLICY`` in lms/settings/base.py) allows scripts from this
site only. The few inline scripts Wagtail's admin writes (date pickers, inline panels) are
rendered from templates that this project overrides in ``templates/wagtailadmin/`` to carry
the request's nonce; form widgets are rendered without the request, so the middleware keeps
it in a context variable for the ``{% csp_nonce %}`` tag.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

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
