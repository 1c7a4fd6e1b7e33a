"""Membership on a date: each condition of ``people/membership.py`` selects exactly the rows
its plain twin says yes to, on random dates around the boundaries (the same day, a day either
side, no date at all)."""

from __future__ import annotations

import datetime

from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from certifications.models import Qualification, QualificationType
from people import membership
from people.models import User, today
from tests.factories import PersonFactory
from tests.security.test_fuzz_inputs import rolled_back
from tests.twins import TWINS, days_around

DAY = datetime.date(2026, 3, 29)  # the spring daylight-saving Sunday
near = days_around(DAY)
maybe_near = st.none() | near


@st.composite
def memberships(draw) -> tuple[datetime.date | None, datetime.date | None]:
    """A date of joining and of leaving, never leaving before joining (the register refuses it)."""
    joined, left = draw(maybe_near), draw(maybe_near)
    if joined is not None and left is not None and left < joined:
        joined, left = left, joined
    return joined, left


@TWINS
@given(people=st.lists(memberships(), min_size=1, max_size=6), day=near)
def test_each_condition_selects_what_its_twin_says(org_a, people, day):
    with rolled_back():
        created = [
            PersonFactory(organisation=org_a, joined_on=joined, left_on=left) for joined, left in people
        ]
        for status, condition in membership.CONDITIONS.items():
            by_query = set(
                User.objects.filter(condition(day), pk__in=[p.pk for p in created]).values_list(
                    "pk", flat=True
                )
            )
            by_twin = {
                p.pk for p in created if membership.membership_on(p.joined_on, p.left_on, day) == status
            }
            assert by_query == by_twin, status
        members = {p.pk for p in created if membership.is_member_on(p.joined_on, p.left_on, day)}
        assert (
            set(
                User.objects.filter(pk__in=[p.pk for p in created])
                .active_on(day)
                .values_list("pk", flat=True)
            )
            == members
        )


@TWINS
@given(people=st.lists(memberships(), min_size=1, max_size=4), day=near)
def test_the_condition_follows_a_path_to_the_person(org_a, people, day):
    """``members_on(day, "person__")`` from a qualification, as the report asks it."""
    with rolled_back():
        qtype = QualificationType.objects.create(organisation=org_a, name="Tystnadslöfte")
        held = {}
        for joined, left in people:
            person = PersonFactory(organisation=org_a, joined_on=joined, left_on=left)
            held[Qualification.objects.create(person=person, type=qtype, issued_on=DAY).pk] = person
        by_query = set(
            Qualification.objects.filter(membership.members_on(day, "person__"), pk__in=held).values_list(
                "pk", flat=True
            )
        )
        assert by_query == {
            pk for pk, p in held.items() if membership.is_member_on(p.joined_on, p.left_on, day)
        }


def test_the_status_column_and_the_status_filter_agree(org_a, clock):
    """Someone with a date of leaving and none of joining has left: the status column says so,
    and the filter lists her under "left" only, not under "not yet joined" too."""
    day = today()
    person = PersonFactory(organisation=org_a, joined_on=None, left_on=day - datetime.timedelta(days=1))
    with translation.override("sv"):
        assert person.status_display() == "Slutat"
    listed = {
        status: User.objects.filter(condition(day), pk=person.pk).exists()
        for status, condition in membership.CONDITIONS.items()
    }
    assert listed == {membership.ACTIVE: False, membership.LEFT: True, membership.NOT_YET_JOINED: False}
