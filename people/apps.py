from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("People")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import audit, signals  # noqa: F401
        from .exports import route_wagtail_exports
        from .models import User
        from .permissions import ensure_role_groups
        from .provisioning import ensure_organisations
        from .versions import track

        track(User)
        # Every Wagtail listing export (ModelViewSet indexes, reports) through people/exports.py.
        route_wagtail_exports()

        post_migrate.connect(ensure_role_groups, sender=self, dispatch_uid="people_role_groups")
        post_migrate.connect(ensure_organisations, sender=self, dispatch_uid="people_organisations")
