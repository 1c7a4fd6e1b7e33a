"""The people app's settings, read in one place, with their defaults.

A host overrides any of them in its settings module; every name starts with ``PEOPLE_`` so it
cannot clash with another app's. Values are read on each access, so ``override_settings`` works.
"""

from jour_core.conf import AppSettings

DEFAULTS = {
    # How large an uploaded or command-line import file may be, in bytes.
    "PEOPLE_IMPORT_MAX_BYTES": 2 * 1024 * 1024,
    # How long an uploaded import file waits for its confirmation after the preview, in hours;
    # it is deleted once confirmed or cancelled, and when older than this.
    "PEOPLE_IMPORT_PENDING_HOURS": 24,
}


app_settings = AppSettings(DEFAULTS)
