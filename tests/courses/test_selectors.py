"""The member overview (courses/selectors.py), the lessons of courses and the calendar link,
called directly rather than through the page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.attendance import enrol, record_makeup, save_session, set_marks, withdraw
from courses.ical import feed_link, feed_token, token_of, webcal
from courses.models import CoursePage, Enrolment, FeedKind, LessonPage, Mark, SessionStatus
from courses.selectors import member_overview
from tests.factories import PersonFactory, make_course, make_run


def add_lessons(course, numbers, live=True):
    lessons = []
    for number in numbers:
        lesson = LessonPage(
            title=f"{course.title} {number}", slug=f"{course.slug}-{number}", unit_number=number, live=live
        )
        lessons.append(course.add_child(instance=lesson))
    return lessons


@pytest.fixture
def circle(org_a, coordinator_a):
    """Sara in a run that began four weeks ago (units 1-4 held, unit 3 missed), and a later run
    of the same course; the course has lessons for units 1-3."""
    course = make_course(org_a, title="Cirkel")
    add_lessons(course, [1, 2, 3])
    today = timezone.localdate()
    run = make_run(course, today - datetime.timedelta(weeks=4) + datetime.timedelta(days=1), title="Nu")
    later = make_run(course, today + datetime.timedelta(weeks=10), title="Sen")
    sara = PersonFactory(first_name="Sara", organisation=org_a)
    enrol(run, [sara])
    held = list(run.sessions.order_by("starts_at"))[:4]
    for session, mark in zip(held, [Mark.PRESENT, Mark.LATE, Mark.EXCUSED, Mark.PRESENT], strict=True):
        set_marks(session, {sara.pk: mark}, coordinator_a)
    return {"course": course, "run": run, "later": later, "sara": sara}


@pytest.mark.awkward_moments
def test_the_overview_shows_her_run_missing_unit_its_lesson_and_where_to_make_it_up(circle):
    overview = member_overview(circle["sara"])
    (entry,) = overview.runs
    assert entry.course == circle["course"] and entry.progress.done == 3
    assert [u.unit.number for u in entry.units if u.unit.is_missing] == [3]
    unit3 = entry.units[2]
    assert unit3.lesson.title == "Cirkel 3" and unit3.booked is None
    assert [s.run for s in unit3.alternatives] == [circle["later"]]
    assert entry.units[3].lesson is None  # no lesson page for unit 4
    assert [s.unit_number for s in overview.upcoming] == [5, 6, 7, 8]
    assert [s.lesson for s in overview.upcoming] == [None] * 4


def test_her_next_sessions_are_those_of_sessions_for_person(circle, coordinator_a, org_a):
    sara, run, later = circle["sara"], circle["run"], circle["later"]
    enrolment = Enrolment.objects.get(run=run, person=sara)
    makeup_session = later.sessions.get(unit_number=3)
    record_makeup(enrolment, 3, coordinator_a, session=makeup_session)
    fifth = run.sessions.get(unit_number=5)
    fifth.status, fifth.cancel_reason = SessionStatus.CANCELLED, "Sjuk"
    save_session(fifth)
    overview = member_overview(sara)
    # A cancelled session stays, marked (issue 18: it used to disappear).
    assert [s.unit_number for s in overview.upcoming] == [5, 6, 7, 8, 3]
    assert overview.upcoming[0].is_cancelled and overview.upcoming[0].cancel_reason == "Sjuk"
    assert overview.upcoming[-1] == makeup_session
    assert overview.upcoming[-1].lesson.title == "Cirkel 3"
    (entry,) = overview.runs
    assert entry.units[2].booked.session == makeup_session

    leader = PersonFactory(organisation=org_a)
    later.leaders.add(leader)
    assert [s.run for s in member_overview(leader).upcoming] == [later] * 8
    assert member_overview(leader).runs == []


def test_a_withdrawn_run_is_left_out(circle):
    withdraw(Enrolment.objects.get(run=circle["run"], person=circle["sara"]))
    overview = member_overview(circle["sara"])
    assert overview.runs == [] and overview.upcoming == []


def test_the_overview_at_another_moment(circle):
    """``now`` decides what is still to come."""
    last = circle["run"].sessions.order_by("starts_at").last()
    overview = member_overview(circle["sara"], now=last.starts_at + datetime.timedelta(minutes=1))
    assert overview.upcoming == []
    (entry,) = overview.runs
    assert entry.units[2].alternatives == [circle["later"].sessions.get(unit_number=3)]


def test_self_paced_courses_and_completions(circle, org_a, org_b):
    own = make_course(org_a, title="Chatt", units=2, kind="continuing", self_paced=True)
    add_lessons(own, [1, 2])
    make_course(org_b, title="Deras", units=1, self_paced=True)
    overview = member_overview(circle["sara"])
    (item,) = overview.self_paced
    assert item.course == own and [lesson.unit_number for lesson in item.lessons] == [1, 2]
    assert overview.completions == []


def test_the_overview_takes_the_same_queries_for_more_courses(circle, org_a):
    sara = circle["sara"]
    with CaptureQueriesContext(connection) as one_course:
        member_overview(sara)
    for title in ("Andra", "Tredje"):
        course = make_course(org_a, title=title, units=3)
        add_lessons(course, [1, 2, 3])
        enrol(make_run(course, timezone.localdate() + datetime.timedelta(days=3), title=title), [sara])
    with CaptureQueriesContext(connection) as three_courses:
        overview = member_overview(sara)
    assert len(overview.runs) == 3
    assert len(three_courses) == len(one_course)


def test_lessons_of_courses_in_one_query(org_a):
    first, second = make_course(org_a, title="Ett", units=3), make_course(org_a, title="Två", units=3)
    add_lessons(first, [2, 1])
    add_lessons(second, [1], live=False)  # a draft: not shown
    (shown,) = add_lessons(second, [3])
    with CaptureQueriesContext(connection) as queries:
        lessons = CoursePage.lessons_of([first, second])
    assert len(queries) == 1
    assert [lesson.unit_number for lesson in lessons[first.pk]] == [1, 2]
    assert lessons[second.pk] == [shown]
    assert CoursePage.lessons_of([]) == {}
    assert second.lessons_by_unit() == {3: shown}
    assert CoursePage.lessons_by_unit_of([first])[first.pk][2].title == "Ett 2"


def test_the_calendar_link_and_its_webcal_form(volunteer_a):
    feed = feed_token(volunteer_a, FeedKind.MY_SESSIONS)
    link = feed_link(feed, "https://jour.example/")
    assert link.url == f"https://jour.example/kurser/kalender/{token_of(feed)}.ics"
    assert link.webcal == f"webcal://jour.example/kurser/kalender/{token_of(feed)}.ics"
    assert webcal("http://localhost:8000/x.ics") == "webcal://localhost:8000/x.ics"
