from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    label = "jour_courses"
    verbose_name = _("Courses")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from jour_core.versions import track
        from people.permissions import BOARD_GROUP, COORDINATORS_GROUP, register_role_permissions

        from . import signals  # noqa: F401
        from .models import (
            Attendance,
            Completion,
            CoursePage,
            CourseRun,
            Enrolment,
            LessonCompletion,
            MakeUp,
            Session,
        )
        from .page_access import ensure_course_editing

        for model in (CourseRun, Session, Enrolment, Attendance, MakeUp, Completion, LessonCompletion):
            track(model)
        track(CoursePage, "organisation")  # its title and units, when published

        managed = ["courserun", "session", "enrolment", "attendance", "makeup"]
        register_role_permissions(
            COORDINATORS_GROUP,
            [f"jour_courses.{action}_{model}" for model in managed for action in ("add", "change", "view")]
            + ["jour_courses.view_completion", "jour_courses.change_completion"],
        )
        register_role_permissions(
            BOARD_GROUP,
            ["jour_courses.view_courserun", "jour_courses.view_attendance", "jour_courses.view_completion"],
        )
        post_migrate.connect(ensure_course_editing, sender=self, dispatch_uid="courses_course_editing")
