"""The certifications app's settings, read in one place, with their defaults.

A host overrides any of them in its settings module; every name starts with ``CERTIFICATIONS_``.
"""

from jour_core.conf import AppSettings

DEFAULTS = {
    # How large a catalogue or records file given to the import commands may be, in bytes.
    "CERTIFICATIONS_IMPORT_MAX_BYTES": 2 * 1024 * 1024,
    # The public page that checks a certificate's code: at most this many look-ups from one
    # client address within the window (seconds); over it the page answers 429.
    "CERTIFICATIONS_VERIFY_LIMIT": 30,
    "CERTIFICATIONS_VERIFY_WINDOW_SECONDS": 600,
}

app_settings = AppSettings(DEFAULTS)
