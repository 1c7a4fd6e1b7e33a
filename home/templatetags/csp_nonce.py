from django import template

from home.csp import current_nonce

register = template.Library()


@register.simple_tag
def csp_nonce() -> str:
    """The current request's Content-Security-Policy nonce (empty outside a request)."""
    return current_nonce()
