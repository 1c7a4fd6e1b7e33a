"""The quality app's settings, read in one place, with their defaults.

A host overrides any of them in its settings module; every name starts with ``QUALITY_``.
"""

from jour_core.conf import AppSettings

DEFAULTS = {
    # How many days after the session she attended a participant may answer its evaluation
    # (for a continuing-education course: after the last session of it she attended).
    "QUALITY_EVALUATION_DAYS": 30,
}

app_settings = AppSettings(DEFAULTS)
