"""Course pages per organisation (issue 14, point 1): a coordinator sees and changes only her
organisation's course pages and their lessons, wherever Wagtail shows pages; a page's
organisation never changes through an edit; a member reads only her organisation's lessons.

``test_url_access.py`` walks every Wagtail page URL with organisation A's pages as every role;
these tests follow the paths an editor takes."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    PageViewRestriction,
    Site,
)

from courses.models import CourseIndexPage, CoursePage, LessonPage
from people.permissions import COORDINATORS_GROUP
from people.provisioning import ensure_organisations
from tests.auth import sign_in
from tests.factories import OrganisationFactory, PersonFactory, make_course

MARK = "Qwzx"  # in organisation A's page titles: must never reach organisation B


@pytest.fixture
def pages(org_a, org_b):
    course_a = make_course(org_a, title=f"Cirkel {MARK}", units=2)
    lesson_a = course_a.add_child(instance=LessonPage(title=f"Lektion {MARK}", slug="lektion", unit_number=1))
    course_b = make_course(org_b, title="Cirkel B", units=2)
    return {
        "index_a": CourseIndexPage.objects.get(organisation=org_a),
        "index_b": CourseIndexPage.objects.get(organisation=org_b),
        "course_a": course_a,
        "lesson_a": lesson_a,
        "course_b": course_b,
    }


def rich_text(text: str) -> str:
    return (
        f'{{"blocks":[{{"key":"a","type":"unstyled","text":"{text}","depth":0,'
        '"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}'
    )


def course_form(title: str, slug: str, **extra) -> dict:
    """What the course page editor posts: one unit."""
    return {
        "title": title,
        "slug": slug,
        "kind": "basic",
        "introduction": rich_text("Om kursen"),
        "how_to_join": rich_text(""),
        "max_missed_units": "0",
        "units-TOTAL_FORMS": "1",
        "units-INITIAL_FORMS": "0",
        "units-MIN_NUM_FORMS": "1",
        "units-MAX_NUM_FORMS": "1000",
        "units-0-ORDER": "1",
        "units-0-number": "1",
        "units-0-title": "Första träffen",
        "units-0-hours": "2.5",
        "units-0-learning_goals": "",
        "action-publish": "action-publish",
        **extra,
    }


# What an organisation is given ------------------------------------------------------------------


def test_a_new_organisation_gets_its_course_index_group_and_collection(db):
    organisation = OrganisationFactory(name="Kvinnojouren Ny", slug="ny")
    organisation.refresh_from_db()
    index = CourseIndexPage.objects.get(organisation=organisation)
    assert index.live and index.title == "Utbildningar – Kvinnojouren Ny"
    assert index.get_parent().pk == Site.objects.get(is_default_site=True).root_page_id
    group = organisation.coordinators_group
    assert group.name == f"{COORDINATORS_GROUP}: ny"
    granted = set(
        GroupPagePermission.objects.filter(group=group, page=index).values_list(
            "permission__codename", flat=True
        )
    )
    assert granted == {"add_page", "change_page", "publish_page"}
    assert not GroupPagePermission.objects.filter(group=group).exclude(page=index).exists()
    assert organisation.collection.name == "Kvinnojouren Ny"
    assert organisation.collection.get_parent() == Collection.get_first_root_node()
    collection_rights = set(
        GroupCollectionPermission.objects.filter(group=group, collection=organisation.collection).values_list(
            "permission__codename", flat=True
        )
    )
    assert collection_rights == {
        f"{action}_{model}"
        for action in ("add", "change", "choose", "delete")
        for model in ("document", "image")
    }
    # A rename renames its group's collection; its group keeps the slug.
    organisation.name = "Kvinnojouren Nyare"
    organisation.save()
    organisation.collection.refresh_from_db()
    assert organisation.collection.name == "Kvinnojouren Nyare"


def test_the_coordinators_group_holds_exactly_the_organisations_coordinators(org_a, org_b):
    coordinators = Group.objects.get(name=COORDINATORS_GROUP)
    group_a, group_b = org_a.coordinators_group, org_b.coordinators_group
    anna = PersonFactory(organisation=org_a)
    assert not anna.groups.filter(pk=group_a.pk).exists()
    anna.groups.add(coordinators)  # given the role
    assert set(anna.groups.all()) == {coordinators, group_a}
    anna.organisation = org_b  # moved to another organisation
    anna.save()
    assert set(anna.groups.all()) == {coordinators, group_b}
    coordinators.user_set.remove(anna)  # the role taken away, from the group's side
    assert list(anna.groups.all()) == []
    group_a.user_set.add(anna)  # put by hand in another organisation's group: taken out again
    assert list(anna.groups.all()) == []
    anna.groups.set([coordinators])
    anna.groups.clear()
    assert list(anna.groups.all()) == []


def test_migrate_takes_page_permissions_away_from_the_shared_role_groups(pages, coordinator_b, client):
    """The landed demo gave the shared Coordinators group rights on the one course index: every
    coordinator could edit every organisation's courses. ``migrate`` removes such rights."""
    coordinators = Group.objects.get(name=COORDINATORS_GROUP)
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=coordinators,
            page=pages["index_a"],
            permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
        )
    sign_in(client, coordinator_b)
    edit = reverse("wagtailadmin_pages:edit", args=[pages["course_a"].pk])
    assert client.get(edit).status_code == 200  # the hole, reproduced
    ensure_organisations(apps=apps)
    assert not GroupPagePermission.objects.filter(group=coordinators).exists()
    response = client.get(edit)
    assert response.status_code == 302 and MARK not in response.content.decode()


def test_an_existing_index_takes_the_organisation_of_its_courses(org_a, org_b):
    migration = importlib.import_module("courses.migrations.0004_course_index_organisation")
    home = Site.objects.get(is_default_site=True).root_page
    mixed = home.add_child(instance=CourseIndexPage(title="Blandat", slug="blandat"))
    lone = home.add_child(instance=CourseIndexPage(title="Bara A", slug="bara-a"))
    make_course(org_b, title="B", units=1).move(mixed, pos="last-child")
    make_course(org_a, title="A2", units=1).move(mixed, pos="last-child")
    make_course(org_a, title="A3", units=1).move(lone, pos="last-child")
    migration.index_organisation_from_its_courses(apps, None)
    assert CourseIndexPage.objects.get(pk=mixed.pk).organisation_id is None  # two organisations' courses
    assert CourseIndexPage.objects.get(pk=lone.pk).organisation_id == org_a.pk


# Editing: the organisation comes from the index, and stays ------------------------------------------


def test_a_coordinator_edits_her_courses_and_no_one_elses(pages, coordinator_a, coordinator_b, client):
    sign_in(client, coordinator_b)
    for page in (pages["course_a"], pages["lesson_a"]):
        for name in ("edit", "history", "set_privacy", "usage", "unpublish", "delete", "copy", "move"):
            response = client.get(reverse(f"wagtailadmin_pages:{name}", args=[page.pk]))
            assert response.status_code in (302, 403), (name, response.status_code)
            assert MARK not in response.content.decode()
    assert client.get(reverse("wagtailadmin_pages:edit", args=[pages["course_b"].pk])).status_code == 200
    # A tampered edit posted to A's course changes nothing.
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[pages["course_a"].pk]),
        course_form("Kapad", pages["course_a"].slug),
    )
    assert response.status_code in (302, 403)
    assert CoursePage.objects.get(pk=pages["course_a"].pk).title == f"Cirkel {MARK}"

    client.logout()
    sign_in(client, coordinator_a)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[pages["lesson_a"].pk])).status_code == 200
    assert client.get(reverse("wagtailadmin_explore_root"))["Location"] == reverse(
        "wagtailadmin_explore", args=[pages["index_a"].pk]
    )
    response = client.get(reverse("wagtailadmin_explore", args=[pages["index_a"].pk]))
    assert MARK in response.content.decode() and "Cirkel B" not in response.content.decode()


def test_the_organisation_of_a_course_is_its_indexs_whatever_is_posted(
    pages, coordinator_a, superuser, client, org_b
):
    sign_in(client, coordinator_a)
    course = pages["course_a"]
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[course.pk]),
        course_form("Cirkel ändrad", course.slug, organisation=org_b.pk),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    course = CoursePage.objects.get(pk=course.pk)
    assert (course.title, course.organisation_id) == ("Cirkel ändrad", pages["index_a"].organisation_id)
    # A new course under her index is her organisation's, even when the administrator posts another.
    client.logout()
    sign_in(client, superuser)
    add = reverse("wagtailadmin_pages:add", args=["jour_courses", "coursepage", pages["index_a"].pk])
    response = client.post(add, course_form("Ny kurs", "ny-kurs", organisation=org_b.pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CoursePage.objects.get(slug="ny-kurs").organisation_id == pages["index_a"].organisation_id


def test_no_course_can_be_added_under_an_index_without_an_organisation(db, superuser):
    home = Site.objects.get(is_default_site=True).root_page
    shared = home.add_child(instance=CourseIndexPage(title="Gemensamt", slug="gemensamt"))
    assert not CoursePage.can_create_at(shared)


def test_a_course_cannot_be_moved_to_another_organisations_index(pages, superuser, client):
    sign_in(client, superuser)
    course = pages["course_a"]
    url = reverse("wagtailadmin_pages:move_confirm", args=[course.pk, pages["index_b"].pk])
    response = client.get(url, follow=True)
    assert (
        f"{course.title} tillhör en annan förening än {pages['index_b'].title}" in response.content.decode()
    )
    client.post(url)
    course = CoursePage.objects.get(pk=course.pk)
    assert (
        course.get_parent().pk == pages["index_a"].pk and course.organisation == pages["index_a"].organisation
    )
    # Nor its lesson, to another organisation's course; nor both at once from the explorer.
    lesson = pages["lesson_a"]
    client.post(reverse("wagtailadmin_pages:move_confirm", args=[lesson.pk, pages["course_b"].pk]))
    assert LessonPage.objects.get(pk=lesson.pk).get_parent().pk == course.pk
    bulk = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "move"])
    client.post(f"{bulk}?id={course.pk}", {"chooser": pages["index_b"].pk})
    assert CoursePage.objects.get(pk=course.pk).get_parent().pk == pages["index_a"].pk


def test_a_copy_belongs_to_the_organisation_it_is_copied_to(pages, superuser, client):
    sign_in(client, superuser)
    response = client.post(
        reverse("wagtailadmin_pages:copy", args=[pages["course_a"].pk]),
        {"new_title": "Kopia", "new_slug": "kopia", "new_parent_page": pages["index_b"].pk},
    )
    assert response.status_code == 302
    assert CoursePage.objects.get(slug="kopia").organisation == pages["index_b"].organisation


def test_a_coordinator_cannot_delete_her_organisations_index(pages, coordinator_a, client):
    sign_in(client, coordinator_a)
    index = pages["index_a"]
    empty = make_course(index.organisation, title="Tom", units=1)
    client.post(reverse("wagtailadmin_pages:delete", args=[empty.pk]))  # a course without runs: fine
    assert not CoursePage.objects.filter(pk=empty.pk).exists()
    client.post(reverse("wagtailadmin_pages:delete", args=[index.pk]))
    assert CourseIndexPage.objects.filter(pk=index.pk).exists()


# Seeing: choosers, search, the API ---------------------------------------------------------------


def test_choosers_search_and_the_api_leave_out_other_organisations_pages(pages, coordinator_b, client):
    sign_in(client, coordinator_b)
    home = Site.objects.get(is_default_site=True).root_page
    urls = [
        reverse("wagtailadmin_choose_page_search") + "?q=Cirkel",
        reverse("wagtailadmin_choose_page_child", args=[home.pk]),
        reverse("wagtailadmin_choose_page"),
        reverse("wagtailadmin_pages:search") + "?q=Cirkel",
        reverse("wagtailadmin_explore_results", args=[pages["index_b"].pk]) + "?q=Cirkel&search_all=1",
        "/admin/api/main/pages/?search=Cirkel",
        f"/admin/api/main/pages/?child_of={pages['index_a'].pk}",
        "/admin/reports/locked/",
        "/admin/reports/aging-pages/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 302, 400, 404), (url, response.status_code)
        assert MARK not in response.content.decode(), url
    listing = client.get(reverse("wagtailadmin_choose_page_child", args=[home.pk])).json()["html"]
    assert pages["index_b"].title in listing
    for page in (pages["index_a"], pages["course_a"], pages["lesson_a"]):
        assert client.get(reverse("wagtailadmin_choose_page_child", args=[page.pk])).status_code == 404


# Reading: lessons are for the members of their organisation -------------------------------------------


def test_a_lesson_is_read_by_the_members_of_its_organisation_only(
    pages, volunteer_a, org_b, superuser, client
):
    lesson = pages["lesson_a"]
    assert client.get(lesson.url)["Location"].startswith("/accounts/login/")
    volunteer_b = PersonFactory(organisation=org_b)
    sign_in(client, volunteer_b)
    response = client.get(lesson.url)
    assert response.status_code == 404 and MARK not in response.content.decode()
    for reader in (volunteer_a, superuser):
        client.logout()
        sign_in(client, reader)
        assert client.get(lesson.url).status_code == 200
    # An editor may make a lesson public: then it is public.
    PageViewRestriction.objects.filter(page=lesson).delete()
    client.logout()
    sign_in(client, volunteer_b)
    assert client.get(lesson.url).status_code == 200


def test_the_course_page_itself_stays_public(pages, client):
    assert client.get(pages["course_a"].url).status_code == 200
    assert Page.objects.get(pk=pages["course_a"].pk).live
