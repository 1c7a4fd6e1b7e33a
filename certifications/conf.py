"""The certifications app's settings, read in one place, with their defaults.

A host overrides any of them in its settings module; every name starts with ``CERTIFICATIONS_``.
"""

from jour_core.conf import AppSettings

DEFAULTS = {
    # How large a catalogue or records file given to the import commands may be, in bytes.
    "CERTIFICATIONS_IMPORT_MAX_BYTES": 2 * 1024 * 1024,
}

app_settings = AppSettings(DEFAULTS)
