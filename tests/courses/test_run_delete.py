"""Deleting runs: only without records, and never by a coordinator."""

import pytest
from django.urls import reverse

from courses.attendance import enrol, set_marks
from courses.models import CourseRun
from tests.auth import sign_in
from tests.factories import PersonFactory


@pytest.mark.django_db
def test_a_run_with_attendance_cannot_be_deleted(client, run, org_a, superuser, coordinator_a):
    person = PersonFactory(organisation=org_a)
    enrol(run, [person])
    set_marks(run.sessions.first(), {person.pk: "present"}, coordinator_a)
    sign_in(client, coordinator_a)
    assert client.post(reverse("courses_run:delete", args=[run.pk])).status_code == 302
    assert CourseRun.objects.filter(pk=run.pk).exists()  # coordinators may not delete runs
    sign_in(client, superuser)
    response = client.post(reverse("courses_run:delete", args=[run.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("courses_run_overview", args=[run.pk])
    assert CourseRun.objects.filter(pk=run.pk).exists()


@pytest.mark.django_db
def test_a_run_without_records_can_be_deleted_by_a_superuser(client, run, superuser):
    sign_in(client, superuser)
    assert client.get(reverse("courses_run:delete", args=[run.pk])).status_code == 200  # asks first
    assert client.post(reverse("courses_run:delete", args=[run.pk])).status_code == 302
    assert not CourseRun.objects.filter(pk=run.pk).exists()


@pytest.mark.django_db
def test_a_course_page_with_runs_cannot_be_deleted(client, run, superuser):
    from courses.models import CoursePage

    sign_in(client, superuser)
    for method in (client.get, client.post):
        response = method(reverse("wagtailadmin_pages:delete", args=[run.course.pk]))
        assert response.status_code == 302
    assert CoursePage.objects.filter(pk=run.course.pk).exists()
    # Nor its course index (the course is among the descendants).
    index = run.course.get_parent()
    assert client.post(reverse("wagtailadmin_pages:delete", args=[index.pk])).status_code == 302
    assert CoursePage.objects.filter(pk=run.course.pk).exists()
