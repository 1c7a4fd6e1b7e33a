"""Request checks that belong to the people app."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse

from .twofactor import has_confirmed_device, is_verified, needs_two_factor


class RequireTwoFactorMiddleware:
    """Until a coordinator, board member or administrator has passed her second factor, every
    page except the two-factor screens, logging out and static files sends her there."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    #: URL names a person may reach before her second step (those the host does not have are
    #: skipped).
    exempt_names = ("jour_core_otp_setup", "jour_core_otp_verify", "logout", "wagtailadmin_logout")

    def exempt(self, path: str) -> bool:
        allowed = [settings.STATIC_URL]
        for name in self.exempt_names:
            try:
                allowed.append(reverse(name))
            except NoReverseMatch:
                continue
        return path.startswith(tuple(allowed))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and needs_two_factor(user)
            and not is_verified(user)
            and not self.exempt(request.path)
        ):
            target = "jour_core_otp_verify" if has_confirmed_device(user) else "jour_core_otp_setup"
            return HttpResponseRedirect(f"{reverse(target)}?next={quote(request.get_full_path())}")
        return self.get_response(request)
