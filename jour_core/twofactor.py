"""Two-factor authentication (django-otp, TOTP): who needs it, and the screens to set it up
and to pass it.

Coordinators, the board and administrators (anyone with access to the admin, and every
superuser) must pass a one-time code from an authenticator app after the password before
they can do anything else; ``RequireTwoFactorMiddleware`` (jour_core/middleware.py) sends them
here. Volunteers use the member area only and are not asked. A person who has confirmed a
device can only verify with it; setting up another one needs an administrator to run
``python manage.py reset_two_factor EMAIL`` first, so a stolen password cannot enrol a
new phone.
"""

from __future__ import annotations

import base64

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from .conf import app_settings

THROTTLED = gettext_lazy("Too many wrong codes in a row. Wait a while and try again with a new code.")


def needs_two_factor(user) -> bool:
    """Whether ``user`` must pass a second factor: administrators and anyone with admin access."""
    if not app_settings.JOUR_REQUIRE_2FA or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.has_perm("wagtailadmin.access_admin"))


def is_verified(user) -> bool:
    verified = getattr(user, "is_verified", None)
    return bool(verified and verified())


def has_confirmed_device(user) -> bool:
    return user_has_device(user, confirmed=True)


def pending_device(user) -> TOTPDevice:
    """The person's unconfirmed authenticator, made on first use (the QR code stays the same
    until she confirms it)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def secret_of(device: TOTPDevice) -> str:
    """The key in the base32 form authenticator apps accept when typed in by hand."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def confirm_device(device: TOTPDevice, token: str) -> bool:
    """Confirm a pending authenticator with a code from it; ``False`` when the code is wrong."""
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


def reset_two_factor(user) -> int:
    """Remove all of a person's authenticators (she sets up a new one at her next login)."""
    deleted, _details = TOTPDevice.objects.filter(user=user).delete()
    return deleted


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(_("The code is the digits your app shows."))
        return token


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("wagtailadmin_home") if request.user.has_perm("wagtailadmin.access_admin") else "/"


@never_cache
@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator: scan the QR code (or type the key), then confirm with a code."""
    if has_confirmed_device(request.user):
        if is_verified(request.user):
            return HttpResponseRedirect(_next_url(request))
        return HttpResponseRedirect(f"{reverse('jour_core_otp_verify')}?next={_next_url(request)}")
    device = pending_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not device.verify_is_allowed()[0]:
            form.add_error("token", THROTTLED)
        elif confirm_device(device, form.cleaned_data["token"]):
            otp_login(request, device)
            messages.success(request, _("Two-step verification is set up."))
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", _("The code did not match. Check the time on your phone and try again."))
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "jour_core/twofactor/setup.html",
        {
            "form": form,
            "qr_svg": qr.svg_inline(scale=5, dark="#000", light="#fff"),
            "secret": secret_of(device),
            "next": _next_url(request),
        },
    )


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of the login: a code from the authenticator set up before."""
    if not has_confirmed_device(request.user):
        return HttpResponseRedirect(f"{reverse('jour_core_otp_setup')}?next={_next_url(request)}")
    if is_verified(request.user):
        return HttpResponseRedirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        devices = TOTPDevice.objects.devices_for_user(request.user, confirmed=True)
        if not any(device.verify_is_allowed()[0] for device in devices):
            form.add_error("token", THROTTLED)
        else:
            device = match_token(request.user, form.cleaned_data["token"])
            if device is not None:
                otp_login(request, device)
                return HttpResponseRedirect(_next_url(request))
            form.add_error("token", _("The code was wrong or has already been used. Wait for a new one."))
    return render(request, "jour_core/twofactor/verify.html", {"form": form, "next": _next_url(request)})
