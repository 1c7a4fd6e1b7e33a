"""Self-paced continuing education counts its hours for clearance (issue 16): a completion of a
self-paced continuing-education course counts the course's hours (the sum of its units') on the
completion's date (courses/hours.py, certifications/clearance.py)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certifications.clearance import COURSE, Scope, clearance, trainings
from certifications.models import ShiftRole, ShiftRoleRequirement
from courses.attendance import enrol, set_marks
from courses.completion import mark_lesson_done, record_completions
from courses.hours import COURSE_HOURS, self_paced_completions
from courses.models import Completion, CourseUnit, LessonPage
from tests.certifications.conftest import qualify, train
from tests.conftest import STOCKHOLM
from tests.factories import PersonFactory, make_course, make_run

D = datetime.date


def module(org, title="Egen takt", kind="continuing", hours=("1", "1.25", "0.75")):
    """A self-paced course with a unit (and a lesson) per hours given: 3 hours by default."""
    course = make_course(org, title=title, units=len(hours), kind=kind, self_paced=True)
    for number, value in enumerate(hours, start=1):
        CourseUnit.objects.filter(course=course, number=number).update(hours=Decimal(value))
        course.add_child(instance=LessonPage(title=f"Del {number}", slug=f"del-{number}", unit_number=number))
    return course


def complete_on(clock, person, course, day):
    """She marks every lesson of ``course`` done on ``day`` (in the evening, Stockholm time)."""
    clock.move_to(datetime.datetime.combine(D.fromisoformat(day), datetime.time(21, 30), tzinfo=STOCKHOLM))
    completion = None
    for lesson in LessonPage.objects.child_of(course).live().order_by("unit_number"):
        completion = mark_lesson_done(person, lesson) or completion
    return completion


@pytest.fixture
def support(org_a, catalogue):
    """Stödjour: Grundutbildning and 3 hours of continuing education in 3 months."""
    role = ShiftRole.objects.create(
        organisation=org_a,
        name="Stödjour",
        min_training_hours=Decimal(3),
        training_window_months=3,
        sort_order=3,
    )
    ShiftRoleRequirement.objects.create(role=role, qualification_type=catalogue["basic"], sort_order=0)
    return role


@pytest.fixture
def volunteer(org_a, catalogue):
    person = PersonFactory(email="v@example.org", organisation=org_a, joined_on=D(2024, 1, 1))
    qualify(person, catalogue["basic"], "2024-01-01")
    return person


def standing(org, person, role, day):
    (found,) = [c for c in clearance(org, D.fromisoformat(day), people=[person]) if c.role == role]
    return found


def test_a_completed_three_hour_module_counts_on_its_date(clock, org_a, support, volunteer):
    course = module(org_a)
    assert course.total_hours == 3
    before = standing(org_a, volunteer, support, "2026-06-10")
    assert before.hours == 0 and before.reason_codes == ["hours:0/3"]

    completion = complete_on(clock, volunteer, course, "2026-06-10")
    assert completion.completed_on == D(2026, 6, 10)  # her local date, not UTC's
    # The window [D − 3 months, D] holds the completion on its first and last day, not after.
    assert standing(org_a, volunteer, support, "2026-06-09").reason_codes == ["hours:0/3"]
    on_the_day = standing(org_a, volunteer, support, "2026-06-10")
    assert on_the_day.cleared and on_the_day.hours == 3
    assert standing(org_a, volunteer, support, "2026-09-10").cleared  # window from 2026-06-10
    late = standing(org_a, volunteer, support, "2026-09-11")  # window from 2026-06-11
    assert late.hours == 0 and late.reason_codes == ["hours:0/3"]


def test_the_hours_add_up_with_records_and_sessions(
    clock, org_a, catalogue, support, volunteer, coordinator_a
):
    complete_on(clock, volunteer, module(org_a), "2026-06-10")
    train(org_a, [volunteer], "2026-06-01", "1.5")
    theme = make_course(org_a, title="Temadag", units=1, kind="continuing")  # 2.5 hours
    run = make_run(theme, D(2026, 6, 3))
    enrol(run, [volunteer])
    set_marks(run.sessions.get(), {volunteer.pk: "present"}, coordinator_a)
    assert standing(org_a, volunteer, support, "2026-06-20").hours == Decimal("7")
    assert standing(org_a, volunteer, catalogue["phone"], "2026-06-20").hours == Decimal("7")


def test_imported_completions_count_the_courses_hours(org_a, support, volunteer):
    course = module(org_a, hours=("0.5", "0.25"))
    record_completions([(volunteer, course, D(2026, 5, 2))])
    assert standing(org_a, volunteer, support, "2026-06-01").hours == Decimal("0.75")


def test_what_does_not_count(clock, org_a, org_b, support, volunteer, coordinator_a):
    # A self-paced basic course is not continuing education.
    complete_on(clock, volunteer, module(org_a, title="Grund", kind="basic"), "2026-06-10")
    # Nor is a completion of a course taught in runs: its attended sessions count instead.
    guided = make_course(org_a, title="Ledd", units=2, kind="continuing")
    record_completions([(volunteer, guided, D(2026, 6, 10))])
    # A self-paced course completed through a run: its attended sessions count, not the course.
    mixed = module(org_a, title="Blandad", hours=("1",))
    run = make_run(mixed, D(2026, 6, 1))
    enrol(run, [volunteer])
    set_marks(run.sessions.get(), {volunteer.pk: "present"}, coordinator_a)
    assert Completion.objects.get(person=volunteer, course=mixed).enrolment_id is not None
    # Another organisation's course (an import) does not count for her.
    record_completions([(volunteer, module(org_b, title="Deras"), D(2026, 6, 10))])
    assert Completion.objects.filter(person=volunteer).count() == 4
    assert standing(org_a, volunteer, support, "2026-06-20").hours == 1  # unit 1 of the run


def test_the_query_rows_and_the_events(clock, org_a, volunteer):
    course = module(org_a)
    complete_on(clock, volunteer, course, "2026-06-10")
    other = PersonFactory(organisation=org_a)
    record_completions([(other, course, D(2026, 8, 1))])
    rows = self_paced_completions(D(2026, 6, 1), D(2026, 7, 31), [org_a.pk]).values_list(
        "person_id", "completed_on", "course_id", COURSE_HOURS
    )
    assert list(rows) == [(volunteer.pk, D(2026, 6, 10), course.pk, Decimal(3))]
    assert not self_paced_completions(D(2026, 6, 1), D(2026, 7, 31), []).exists()
    events = trainings(Scope((org_a.pk,)), D(2026, 6, 10), D(2026, 8, 1))
    assert sorted((t.person, t.day, t.hours, t.kind, t.source) for t in events) == [
        (volunteer.pk, D(2026, 6, 10), Decimal(3), COURSE, course.pk),
        (other.pk, D(2026, 8, 1), Decimal(3), COURSE, course.pk),
    ]


def test_the_engine_takes_no_more_queries_for_completions(clock, org_a, support, volunteer):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            clearance(org_a, D(2026, 11, 22))
        return len(ctx)

    empty = count()
    course = module(org_a)
    for person in [volunteer, *PersonFactory.create_batch(4, organisation=org_a)]:
        complete_on(clock, person, course, "2026-10-01")
    assert count() == empty == 7  # roles, requirements, people, qualifications, dated hours, sessions, marks
