"""Run inside the plugin host (``DJANGO_SETTINGS_MODULE=tests.plugin_host.settings``): migrate an
empty database from zero, make a little data, and serve the plugins' pages through Django's test
client. Prints one ``OK <name>`` line per page; any failure raises (non-zero exit status).

    PLUGIN_HOST_DB=/tmp/host.sqlite3 python -m tests.plugin_host.serve_pages
"""

import datetime
import os

import django
import time_machine

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.plugin_host.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402


def check(name: str, response, *expected: str, status: int = 200) -> None:
    body = response.content.decode()
    assert response.status_code == status, f"{name}: status {response.status_code}\n{body[:2000]}"
    for text in expected:
        assert text in body, f"{name}: {text!r} not in the response\n{body[:3000]}"
    print("OK", name, flush=True)


def main() -> None:
    assert "home" not in settings.INSTALLED_APPS and "lms" not in settings.INSTALLED_APPS
    call_command("migrate", interactive=False, verbosity=0)
    call_command("check", fail_level="ERROR")
    setup_test_environment()

    from certifications.models import QualificationType, ShiftRole, ShiftRoleRequirement
    from courses.attendance import enrol
    from courses.ical import feed_token, token_of
    from courses.models import FeedKind, LessonPage
    from tests.factories import OrganisationFactory, PersonFactory, make_course, make_run

    organisation = OrganisationFactory(name="Kvinnojouren Värdsida", slug="vardsida")
    coordinator = PersonFactory(
        organisation=organisation, email="coordinator@example.org", roles=["Coordinators"]
    )
    volunteer = PersonFactory(organisation=organisation, email="volunteer@example.org", first_name="Vera")
    course = make_course(organisation, title="Study circle", units=2)
    lesson = course.add_child(
        instance=LessonPage(
            title="Why shelters exist", slug="lesson-1", unit_number=1, summary="The history."
        )
    )
    run = make_run(course, datetime.date.today() - datetime.timedelta(days=3), title="Circle spring")
    enrol(run, [volunteer])
    session = run.sessions.order_by("starts_at").first()
    basic = QualificationType.objects.create(organisation=organisation, name="Basic training")
    phone = ShiftRole.objects.create(organisation=organisation, name="Phone shift", sort_order=1)
    ShiftRoleRequirement.objects.create(role=phone, qualification_type=basic, sort_order=0)

    anonymous, member, staff = Client(), Client(), Client()
    member.force_login(volunteer)
    staff.force_login(coordinator)

    check("course page", anonymous.get(course.url), "PLUGIN-HOST-BASE", "Study circle", "/sign-in/?next=")
    check("lesson page", member.get(lesson.url), "PLUGIN-HOST-BASE", "Why shelters exist", "The history.")
    check(
        "attendance register",
        staff.get(reverse("courses_session_register", args=[session.pk])),
        volunteer.get_full_name(),
    )
    check("clearance board", staff.get(reverse("certifications_board")), "Phone shift", "Basic training")
    feed = feed_token(volunteer, FeedKind.MY_SESSIONS)
    response = member.get(reverse("courses_calendar_feed", args=[token_of(feed)]))
    check("member calendar feed", response, "BEGIN:VCALENDAR", "Study circle")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    check("report screen", staff.get(reverse("certifications_report")), "Kvinnojouren Värdsida")
    check_person_page(staff, volunteer)
    check_evaluation_and_certificate(anonymous, member, staff, run, session, coordinator, volunteer)
    check_django_admin(anonymous, member, staff, organisation)


def check_django_admin(anonymous: Client, member: Client, staff: Client, organisation) -> None:
    """Django's own admin, as ``wagtail start`` mounts it (/django-admin/): the umbrella
    administrator's only (``User.is_staff`` is ``is_superuser``); anyone else gets its login
    page, never a server error; no plugin model is registered there (it has no organisation
    scoping)."""
    from django.contrib import admin

    from tests.factories import PersonFactory

    plugin_packages = {"jour_core", "people", "courses", "certifications", "quality"}
    registered = {model.__module__.split(".")[0] for model in admin.site._registry}
    assert not registered & plugin_packages, registered
    index = reverse("admin:index")
    login = reverse("admin:login")
    for name, client in (("anonymous", anonymous), ("volunteer", member), ("coordinator", staff)):
        response = client.get(index)
        assert response.status_code == 302 and response["Location"].startswith(login), (name, response)
        page = client.get(response["Location"])
        assert page.status_code == 200, (name, page.status_code)
    print("OK django admin refused", flush=True)
    umbrella = Client()
    umbrella.force_login(PersonFactory(email="root@example.org", organisation=None, is_superuser=True))
    check("django admin", umbrella.get(index), "/django-admin/auth/group/")
    groups = umbrella.get(reverse("admin:auth_group_changelist"))
    check("django admin group list", groups, f": {organisation.slug}")  # its coordinators


def check_person_page(staff: Client, volunteer) -> None:
    # A person's page, linked from the register (a hook: people imports no higher app); no
    # download of her data (the host's) and no invitation (no page here to choose a password).
    person_url = reverse("certifications_person", args=[volunteer.pk])
    check(
        "register links to the person page", staff.get(reverse("people_person:index")), f'href="{person_url}"'
    )
    check("person page", staff.get(person_url), "Phone shift", "Basic training is missing", "Circle spring")
    body = staff.get(person_url).content.decode()
    assert "/data/" not in body and "/invite/" not in body, body[:3000]
    check(
        "person page invitation",
        staff.get(reverse("certifications_person_invite", args=[volunteer.pk])),
        status=404,
    )


def check_evaluation_and_certificate(anonymous, member, staff, run, session, coordinator, volunteer) -> None:
    from certifications.models import Certificate
    from courses.attendance import set_marks
    from courses.models import Completion
    from quality.evaluations import questions_for

    organisation, course = run.organisation, run.course
    # She was at the first session: its evaluation, in the host's base.html and language.
    set_marks(session, {volunteer.pk: "present"}, coordinator)
    url = reverse("quality_evaluation", args=[run.pk, 1])
    check("evaluation form", member.get(url), "PLUGIN-HOST-BASE", "How satisfied are you with the session")
    answers = {f"question-{question.pk}": "4" for question in questions_for(organisation, "basic")}
    check("evaluation answered", member.post(url, answers), status=302)
    check("evaluation results", staff.get(reverse("quality_evaluations:results")), "Study circle", "1 answer")
    # A certificate: downloaded by its holder, checked by anyone in the host's base.html.
    completion = Completion.objects.create(
        person=volunteer, course=course, completed_on=datetime.date(2026, 11, 20)
    )
    response = member.get(reverse("certifications_certificate_pdf", args=[completion.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    print("OK certificate download", flush=True)
    code = Certificate.objects.get(completion=completion).code
    check(
        "certificate check",
        anonymous.get(reverse("certifications_verify", args=[code])),
        "PLUGIN-HOST-BASE",
        "Study circle",
    )


if __name__ == "__main__":
    # A fixed moment, as in the suite (tests/conftest.py): nothing may depend on the real day.
    time_machine.travel(datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC), tick=True).start()
    main()
