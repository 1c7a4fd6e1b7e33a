import datetime
from decimal import Decimal

import pytest

from certifications.models import (
    Qualification,
    QualificationType,
    ShiftRole,
    ShiftRoleRequirement,
    TrainingRecord,
)
from tests.factories import PersonFactory


@pytest.fixture
def catalogue(org_a):
    """Grundutbildning (never expires), Tystnadslöfte (12 months); Telefonjour needs both and 6
    hours in 12 months; Chattjour needs Grundutbildning only."""
    basic = QualificationType.objects.create(organisation=org_a, name="Grundutbildning")
    pledge = QualificationType.objects.create(organisation=org_a, name="Tystnadslöfte", valid_months=12)
    phone = ShiftRole.objects.create(
        organisation=org_a,
        name="Telefonjour",
        min_training_hours=Decimal(6),
        training_window_months=12,
        sort_order=1,
    )
    ShiftRoleRequirement.objects.create(role=phone, qualification_type=basic, sort_order=0)
    ShiftRoleRequirement.objects.create(role=phone, qualification_type=pledge, sort_order=1)
    chat = ShiftRole.objects.create(organisation=org_a, name="Chattjour", sort_order=2)
    ShiftRoleRequirement.objects.create(role=chat, qualification_type=basic, sort_order=0)
    return {"basic": basic, "pledge": pledge, "phone": phone, "chat": chat}


def qualify(person, qtype, issued, expires=None, revoked=None, reason="Avslutat"):
    return Qualification.objects.create(
        person=person,
        type=qtype,
        issued_on=datetime.date.fromisoformat(issued),
        expires_on=datetime.date.fromisoformat(expires) if expires else None,
        revoked_on=datetime.date.fromisoformat(revoked) if revoked else None,
        revoke_reason=reason if revoked else "",
        source="attestation",
    )


def train(organisation, people, day, hours, title="Kurs", provider="Länsstyrelsen"):
    record = TrainingRecord.objects.create(
        organisation=organisation,
        title=title,
        provider=provider,
        date=datetime.date.fromisoformat(day),
        hours=Decimal(hours),
    )
    record.attendees.set(people)
    return record


@pytest.fixture
def person(org_a):
    return PersonFactory(email="p@example.org", organisation=org_a, joined_on=datetime.date(2024, 1, 1))
