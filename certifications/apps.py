from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationsConfig(AppConfig):
    """Qualifications, shift clearance and the competence report (built on courses and people)."""

    name = "certifications"
    verbose_name = _("Certifications")
    default_auto_field = "django.db.models.BigAutoField"
