from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """The site's staff profiles (a snippet) and their pages: label ``people``."""

    name = "oldsite.people"
    label = "people"
    default_auto_field = "django.db.models.BigAutoField"
