from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    """The association's quality work: the competence plan (plan), the participants' evaluations
    (check), findings and their actions (act), on top of the competence the other apps document
    (do)."""

    name = "quality"
    label = "jour_quality"
    verbose_name = _("Quality work")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from jour_core.versions import track
        from people.permissions import BOARD_GROUP, COORDINATORS_GROUP, register_role_permissions

        from . import signals  # noqa: F401 (default evaluation questions for a new organisation)
        from .models import EvaluationQuestion, EvaluationReceipt

        # My training (kept, home/views.py) lists the evaluations she may answer: of the kinds of
        # course her organisation asks about, and not those she has answered.
        track(EvaluationQuestion)
        track(EvaluationReceipt)

        # The board or a coordinator records a finding and its action; a coordinator may delete one.
        edit = [f"jour_quality.{action}_action" for action in ("add", "change", "view")]
        register_role_permissions(COORDINATORS_GROUP, [*edit, "jour_quality.delete_action"])
        register_role_permissions(BOARD_GROUP, edit)
        # The board makes the competence plan with the coordinators; both edit it and the themes.
        plan = [
            f"{app}.{action}_{model}"
            for app, model in (("jour_quality", "planitem"), ("jour_courses", "theme"))
            for action in ("add", "change", "view", "delete")
        ]
        register_role_permissions(COORDINATORS_GROUP, plan)
        register_role_permissions(BOARD_GROUP, plan)
        # Coordinators edit the evaluation questions; both read the results (never who answered).
        register_role_permissions(
            COORDINATORS_GROUP,
            [f"jour_quality.{action}_evaluationquestion" for action in ("add", "change", "view", "delete")]
            + ["jour_quality.view_evaluationresponse"],
        )
        register_role_permissions(
            BOARD_GROUP, ["jour_quality.view_evaluationquestion", "jour_quality.view_evaluationresponse"]
        )
        # Both make the annual review and freeze a copy of it, as they do the competence report.
        review = ["jour_quality.view_frozenreview", "jour_quality.add_frozenreview"]
        register_role_permissions(COORDINATORS_GROUP, review)
        register_role_permissions(BOARD_GROUP, review)
