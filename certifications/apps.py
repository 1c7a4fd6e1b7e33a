from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationsConfig(AppConfig):
    """Qualifications, shift clearance and the competence report (built on courses and people)."""

    name = "certifications"
    label = "jour_certifications"
    verbose_name = _("Certifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from jour_core.versions import track
        from people.documents import register_person_document
        from people.permissions import BOARD_GROUP, COORDINATORS_GROUP, register_role_permissions

        from . import signals  # noqa: F401
        from .models import (
            Certificate,
            Qualification,
            QualificationType,
            ShiftRole,
            ShiftRoleRequirement,
            TrainingRecord,
        )

        # A certificate revoked shows on her My training (kept, home/views.py).
        for model in (QualificationType, Qualification, TrainingRecord, ShiftRole, Certificate):
            track(model)
        track(ShiftRoleRequirement, "role__organisation")
        # A signed pledge attached to a qualification is private to the person (people/documents.py).
        register_person_document(Qualification, "document", "person")

        managed = ["qualificationtype", "qualification", "trainingrecord", "shiftrole"]
        register_role_permissions(
            COORDINATORS_GROUP,
            [
                f"jour_certifications.{action}_{model}"
                for model in managed
                for action in ("add", "change", "view")
            ],
        )
        register_role_permissions(
            BOARD_GROUP,
            [f"jour_certifications.view_{model}" for model in managed],
        )
        # Deleting a training record moves it to the trash, where it can be restored.
        register_role_permissions(COORDINATORS_GROUP, ["jour_certifications.delete_trainingrecord"])
        report = ["jour_certifications.view_frozenreport", "jour_certifications.add_frozenreport"]
        register_role_permissions(COORDINATORS_GROUP, report)
        register_role_permissions(BOARD_GROUP, report)
        # Certificates: coordinators see their organisation's and revoke them ("change"); they are
        # issued by downloading and never added or deleted by hand (views.CertificatePermissionPolicy).
        register_role_permissions(
            COORDINATORS_GROUP,
            ["jour_certifications.view_certificate", "jour_certifications.change_certificate"],
        )
