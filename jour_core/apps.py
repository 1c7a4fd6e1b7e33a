from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JourCoreConfig(AppConfig):
    name = "jour_core"
    verbose_name = _("Shared services")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from . import audit  # noqa: F401  (the login signal receivers)
        from .collation import register_sqlite_collation
        from .exports import route_wagtail_exports
        from .frame import install as install_frame
        from .sidebar import install as install_sidebar

        # Every Wagtail listing export (ModelViewSet indexes, reports) through jour_core/exports.py.
        route_wagtail_exports()
        # The admin sidebar from the cache while nothing it shows changed (jour_core/sidebar.py).
        install_sidebar()
        # Two more of the admin frame's tags for less (jour_core/frame.py).
        install_frame()
        # Names in Swedish order on SQLite too (jour_core/collation.py).
        connection_created.connect(register_sqlite_collation, dispatch_uid="jour_core_swedish_collation")
