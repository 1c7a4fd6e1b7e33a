"""Deleting a training record in the admin moves it to the trash: it stops counting (lists,
clearance, the report, exports) and the coordinator of its organisation can restore it."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from certifications.clearance import clearance
from certifications.models import (
    Qualification,
    QualificationType,
    ShiftRole,
    ShiftRoleRequirement,
    TrainingRecord,
)
from certifications.report import competence_report
from tests.auth import sign_in
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = D(2026, 11, 1)


@pytest.fixture
def setup(org_a, coordinator_a):
    """Vera holds Grundutbildning; Telefonjour needs it and 6 hours in 12 months. Her one
    training record (6 hours) is what clears her."""
    basic = QualificationType.objects.create(organisation=org_a, name="Grundutbildning")
    phone = ShiftRole.objects.create(
        organisation=org_a, name="Telefonjour", min_training_hours=Decimal(6), training_window_months=12
    )
    ShiftRoleRequirement.objects.create(role=phone, qualification_type=basic, sort_order=0)
    vera = PersonFactory(first_name="Vera", organisation=org_a, joined_on=D(2024, 1, 1))
    Qualification.objects.create(person=vera, type=basic, issued_on=D(2024, 3, 1), source="attestation")
    record = TrainingRecord.objects.create(
        organisation=org_a,
        title="Våld i nära relationer",
        provider="Länsstyrelsen",
        date=D(2026, 6, 1),
        hours=Decimal(6),
    )
    record.attendees.set([vera])
    return {"vera": vera, "record": record, "phone": phone}


def cleared(org, setup) -> bool:
    (result,) = clearance(org, DAY, people=[setup["vera"]])
    return result.cleared


def report_hours(org) -> dict:
    report = competence_report(org, D(2026, 1, 1), D(2026, 12, 31))
    return report["training_hours"]["volunteer"], [c["title"] for c in report["continuing_education"]]


def test_delete_moves_to_the_trash_and_undo_brings_it_back(client, org_a, coordinator_a, setup):
    record = setup["record"]
    assert cleared(org_a, setup)
    assert report_hours(org_a) == (6, ["Våld i nära relationer"])

    sign_in(client, coordinator_a)
    export = client.get(reverse("certifications_training:index") + "?export=csv")
    assert "Våld i nära relationer" in export.content.decode()
    confirm = client.get(reverse("certifications_training:delete", args=[record.pk]))
    assert confirm.status_code == 200
    response = client.post(reverse("certifications_training:delete", args=[record.pk]), follow=True)
    assert response.status_code == 200
    restore_url = reverse("certifications_training:restore", args=[record.pk])
    assert restore_url in response.content.decode()  # the "Undo" button in the message

    # Still in the database, with who and when...
    kept = TrainingRecord.all_objects.get(pk=record.pk)
    assert kept.deleted_at is not None and kept.deleted_by == coordinator_a
    assert list(kept.attendees.all()) == [setup["vera"]]
    # ...but hidden from lists, exports, clearance and the report.
    assert not TrainingRecord.objects.filter(pk=record.pk).exists()
    assert not setup["vera"].jour_training_records.exists()
    listing = client.get(reverse("certifications_training:index")).content.decode()
    assert "Våld i nära relationer" not in listing
    export = client.get(reverse("certifications_training:index") + "?export=csv")
    assert export.status_code == 200
    assert "Våld i nära relationer" not in export.content.decode()
    assert client.get(reverse("certifications_training:edit", args=[record.pk])).status_code == 404
    assert not cleared(org_a, setup)
    (result,) = clearance(org_a, DAY, people=[setup["vera"]])
    assert result.reason_codes == ["hours:0/6"]
    assert report_hours(org_a) == (0, [])

    # The trash lists it; restoring asks first, then needs a POST.
    trash = client.get(reverse("certifications_training:trash"))
    assert trash.status_code == 200
    assert "Våld i nära relationer" in trash.content.decode()
    ask = client.get(restore_url)
    assert ask.status_code == 200
    assert 'method="post"' in ask.content.decode()
    assert TrainingRecord.all_objects.get(pk=record.pk).deleted_at is not None  # GET changes nothing

    response = client.post(restore_url)
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.deleted_at is None and record.deleted_by is None
    assert TrainingRecord.objects.filter(pk=record.pk).exists()
    assert cleared(org_a, setup)
    assert report_hours(org_a) == (6, ["Våld i nära relationer"])
    assert "Våld i nära relationer" in client.get(reverse("certifications_training:index")).content.decode()
    assert (
        "Våld i nära relationer" not in client.get(reverse("certifications_training:trash")).content.decode()
    )

    # The history keeps the delete and the restore, with who.
    rows = list(record.history.order_by("history_date", "history_id"))
    deleted, restored = rows[-2], rows[-1]
    assert deleted.deleted_at is not None and deleted.history_user == coordinator_a
    assert restored.deleted_at is None and restored.history_user == coordinator_a


def test_another_organisations_coordinator_gets_404(client, org_a, coordinator_a, coordinator_b, setup):
    record = setup["record"]
    sign_in(client, coordinator_b)
    assert client.get(reverse("certifications_training:delete", args=[record.pk])).status_code == 404
    assert client.post(reverse("certifications_training:delete", args=[record.pk])).status_code == 404
    assert TrainingRecord.objects.filter(pk=record.pk).exists()

    record.soft_delete(by=coordinator_a)
    restore_url = reverse("certifications_training:restore", args=[record.pk])
    assert client.get(restore_url).status_code == 404
    assert client.post(restore_url).status_code == 404
    assert (
        "Våld i nära relationer" not in client.get(reverse("certifications_training:trash")).content.decode()
    )
    record.refresh_from_db()
    assert record.deleted_at is not None


def test_the_board_and_volunteers_cannot_restore(client, org_a, coordinator_a, board_a, volunteer_a, setup):
    record = setup["record"]
    record.soft_delete(by=coordinator_a)
    restore_url = reverse("certifications_training:restore", args=[record.pk])
    for user in (board_a, volunteer_a):
        sign_in(client, user)
        assert client.post(restore_url).status_code in (302, 403)
        assert client.post(reverse("certifications_training:delete", args=[record.pk])).status_code in (
            302,
            403,
            404,
        )
    record.refresh_from_db()
    assert record.deleted_at is not None


def test_superuser_sees_every_organisations_trash(client, org_a, coordinator_a, superuser, setup):
    setup["record"].soft_delete(by=coordinator_a)
    sign_in(client, superuser)
    trash = client.get(reverse("certifications_training:trash")).content.decode()
    assert "Våld i nära relationer" in trash and "Kvinnojouren A" in trash


def test_importing_a_deleted_record_again_makes_a_new_live_one(org_a, coordinator_a, setup):
    from certifications.importing import apply_records, parse_records

    setup["record"].soft_delete(by=coordinator_a)
    csv = (
        "email,kind,name,date,hours,provider,expires_on,revoked_on\n"
        f"{setup['vera'].email},training,Våld i nära relationer,2026-06-01,6,Länsstyrelsen,,\n"
    )
    apply_records(parse_records(csv, org_a), org_a, by=coordinator_a)
    assert TrainingRecord.objects.count() == 1
    assert TrainingRecord.all_objects.count() == 2
    assert cleared(org_a, setup)
