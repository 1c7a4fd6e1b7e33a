"""Course pages: the public course page with its units, lessons for members only."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Page, PageViewRestriction

from courses.models import CourseIndexPage, CoursePage, CourseUnit, LessonPage
from people.models import User
from tests.auth import sign_in


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def course(demo):
    return CoursePage.objects.get(title="Studiecirkel för nya jourkvinnor")


def test_study_circle_has_eight_units_of_two_and_a_half_hours(course):
    units = course.ordered_units()
    assert [u.number for u in units] == list(range(1, 9))
    assert {u.hours for u in units} == {Decimal("2.5")}
    assert course.total_hours == Decimal("20")
    assert course.is_basic


def test_public_course_page_lists_the_units_and_how_to_join(client, course):
    response = client.get(course.url)
    assert response.status_code == 200
    html = response.content.decode()
    for unit in course.ordered_units():
        assert unit.title in html
    assert "20" in html
    assert "Skicka ett mejl till föreningen" in html  # how to join
    # Anonymous visitors see no links into the lessons.
    for lesson in LessonPage.objects.child_of(course):
        assert f'href="{lesson.url}"' not in html


def test_hours_are_shown_without_trailing_zeros_in_swedish(client, course):
    html = client.get(course.url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "2,5" in html and "2,50" not in html


def test_lesson_requires_login_and_shows_to_a_member(client, course):
    lesson = LessonPage.objects.child_of(course).get(unit_number=3)
    response = client.get(lesson.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")

    sign_in(client, User.objects.get(email="volontar1@example.org"))
    response = client.get(lesson.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Feminism, kvinnoseparatism och maktordningen" in html
    assert "Att samtala om" in html  # the discussion questions
    assert "Läs mer" in html  # the reading list
    assert f'href="{course.url}"' in html
    # Links to the previous and next lessons.
    assert 'rel="prev"' in html and 'rel="next"' in html


def test_course_page_links_lessons_for_logged_in_members(client, course):
    sign_in(client, User.objects.get(email="volontar2@example.org"))
    html = client.get(course.url).content.decode()
    for lesson in LessonPage.objects.child_of(course):
        assert f'href="{lesson.url}"' in html


def test_new_lesson_gets_a_login_restriction(course):
    lesson = course.add_child(instance=LessonPage(title="Extra", slug="extra", unit_number=8))
    assert PageViewRestriction.objects.filter(page=lesson, restriction_type="login").exists()


def test_no_duplicate_restriction_under_a_restricted_ancestor(course):
    PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.LOGIN)
    lesson = course.add_child(instance=LessonPage(title="Extra", slug="extra", unit_number=8))
    assert not PageViewRestriction.objects.filter(page=lesson).exists()


def test_course_index_lists_published_courses(client, demo):
    index = CourseIndexPage.objects.get()
    html = client.get(index.url).content.decode()
    assert "Studiecirkel för nya jourkvinnor" in html
    assert "Stödsamtal i chatten – fördjupning" in html


def test_course_editor_refuses_duplicate_unit_numbers(client, course):
    """The page editor validates unit numbers through the course's form."""
    admin = User.objects.get(email="admin@example.org")
    sign_in(client, admin)
    units = list(course.units.all())
    data = {
        "title": course.title,
        "slug": course.slug,
        "organisation": course.organisation_id,
        "kind": "basic",
        "introduction": '{"blocks":[{"key":"a","type":"unstyled","text":"Intro","depth":0,'
        '"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}',
        "how_to_join": '{"blocks":[],"entityMap":{}}',
        "max_missed_units": "0",
        "units-TOTAL_FORMS": str(len(units)),
        "units-INITIAL_FORMS": str(len(units)),
        "units-MIN_NUM_FORMS": "1",
        "units-MAX_NUM_FORMS": "1000",
    }
    for i, unit in enumerate(units):
        data.update(
            {
                f"units-{i}-id": unit.pk,
                f"units-{i}-ORDER": i + 1,
                f"units-{i}-number": unit.number,
                f"units-{i}-title": unit.title,
                f"units-{i}-hours": "2.5",
                f"units-{i}-learning_goals": unit.learning_goals,
            }
        )
    url = reverse("wagtailadmin_pages:edit", args=[course.pk])
    duplicate = {**data, "units-1-number": "1"}  # units 1 and 2 both numbered 1
    response = client.post(url, duplicate)
    assert response.status_code == 200
    assert "number" in response.context["form"].formsets["units"].forms[1].errors
    assert CourseUnit.objects.filter(course=course, number=2).exists()
    # The same form without the duplicate saves.
    assert client.post(url, data).status_code == 302


def test_page_tree_is_course_index_then_course_then_lesson(course):
    assert CoursePage.allowed_parent_page_models() == [CourseIndexPage]
    assert LessonPage.allowed_parent_page_models() == [CoursePage]
    assert Page.objects.type(LessonPage).descendant_of(course).count() == 8
