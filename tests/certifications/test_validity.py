"""A qualification's standing on a date: each condition of ``certifications/validity.py``
selects exactly the rows its plain twin says yes to, on random dates around the boundaries, and
the clearance engine and the report read validity the same way."""

from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from certifications import validity
from certifications.models import Qualification, QualificationType
from tests.factories import PersonFactory
from tests.security.test_fuzz_inputs import rolled_back
from tests.twins import TWINS, days_around

DAY = datetime.date(2026, 10, 25)  # the autumn daylight-saving Sunday
near = days_around(DAY)


@st.composite
def qualifications(draw) -> tuple[datetime.date, datetime.date | None, datetime.date | None]:
    """Issued, expires (never before issued: the model refuses it) and revoked dates."""
    issued, expires, revoked = draw(near), draw(st.none() | near), draw(st.none() | near)
    if expires is not None and expires < issued:
        issued, expires = expires, issued
    return issued, expires, revoked


@TWINS
@given(rows=st.lists(qualifications(), min_size=1, max_size=6), day=near)
def test_each_condition_selects_what_its_twin_says(org_a, rows, day):
    with rolled_back():
        person = PersonFactory(organisation=org_a)
        qtype = QualificationType.objects.create(organisation=org_a, name="Tystnadslöfte")
        created = Qualification.objects.bulk_create(
            Qualification(person=person, type=qtype, issued_on=i, expires_on=e, revoked_on=r)
            for i, e, r in rows
        )
        pks = [q.pk for q in created]
        for status, condition in validity.CONDITIONS.items():
            by_query = set(
                Qualification.objects.filter(condition(day), pk__in=pks).values_list("pk", flat=True)
            )
            by_twin = {
                q.pk
                for q in created
                if validity.standing_on(day, q.issued_on, q.expires_on, q.revoked_on) == status
            }
            assert by_query == by_twin, status
        valid = {q.pk for q in created if validity.is_valid_on(day, q.issued_on, q.expires_on, q.revoked_on)}
        assert (
            set(Qualification.objects.filter(pk__in=pks).valid_on(day).values_list("pk", flat=True)) == valid
        )


def test_a_qualification_is_valid_on_the_day_it_expires_and_not_on_the_day_it_is_revoked():
    assert validity.standing_on(DAY, DAY, DAY, None) == validity.VALID
    assert validity.standing_on(DAY, DAY - datetime.timedelta(days=9), None, DAY) == validity.REVOKED
    assert validity.standing_on(DAY, DAY + datetime.timedelta(days=1), None, None) == validity.NOT_YET_ISSUED
    assert validity.standing_on(
        DAY, DAY - datetime.timedelta(days=9), DAY - datetime.timedelta(days=1), None
    ) == (validity.EXPIRED)
