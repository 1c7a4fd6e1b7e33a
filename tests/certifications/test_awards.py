"""A completion recorded by the attendance logic awards what the course grants."""

import datetime

from certifications.models import Qualification, QualificationType
from courses.attendance import enrol, set_marks
from tests.factories import PersonFactory, make_course, make_run


def test_completing_the_study_circle_awards_grundutbildning_on_the_completion_date(org_a, coordinator_a):
    course = make_course(org_a, title="Studiecirkel för nya jourkvinnor", units=2)
    basic = QualificationType.objects.create(
        organisation=org_a, name="Grundutbildning", granted_by_course=course
    )
    QualificationType.objects.create(organisation=org_a, name="Tystnadslöfte", valid_months=12)
    run = make_run(course, datetime.date(2026, 3, 5))
    person = PersonFactory(organisation=org_a)
    enrol(run, [person])
    first, second = run.sessions.order_by("starts_at")
    set_marks(first, {person.pk: "present"}, coordinator_a)
    assert not Qualification.objects.exists()
    set_marks(second, {person.pk: "present"}, coordinator_a)
    (qualification,) = Qualification.objects.all()
    assert (qualification.person, qualification.type, qualification.issued_on) == (
        person,
        basic,
        datetime.date(2026, 3, 12),
    )
    assert qualification.source == "course_completion" and qualification.expires_on is None
    assert qualification.completion.completed_on == datetime.date(2026, 3, 12)
    # Editing marks again awards nothing twice.
    set_marks(second, {person.pk: "late"}, coordinator_a)
    assert Qualification.objects.count() == 1
    assert qualification.history.count() == 1
