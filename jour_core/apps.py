from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JourCoreConfig(AppConfig):
    name = "jour_core"
    verbose_name = _("Shared services")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import audit  # noqa: F401  (the login signal receivers)
        from .exports import route_wagtail_exports

        # Every Wagtail listing export (ModelViewSet indexes, reports) through jour_core/exports.py.
        route_wagtail_exports()
