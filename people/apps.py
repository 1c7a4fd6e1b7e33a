from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    label = "jour_people"
    verbose_name = _("People")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.models import Group
        from django.db import models
        from django.db.models.signals import post_migrate
        from wagtail.admin.forms.models import register_form_field_override
        from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput
        from wagtail.models import GroupCollectionPermission, GroupPagePermission, Locale, Site

        from jour_core.versions import keep_versions_in, track, track_everywhere

        from . import signals  # noqa: F401
        from .bounds import (
            BoundedDateTimeField,
            DateInWordsField,
            FiniteDecimalField,
            IntegerFieldIn,
            bound_filter_dates,
        )
        from .documents import searchable_usage_count_filter
        from .models import Organisation, User
        from .permissions import ensure_role_groups
        from .provisioning import ensure_organisations

        keep_versions_in(Organisation, "data_version")
        track(User)
        # What a person may do (the menus and buttons on every kept page), the sites, and the
        # locales (the admin's sidebar reads them: jour_core/sidebar.py).
        track_everywhere(Group, GroupPagePermission, GroupCollectionPermission, Site, Locale)

        post_migrate.connect(ensure_role_groups, sender=self, dispatch_uid="people_role_groups")
        post_migrate.connect(ensure_organisations, sender=self, dispatch_uid="people_organisations")
        # Decimals typed into any Wagtail admin form: NaN is refused, not a server error (bounds.py).
        register_form_field_override(models.DecimalField, override={"form_class": FiniteDecimalField})
        # Dates and times typed into any Wagtail admin form (a page's scheduled publishing):
        # within the bounds (bounds.py); Wagtail's own widget kept.
        register_form_field_override(
            models.DateTimeField, override={"widget": AdminDateTimeInput, "form_class": BoundedDateTimeField}
        )
        # Dates typed into any Wagtail admin form: what is not a date is said in words
        # ("skriv ett giltigt datum, till exempel ..."), as in every other form (bounds.py).
        register_form_field_override(
            models.DateField,
            override={"widget": AdminDateInput, "form_class": DateInWordsField},
            exact_class=True,
        )
        # An id no column can hold matches nothing in an ``__in`` lookup, as in ``exact`` (bounds.py).
        models.IntegerField.register_lookup(IntegerFieldIn)
        # Dates in every django-filter date filter (Wagtail's listings, histories, reports) bounded.
        bound_filter_dates()
        # Wagtail's document and image listings: searching and filtering by usage count at once.
        searchable_usage_count_filter()
