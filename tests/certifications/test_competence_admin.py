"""The competence screens in the admin: scoped per organisation, history kept."""

import datetime

import pytest
from django.urls import reverse

from certifications.models import Qualification, QualificationType, TrainingRecord
from tests.auth import sign_in
from tests.certifications.conftest import qualify
from tests.factories import PersonFactory


@pytest.fixture
def foreign(org_b):
    qtype = QualificationType.objects.create(organisation=org_b, name="Deras typ")
    person = PersonFactory(email="b-person@example.org", organisation=org_b)
    return {"type": qtype, "qualification": qualify(person, qtype, "2025-01-01"), "person": person}


def test_coordinator_attests_a_pledge(client, coordinator_a, catalogue, org_a):
    person = PersonFactory(organisation=org_a)
    sign_in(client, coordinator_a)
    response = client.post(
        reverse("certifications_qualification:add"),
        {
            "person": person.pk,
            "type": catalogue["pledge"].pk,
            "issued_on": "2026-02-01",
            "expires_on": "",
            "revoked_on": "",
            "revoke_reason": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    qualification = Qualification.objects.get(person=person)
    assert qualification.source == "attestation" and qualification.attested_by == coordinator_a
    assert qualification.expires_on == datetime.date(2027, 2, 1)
    # Revoking needs a reason; the change is kept in the history.
    url = reverse("certifications_qualification:edit", args=[qualification.pk])
    data = {
        "person": person.pk,
        "type": catalogue["pledge"].pk,
        "issued_on": "2026-02-01",
        "expires_on": "2027-02-01",
    }
    refused = client.post(url, {**data, "revoked_on": "2026-05-01", "revoke_reason": ""})
    assert refused.status_code == 200 and "revoke_reason" in refused.context["form"].errors
    assert (
        client.post(
            url, {**data, "revoked_on": "2026-05-01", "revoke_reason": "Avslutat uppdrag"}
        ).status_code
        == 302
    )
    history = list(qualification.history.order_by("history_date").values_list("revoked_on", flat=True))
    assert history == [None, datetime.date(2026, 5, 1)]


def test_training_for_a_whole_group_at_once(client, coordinator_a, org_a):
    people = PersonFactory.create_batch(3, organisation=org_a)
    sign_in(client, coordinator_a)
    response = client.post(
        reverse("certifications_training:add"),
        {
            "title": "Barnkonferens",
            "provider": "Roks",
            "date": "2026-10-01",
            "hours": "6",
            "attendees": [p.pk for p in people],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    record = TrainingRecord.objects.get()
    assert record.organisation == org_a and set(record.attendees.all()) == set(people)


def test_another_organisations_rows_are_invisible(client, coordinator_a, catalogue, foreign):
    sign_in(client, coordinator_a)
    listing = client.get(reverse("certifications_qualification:index")).content.decode()
    assert "Deras typ" not in listing and "b-person" not in listing
    assert (
        client.get(
            reverse("certifications_qualification:edit", args=[foreign["qualification"].pk])
        ).status_code
        == 404
    )
    assert client.get(reverse("certifications_type:edit", args=[foreign["type"].pk])).status_code == 404
    types = client.get(reverse("certifications_type:index")).content.decode()
    assert "Grundutbildning" in types and "Deras typ" not in types
    # The forms offer only her organisation's people and types; a tampered post is refused.
    form = client.get(reverse("certifications_qualification:add")).context["form"]
    assert foreign["person"] not in form.fields["person"].queryset
    assert foreign["type"] not in form.fields["type"].queryset
    response = client.post(
        reverse("certifications_qualification:add"),
        {"person": foreign["person"].pk, "type": foreign["type"].pk, "issued_on": "2026-01-01"},
    )
    assert response.status_code == 200
    assert Qualification.objects.count() == 1


def test_coordinator_cannot_delete_records(client, coordinator_a, catalogue, org_a):
    qualification = qualify(PersonFactory(organisation=org_a), catalogue["basic"], "2024-01-01")
    sign_in(client, coordinator_a)
    client.post(reverse("certifications_qualification:delete", args=[qualification.pk]))
    assert Qualification.objects.filter(pk=qualification.pk).exists()


def test_the_qualification_list_asks_the_same_number_of_queries_for_2_or_22_rows(
    client, coordinator_a, org_a
):
    """Each row's person and type come with one query per relation, never one per row (the
    scoped listings prefetch what their columns show: people/views.py ScopedIndexMixin)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sign_in(client, coordinator_a)
    counts = []
    for batch in (2, 20):
        for n in range(batch):
            qtype = QualificationType.objects.create(organisation=org_a, name=f"Typ {batch}-{n}")
            qualify(PersonFactory(organisation=org_a), qtype, "2025-01-01")
        cache.clear()  # each load makes the admin sidebar afresh (jour_core/sidebar.py)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("certifications_qualification:index")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
