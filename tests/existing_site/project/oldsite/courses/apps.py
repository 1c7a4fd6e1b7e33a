from django.apps import AppConfig


class CoursesConfig(AppConfig):
    """The site's course listing and who signed up: label ``courses``."""

    name = "oldsite.courses"
    label = "courses"
    default_auto_field = "django.db.models.BigAutoField"
