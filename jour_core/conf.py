"""The shared layer's settings, read in one place, with their defaults.

A host overrides any of them in its settings module; every name starts with ``JOUR_`` so it
cannot clash with another app's. Values are read on each access, so ``override_settings`` works.
Each plugin app has a ``conf.py`` of its own built on :class:`AppSettings`.
"""

from django.conf import settings

DEFAULTS = {
    # Whether administrators and everyone with admin access must pass a second factor (TOTP)
    # once the host enables the two-factor middleware (see README).
    "JOUR_REQUIRE_2FA": True,
    # How many reverse proxies in front of the site append to X-Forwarded-For; the login
    # lockout and the audit log take the client's address from there (0: REMOTE_ADDR).
    "JOUR_TRUSTED_PROXY_COUNT": 0,
    # With django-axes and AXES_HANDLER = "jour_core.lockout.PairAndAddressHandler": failed logins
    # from one address, whatever the accounts, that lock the address (the pair of one account
    # and one address is locked after AXES_FAILURE_LIMIT).
    "JOUR_ADDRESS_FAILURE_LIMIT": 20,
    # "Forgot your password?" (jour_core/passwordreset.py): requests per client address and per
    # account within the window (seconds); over a limit the answer is the same and no mail goes.
    "JOUR_PASSWORD_RESETS_PER_ADDRESS": 5,
    "JOUR_PASSWORD_RESETS_PER_ACCOUNT": 3,
    "JOUR_PASSWORD_RESET_WINDOW_SECONDS": 3600,
    # How long a cached admin page (the clearance board, the attendance register) is kept, in
    # seconds; it is keyed on the organisation's data version, so a change is never served
    # stale. 0 turns the page cache off.
    "JOUR_PAGE_CACHE_SECONDS": 600,
    # Email (jour_core/mail.py): after a mail server error a message is tried again after each
    # of these delays in seconds (so 5 attempts in all), then given up with an error in the log.
    "JOUR_MAIL_RETRY_DELAYS": (60, 300, 1800, 7200),
}


class AppSettings:
    """Settings read from the host's settings, falling back to ``defaults``."""

    def __init__(self, defaults: dict):
        self._defaults = defaults

    def __getattr__(self, name: str):
        if name not in self._defaults:
            raise AttributeError(name)
        return getattr(settings, name, self._defaults[name])


app_settings = AppSettings(DEFAULTS)
