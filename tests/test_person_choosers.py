"""Issue 18: every person chooser offers the members on the day the record is about (people who
have left, or not yet joined, are not offered), keeps the person already chosen when she has
left since (an old record can still be edited), and lists names in Swedish order."""

import datetime

import pytest
from django.urls import reverse

from certifications.models import Qualification, QualificationType, TrainingRecord
from courses.models import CourseRun
from quality.models import Action
from tests.auth import sign_in
from tests.factories import PersonFactory, make_course, make_run

#: (the screen's URL name, its arguments' fixture, the chooser's field)
CHOOSERS = [
    ("certifications_training:add", None, "attendees"),
    ("certifications_qualification:add", None, "person"),
    ("courses_run:add", None, "leaders"),
    ("quality_action:add", None, "responsible"),
    ("courses_run_enrol", "run", "people"),
]


@pytest.fixture
def people(org_a, org_b):
    return {
        "member": PersonFactory(organisation=org_a, first_name="Åsa", last_name="Medlem"),
        "member2": PersonFactory(organisation=org_a, first_name="Anna", last_name="Medlem"),
        "left": PersonFactory(
            organisation=org_a, first_name="Lena", last_name="Slutat", left_on=datetime.date(2026, 6, 30)
        ),
        "coming": PersonFactory(organisation=org_a, last_name="Ny", joined_on=datetime.date(2027, 1, 1)),
        "foreign": PersonFactory(organisation=org_b, last_name="Annan"),
    }


def offered(client, name, args, field):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200, name
    return list(response.context["form"].fields[field].queryset)


def test_every_chooser_offers_the_members_of_the_day_in_swedish_order(client, coordinator_a, org_a, people):
    run = make_run(make_course(org_a), datetime.date(2026, 3, 5))
    sign_in(client, coordinator_a)
    for name, args, field in CHOOSERS:
        choices = offered(client, name, [run.pk] if args else [], field)
        assert people["member"] in choices and people["member2"] in choices, name
        for gone in ("left", "coming", "foreign"):
            assert people[gone] not in choices, (name, gone)
        names = [p for p in choices if p.last_name == "Medlem"]
        assert names == [people["member2"], people["member"]], name  # Anna before Åsa


def test_a_record_of_a_day_she_was_a_member_offers_her_and_keeps_her(client, coordinator_a, org_a, people):
    sign_in(client, coordinator_a)
    left = people["left"]
    posted = {"title": "Barnkonferens", "provider": "Roks", "date": "2026-06-01", "hours": "6"}
    response = client.post(reverse("certifications_training:add"), {**posted, "attendees": [left.pk]})
    assert response.status_code == 302, response.content.decode()[:2000]
    record = TrainingRecord.objects.get()
    # Today she has left, but the record's own attendee stays offered on its edit form.
    assert left in offered(client, "certifications_training:edit", [record.pk], "attendees")
    refused = client.post(
        reverse("certifications_training:add"), {**posted, "date": "2026-10-01", "attendees": [left.pk]}
    )
    assert refused.status_code == 200 and TrainingRecord.objects.count() == 1
    assert "Välj bland dem som visas: föreningens medlemmar den dagen" in refused.content.decode()

    qtype = QualificationType.objects.create(organisation=org_a, name="Grundutbildning")
    qualification = Qualification.objects.create(person=left, type=qtype, issued_on=datetime.date(2026, 5, 1))
    assert left in offered(client, "certifications_qualification:edit", [qualification.pk], "person")
    run = make_run(make_course(org_a), datetime.date(2026, 3, 5))
    run.leaders.add(left)
    assert left in offered(client, "courses_run:edit", [run.pk], "leaders")
    assert CourseRun.objects.count() == 1
    action = Action.objects.create(
        organisation=org_a,
        title="Rutin",
        finding="F",
        action="A",
        responsible=left,
        due_on=datetime.date(2026, 12, 1),
    )
    assert left in offered(client, "quality_action:edit", [action.pk], "responsible")
