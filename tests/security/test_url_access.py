"""Who reaches which URL: every URL pattern of the project, walked as each role.

The roles: anonymous; a volunteer (the member area only, her own records); the coordinator of
another organisation; the coordinator (her organisation's records, the admin); a board member
(reports and read-only lists of her organisation); the umbrella administrator (superuser, all
organisations).

The patterns come from the resolver, so a new view cannot be forgotten: a project pattern
missing from ``EXPECTED`` fails the walk, and so does an entry that no longer matches a pattern.
Object URLs are filled with organisation A's objects; the other organisation's coordinator must
get 404 for every one of them (never 403, never the data). Wagtail's and Django's own URLs are
walked too, with dummy ids: anonymous people and volunteers never get admin content, the board
opens only the Wagtail screens listed in ``BOARD_WAGTAIL``, organisation A's names never reach
organisation B, and no role ever gets a server error. Every URL a role is refused is also
POSTed with data that would change something: it stays refused and no row changes. The tests at
the end post tampered forms (another organisation's id in a field).

Sign in only with ``tests.auth.sign_in`` (it passes the two-step verification staff need).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.contrib.messages import constants as message_levels
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone
from wagtail.admin.viewsets import viewsets as admin_viewsets
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.log_actions import log
from wagtail.models import PageViewRestriction

from certifications.certificates import issue_certificate
from certifications.models import (
    Certificate,
    FrozenReport,
    Qualification,
    QualificationType,
    ShiftRole,
    ShiftRoleRequirement,
    TrainingRecord,
)
from courses.attendance import enrol
from courses.ical import feed_token, token_of
from courses.models import (
    Attendance,
    Completion,
    CourseIndexPage,
    CoursePage,
    CourseRun,
    Enrolment,
    FeedKind,
    LessonCompletion,
    LessonPage,
    MakeUp,
    Session,
    Theme,
)
from people.importing import keep_pending_import
from people.models import Organisation, PendingImport, Person, User
from quality.models import (
    Action,
    EvaluationQuestion,
    EvaluationReceipt,
    EvaluationResponse,
    FrozenReview,
    PlanItem,
)
from quality.review import freeze_review, quality_review
from tests.auth import sign_in
from tests.factories import PersonFactory, make_course, make_run

PROJECT_APPS = ("jour_core", "people", "courses", "certifications", "quality", "home", "lms")

# Outcome classes of one request.
OK = "ok"  # 200 (or 304): the page, the file
REDIRECT = "redirect"  # 302 somewhere else than a login page or the permission-denied dashboard
LOGIN = "login"  # 302 to the site's or the admin's login page
DENIED = "denied"  # 403, or Wagtail's 302 to the dashboard with "you do not have permission"
NOT_FOUND = "404"
NOT_ALLOWED = "405"  # a POST-only view asked with GET

ROLES = ("anonymous", "volunteer", "other_coordinator", "coordinator", "board", "superuser")
REFUSED = {LOGIN, DENIED, NOT_FOUND, NOT_ALLOWED}


def admin(other_coordinator: str, coordinator: str, board: str, superuser: str) -> dict[str, str]:
    """An admin screen: Wagtail sends anonymous people and volunteers (no admin access) to the
    admin's login page."""
    return {
        "anonymous": LOGIN,
        "volunteer": LOGIN,
        "other_coordinator": other_coordinator,
        "coordinator": coordinator,
        "board": board,
        "superuser": superuser,
    }


def site(*outcomes: str) -> dict[str, str]:
    return dict(zip(ROLES, outcomes, strict=True))


#: Every URL pattern of the project's own views, by URL name: what each role gets for a GET
#: with organisation A's objects in the URL. Decisions: the board reads runs, the attendance
#: matrix, the register of people, competence lists, the clearance board and the report (and may
#: freeze it); it changes nothing. An organisation-wide calendar link is one organisation's: the
#: umbrella administrator (who has none of her own) gets the first one's and may choose another.
EXPECTED: dict[str, dict[str, str]] = {
    # The people register and its import.
    "people_person:index": admin(OK, OK, OK, OK),
    "people_person:index_results": admin(OK, OK, OK, OK),
    "people_person:add": admin(OK, OK, DENIED, OK),
    "people_person:edit": admin(NOT_FOUND, OK, DENIED, OK),
    "people_person:delete": admin(NOT_FOUND, DENIED, DENIED, OK),
    "people_person:history": admin(NOT_FOUND, OK, DENIED, OK),
    "people_person:history_results": admin(NOT_FOUND, OK, DENIED, OK),
    "people_person:usage": admin(NOT_FOUND, OK, DENIED, OK),
    "people_person:inspect": admin(NOT_FOUND, OK, OK, OK),
    "people_person:changes": admin(NOT_FOUND, OK, DENIED, OK),
    "people_import": admin(OK, OK, DENIED, OK),
    "people_import_template": admin(OK, OK, DENIED, OK),
    # Wagtail's site history, in front of Wagtail's own: it spans every organisation.
    "people_site_history": admin(DENIED, DENIED, DENIED, OK),
    "people_site_history_results": admin(DENIED, DENIED, DENIED, OK),
    # Wagtail's page types usage report names pages of the whole site: likewise.
    "people_page_types_usage": admin(DENIED, DENIED, DENIED, OK),
    "people_page_types_usage_results": admin(DENIED, DENIED, DENIED, OK),
    # Organisations: the umbrella administrator's.
    "people_organisation:index": admin(DENIED, DENIED, DENIED, OK),
    "people_organisation:index_results": admin(DENIED, DENIED, DENIED, OK),
    "people_organisation:add": admin(DENIED, DENIED, DENIED, OK),
    "people_organisation:edit": admin(DENIED, DENIED, DENIED, OK),
    "people_organisation:delete": admin(DENIED, DENIED, DENIED, OK),
    "people_organisation:history": admin(DENIED, DENIED, DENIED, OK),
    "people_organisation:history_results": admin(DENIED, DENIED, DENIED, OK),
    "people_organisation:usage": admin(DENIED, DENIED, DENIED, OK),
    # Runs and their screens.
    "courses_run:index": admin(OK, OK, OK, OK),
    "courses_run:index_results": admin(OK, OK, OK, OK),
    "courses_run:add": admin(OK, OK, DENIED, OK),
    "courses_run:edit": admin(NOT_FOUND, OK, DENIED, OK),
    "courses_run:delete": admin(NOT_FOUND, DENIED, DENIED, OK),
    "courses_run:history": admin(NOT_FOUND, OK, DENIED, OK),
    "courses_run:history_results": admin(NOT_FOUND, OK, DENIED, OK),
    "courses_run:usage": admin(NOT_FOUND, OK, DENIED, OK),
    "courses_run_overview": admin(NOT_FOUND, OK, OK, OK),
    "courses_run_enrol": admin(NOT_FOUND, OK, DENIED, OK),
    "courses_session_add": admin(NOT_FOUND, OK, DENIED, OK),
    "courses_session_edit": admin(NOT_FOUND, OK, DENIED, OK),
    "courses_session_register": admin(NOT_FOUND, OK, DENIED, OK),
    "courses_session_check_in": admin(NOT_FOUND, OK, DENIED, OK),
    "courses_enrolment_withdraw": admin(NOT_FOUND, OK, DENIED, OK),
    "courses_enrolment_makeup": admin(NOT_FOUND, OK, DENIED, OK),
    "courses_run_calendar": admin(NOT_FOUND, OK, OK, OK),
    "courses_organisation_calendar": admin(OK, OK, OK, OK),
    # Competence.
    "certifications_qualification:index": admin(OK, OK, OK, OK),
    "certifications_qualification:index_results": admin(OK, OK, OK, OK),
    "certifications_qualification:add": admin(OK, OK, DENIED, OK),
    "certifications_qualification:edit": admin(NOT_FOUND, OK, DENIED, OK),
    "certifications_qualification:delete": admin(NOT_FOUND, DENIED, DENIED, OK),
    "certifications_qualification:history": admin(NOT_FOUND, OK, DENIED, OK),
    "certifications_qualification:history_results": admin(NOT_FOUND, OK, DENIED, OK),
    "certifications_qualification:usage": admin(NOT_FOUND, OK, DENIED, OK),
    "certifications_training:index": admin(OK, OK, OK, OK),
    "certifications_training:index_results": admin(OK, OK, OK, OK),
    "certifications_training:add": admin(OK, OK, DENIED, OK),
    "certifications_training:edit": admin(NOT_FOUND, OK, DENIED, OK),
    "certifications_training:delete": admin(NOT_FOUND, OK, DENIED, OK),
    "certifications_training:history": admin(NOT_FOUND, OK, DENIED, OK),
    "certifications_training:history_results": admin(NOT_FOUND, OK, DENIED, OK),
    "certifications_training:usage": admin(NOT_FOUND, OK, DENIED, OK),
    "certifications_training:trash": admin(OK, OK, DENIED, OK),
    "certifications_training:restore": admin(NOT_FOUND, OK, DENIED, OK),
    "certifications_type:index": admin(OK, OK, OK, OK),
    "certifications_type:index_results": admin(OK, OK, OK, OK),
    "certifications_type:add": admin(OK, OK, DENIED, OK),
    "certifications_type:edit": admin(NOT_FOUND, OK, DENIED, OK),
    "certifications_type:delete": admin(NOT_FOUND, DENIED, DENIED, OK),
    "certifications_type:history": admin(NOT_FOUND, OK, DENIED, OK),
    "certifications_type:history_results": admin(NOT_FOUND, OK, DENIED, OK),
    "certifications_type:usage": admin(NOT_FOUND, OK, DENIED, OK),
    "certifications_role:index": admin(OK, OK, OK, OK),
    "certifications_role:index_results": admin(OK, OK, OK, OK),
    "certifications_role:add": admin(OK, OK, DENIED, OK),
    "certifications_role:edit": admin(NOT_FOUND, OK, DENIED, OK),
    "certifications_role:delete": admin(NOT_FOUND, DENIED, DENIED, OK),
    "certifications_role:history": admin(NOT_FOUND, OK, DENIED, OK),
    "certifications_role:history_results": admin(NOT_FOUND, OK, DENIED, OK),
    "certifications_role:usage": admin(NOT_FOUND, OK, DENIED, OK),
    # Quality work: the board records findings and actions as a coordinator does; only a
    # coordinator deletes one.
    "quality_action:index": admin(OK, OK, OK, OK),
    "quality_action:index_results": admin(OK, OK, OK, OK),
    "quality_action:add": admin(OK, OK, OK, OK),
    "quality_action:edit": admin(NOT_FOUND, OK, OK, OK),
    "quality_action:delete": admin(NOT_FOUND, OK, DENIED, OK),
    "quality_action:history": admin(NOT_FOUND, OK, OK, OK),
    "quality_action:history_results": admin(NOT_FOUND, OK, OK, OK),
    "quality_action:usage": admin(NOT_FOUND, OK, OK, OK),
    # The competence plan and its themes: the board makes the plan with the coordinators; both
    # make the annual review. A frozen review is its organisation's.
    "quality_plan": admin(OK, OK, OK, OK),
    "quality_review": admin(OK, OK, OK, OK),
    "quality_frozen_review": admin(NOT_FOUND, OK, OK, OK),
    **{
        f"{viewset}:{view}": admin(OK, OK, OK, OK)
        for viewset in ("quality_planitem", "quality_theme")
        for view in ("index", "index_results", "add")
    },
    **{
        f"{viewset}:{view}": admin(NOT_FOUND, OK, OK, OK)
        for viewset in ("quality_planitem", "quality_theme")
        for view in ("edit", "delete", "history", "history_results", "usage")
    },
    # Evaluations: the results (her organisation's, nobody's answers named) for coordinators and
    # the board; the questions edited by coordinators, read by the board.
    "quality_evaluations:results": admin(OK, OK, OK, OK),
    "quality_question:index": admin(OK, OK, OK, OK),
    "quality_question:index_results": admin(OK, OK, OK, OK),
    "quality_question:add": admin(OK, OK, DENIED, OK),
    "quality_question:edit": admin(NOT_FOUND, OK, DENIED, OK),
    "quality_question:delete": admin(NOT_FOUND, OK, DENIED, OK),
    "quality_question:history": admin(NOT_FOUND, OK, DENIED, OK),
    "quality_question:history_results": admin(NOT_FOUND, OK, DENIED, OK),
    "quality_question:usage": admin(NOT_FOUND, OK, DENIED, OK),
    # Certificates: the coordinators' list, each one's page where it is revoked ("edit"); nobody
    # adds or deletes one (they are issued by downloading, revoked instead); not the board's.
    "certifications_certificate:index": admin(OK, OK, DENIED, OK),
    "certifications_certificate:index_results": admin(OK, OK, DENIED, OK),
    "certifications_certificate:add": admin(DENIED, DENIED, DENIED, DENIED),
    "certifications_certificate:edit": admin(NOT_FOUND, OK, DENIED, OK),
    "certifications_certificate:delete": admin(NOT_FOUND, DENIED, DENIED, DENIED),
    "certifications_certificate:history": admin(NOT_FOUND, OK, DENIED, OK),
    "certifications_certificate:history_results": admin(NOT_FOUND, OK, DENIED, OK),
    "certifications_certificate:usage": admin(NOT_FOUND, OK, DENIED, OK),
    "certifications_board": admin(OK, OK, OK, OK),
    "certifications_report": admin(OK, OK, OK, OK),
    "certifications_frozen_report": admin(NOT_FOUND, OK, OK, OK),
    # A person's page (read by those who read the register) and its actions (asked for with
    # GET, done with POST; those who change the register): certifications/views.py. Her data
    # for her coordinator is the host's (home/wagtail_hooks.py).
    "certifications_person": admin(NOT_FOUND, OK, OK, OK),
    "certifications_person_invite": admin(NOT_FOUND, OK, DENIED, OK),
    "certifications_person_calendar": admin(NOT_FOUND, OK, DENIED, OK),
    "home_person_data": admin(NOT_FOUND, OK, DENIED, OK),
    "home_person_data_page": admin(NOT_FOUND, OK, DENIED, OK),
    "home_person_data_pdf": admin(NOT_FOUND, OK, DENIED, OK),
    # Wagtail's admin API for documents and images, scoped to the collections she may choose
    # from (her organisation's; the board has none): people/wagtail_hooks.py.
    "wagtailadmin_api:documents:listing": admin(OK, OK, OK, OK),
    "wagtailadmin_api:documents:detail": admin(NOT_FOUND, OK, NOT_FOUND, OK),
    "wagtailadmin_api:documents:find": admin(NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "wagtailadmin_api:images:listing": admin(OK, OK, OK, OK),
    "wagtailadmin_api:images:detail": admin(NOT_FOUND, OK, NOT_FOUND, OK),
    "wagtailadmin_api:images:find": admin(NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    # The site: two-step verification (staff are verified already and sent on; a volunteer may
    # set it up), the member area, calendars (the feed's secret token is its own access check).
    "jour_core_otp_verify": site(LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "jour_core_otp_setup": site(LOGIN, OK, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "my_training": site(LOGIN, OK, OK, OK, OK, OK),
    # "Forgot your password?" (jour_core/passwordreset.py): the form, for anyone.
    "password_reset": site(OK, OK, OK, OK, OK, OK),
    "my_data": site(LOGIN, OK, OK, OK, OK, OK),
    "my_data_page": site(LOGIN, OK, OK, OK, OK, OK),
    "my_data_pdf": site(LOGIN, OK, OK, OK, OK, OK),
    "courses_calendar_feed": site(OK, OK, OK, OK, OK, OK),
    "courses_session_ics": site(LOGIN, OK, NOT_FOUND, OK, OK, OK),
    "courses_lesson_done": site(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    "courses_reset_my_calendar": site(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    # Apologies and check-in at A's session: for those on its register only (the volunteer; the
    # session has begun, so she is told why not and nothing changes); everyone else: not found.
    "courses_apologise": site(LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "courses_check_in": site(LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "courses_session_reminders": site(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    # Certificates: the public check (the form, and the answer for the volunteer's code) for
    # anyone; her certificate's PDF for her and her organisation's coordinator (and the umbrella
    # administrator), 404 for everyone else.
    "certifications_verify_form": site(OK, OK, OK, OK, OK, OK),
    "certifications_verify": site(OK, OK, OK, OK, OK, OK),
    "certifications_certificate_pdf": site(LOGIN, OK, NOT_FOUND, OK, NOT_FOUND, OK),
    # The evaluation of unit 1 of A's run: the volunteer was there; the others were not (another
    # organisation's run is not found).
    "quality_evaluation": site(LOGIN, OK, NOT_FOUND, DENIED, DENIED, NOT_FOUND),
}


# The world: organisation A's objects in every URL ----------------------------------------------

MARK = "Zqxa"  # in every organisation-A name: must never reach the other organisation
FIRST = datetime.date(2025, 3, 6)  # issue and training dates


@dataclass
class World:
    org_a: Organisation
    org_b: Organisation
    users: dict[str, User | None]
    person: User  # organisation A's register entry the URLs point at
    person_b: User
    course: object
    course_b: object
    lesson: LessonPage
    run: CourseRun
    other_run: CourseRun  # organisation A, volunteer not enrolled
    run_b: CourseRun
    session: Session
    other_session: Session
    session_b: Session
    enrolment: Enrolment
    qualification_type: QualificationType
    qualification_type_b: QualificationType
    qualification: Qualification
    record: TrainingRecord
    deleted_record: TrainingRecord
    role: ShiftRole
    frozen: FrozenReport
    action: Action
    theme: Theme
    plan_item: PlanItem
    question: EvaluationQuestion
    frozen_review: FrozenReview
    certificate: Certificate  # the volunteer's, of organisation A's course
    token: str
    # Wagtail's objects of organisation A (its pages, a private document, an image) and B's index.
    index: CourseIndexPage
    index_b: CourseIndexPage
    document: object  # the signed pledge attached to ``qualification``
    image: object
    restriction: PageViewRestriction  # the lesson's "members only"
    pending_import: PendingImport  # a people file organisation A's coordinator is previewing


@pytest.fixture
def world(org_a, org_b, coordinator_a, coordinator_b, board_a, volunteer_a, superuser) -> World:
    org_a.name = f"Kvinnojouren {MARK}"
    org_a.save()
    people = world_people(org_a, org_b)
    courses = world_courses(org_a, org_b, people["person"], people["person_b"], volunteer_a)
    certifications = world_certifications(org_a, org_b, people["person"], coordinator_a)
    token = token_of(feed_token(volunteer_a, FeedKind.MY_SESSIONS))
    # The volunteer completed A's course and has its certificate.
    completion = Completion.objects.create(person=volunteer_a, course=courses["course"], completed_on=FIRST)
    certifications["certificate"] = issue_certificate(completion, by=volunteer_a)
    wagtail = world_wagtail_objects(
        org_a,
        org_b,
        courses["course"],
        courses["lesson"],
        people["person"],
        certifications["qualification"],
        coordinator_a,
    )
    users = {
        "anonymous": None,
        "volunteer": volunteer_a,
        "other_coordinator": coordinator_b,
        "coordinator": coordinator_a,
        "board": board_a,
        "superuser": superuser,
    }
    return World(
        org_a=org_a,
        org_b=org_b,
        users=users,
        **people,
        **courses,
        **certifications,
        **wagtail,
        token=token,
        pending_import=keep_pending_import(
            b"email,first_name,last_name,groups,joined_on\nny@example.org,Ny,Person,volunteer,2025-01-15\n",
            "people.csv",
            org_a,
            by=coordinator_a,
        ),
    )


def world_people(org_a: Organisation, org_b: Organisation) -> dict[str, User]:
    """Organisation A's person (her names carry the mark) and one of organisation B."""
    return {
        "person": PersonFactory(
            email=f"{MARK.lower()}@example.org",
            first_name=f"{MARK}person",
            last_name=f"{MARK}sson",
            organisation=org_a,
        ),
        "person_b": PersonFactory(
            email="person-b@example.org", first_name="Bella", last_name="Bsson", organisation=org_b
        ),
    }


def world_courses(
    org_a: Organisation, org_b: Organisation, person: User, person_b: User, volunteer: User
) -> dict[str, object]:
    """A course of each organisation with a run each (A's with the person and the volunteer
    enrolled, the volunteer present at its first session, and a second run of A's without
    them), and a self-paced course's lesson."""
    course = make_course(org_a, title=f"Cirkel {MARK}", units=2)
    course_b = make_course(org_b, title="Cirkel B", units=2)
    paced = make_course(org_a, title=f"Egen takt {MARK}", units=1, kind="continuing", self_paced=True)
    lesson = paced.add_child(instance=LessonPage(title=f"Lektion {MARK}", slug="lektion", unit_number=1))
    # Two weekly sessions that have begun, within the 90 days a member's calendar looks back.
    recent = timezone.localdate() - datetime.timedelta(days=14)
    run = make_run(course, recent, title=f"Omgång {MARK}")
    other_run = make_run(course, recent, title=f"Andra omgången {MARK}")
    run_b = make_run(course_b, recent, title="Omgång B")
    enrol(run, [person, volunteer])
    enrol(run_b, [person_b])
    # The volunteer was at the first session (she may evaluate it).
    Attendance.objects.create(
        session=run.sessions.order_by("starts_at").first(), person=volunteer, mark="present"
    )
    return {
        "course": course,
        "course_b": course_b,
        "lesson": lesson,
        "run": run,
        "other_run": other_run,
        "run_b": run_b,
        "session": run.sessions.order_by("starts_at").first(),
        "other_session": other_run.sessions.order_by("starts_at").first(),
        "session_b": run_b.sessions.order_by("starts_at").first(),
        "enrolment": Enrolment.objects.get(run=run, person=person),
    }


def world_certifications(
    org_a: Organisation, org_b: Organisation, person: User, coordinator_a: User
) -> dict[str, object]:
    """A qualification type of each organisation, the person's qualification, a training record
    she attended and one in the trash, a shift role, a frozen report, an action, a theme and a
    line of the plan, an evaluation question."""
    qualification_type = QualificationType.objects.create(organisation=org_a, name=f"Grund {MARK}")
    theme = Theme.objects.create(organisation=org_a, name=f"Tema {MARK}")
    qualification_type_b = QualificationType.objects.create(organisation=org_b, name="Grund B")
    qualification = Qualification.objects.create(
        person=person, type=qualification_type, issued_on=FIRST, source="attestation"
    )
    record = TrainingRecord.objects.create(
        organisation=org_a, title=f"Fortbildning {MARK}", date=FIRST, hours=Decimal(3), theme=theme
    )
    record.attendees.set([person])
    deleted_record = TrainingRecord.objects.create(
        organisation=org_a, title=f"Raderad {MARK}", date=FIRST, hours=Decimal(2)
    )
    deleted_record.soft_delete(by=coordinator_a)
    role = ShiftRole.objects.create(organisation=org_a, name=f"Telefonjour {MARK}")
    ShiftRoleRequirement.objects.create(role=role, qualification_type=qualification_type, sort_order=0)
    files = {field: f"report {MARK}".encode() for field in FrozenReport.FILES.values()}
    frozen = FrozenReport.objects.create(
        organisation=org_a, start=FIRST, end=FIRST, data={"title": MARK}, frozen_by=coordinator_a, **files
    )
    return {
        "qualification_type": qualification_type,
        "qualification_type_b": qualification_type_b,
        "qualification": qualification,
        "record": record,
        "deleted_record": deleted_record,
        "role": role,
        "frozen": frozen,
        "action": Action.objects.create(
            organisation=org_a,
            title=f"Iakttagelse {MARK}",
            source="deviation",
            action=f"Åtgärd {MARK}",
            responsible=person,
            due_on=FIRST,
        ),
        "theme": theme,
        "plan_item": PlanItem.objects.create(
            organisation=org_a, year=FIRST.year, theme=theme, period="q1", group_volunteer=True, note=MARK
        ),
        "question": EvaluationQuestion.objects.create(
            organisation=org_a, course_kind="basic", kind="rating", text=f"Fråga {MARK}"
        ),
        "frozen_review": freeze_review(
            quality_review(org_a, FIRST.year, external=False, summary=MARK), org_a, coordinator_a
        ),
    }


def world_wagtail_objects(
    org_a: Organisation,
    org_b: Organisation,
    course: CoursePage,
    lesson: LessonPage,
    person: User,
    qualification: Qualification,
    coordinator_a: User,
) -> dict[str, object]:
    """Wagtail's objects of organisation A (its course index, the course's revision, a private
    document attached to the qualification, an image, the lesson's restriction, the site
    history) and organisation B's course index."""
    course.save_revision(user=coordinator_a)  # the page's history and revisions
    document = get_document_model().objects.create(
        title=f"Tystnadslöfte {MARK}",
        file=ContentFile(b"%PDF-1.4 signed pledge", name="tystnadslofte-a.pdf"),
        collection=org_a.collection,
    )
    qualification.document = document
    qualification.save()
    image = get_image_model().objects.create(
        title=f"Bild {MARK}",
        file=get_test_image_file(filename="bild-a.png"),
        collection=org_a.collection,
    )
    # The register's admin logs its edits on the Person proxy: they show in the site history.
    log(instance=Person.objects.get(pk=person.pk), action="wagtail.edit", user=coordinator_a)
    return {
        "index": CourseIndexPage.objects.get(organisation=org_a),
        "index_b": CourseIndexPage.objects.get(organisation=org_b),
        "document": document,
        "image": image,
        "restriction": PageViewRestriction.objects.get(page=lesson),
    }


def client_for(world: World, role: str) -> Client:
    client = Client()
    user = world.users[role]
    if user is not None:
        sign_in(client, user)
    return client


# The URL patterns, from the resolver ------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    levels: tuple  # the pattern of each level, outermost first
    name: str | None  # with namespaces, e.g. "people_person:edit"
    callback: object
    module: str

    @property
    def text(self) -> str:
        return "".join(str(level) for level in self.levels)

    @property
    def key(self) -> str:
        return self.name or self.text

    @property
    def namespace(self) -> str:
        return self.name.rsplit(":", 1)[0] if self.name and ":" in self.name else ""

    @property
    def in_admin(self) -> bool:
        return self.text.startswith("admin/")


def all_routes() -> list[Route]:
    def walk(patterns, levels=(), namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, (*levels, pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                callback = pattern.callback
                view_class = getattr(callback, "view_class", None)
                module = (view_class or callback).__module__
                name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
                yield Route((*levels, pattern.pattern), name, callback, module)

    return list(walk(get_resolver().url_patterns))


def project_namespaces() -> set[str]:
    """The URL namespaces of the admin viewsets our apps register (their generic views are
    Wagtail's classes, but the screens are ours)."""
    return {
        viewset.url_namespace
        for viewset in admin_viewsets.viewsets
        if type(viewset).__module__.split(".")[0] in PROJECT_APPS
    }


def is_project(route: Route, namespaces: set[str]) -> bool:
    return route.module.split(".")[0] in PROJECT_APPS or route.namespace.split(":")[0] in namespaces


# Filling in the URLs ----------------------------------------------------------------------------

ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")

#: Dummy values for Wagtail's and Django's URLs (ids that exist nowhere, a known page type).
DUMMY = {
    "app_label": "jour_courses",
    "app_name": "jour_courses",
    "content_type_app_name": "jour_courses",
    "model_name": "coursepage",
    "content_type_model_name": "coursepage",
    "action": "delete",
    "action_name": "approve",
    "filter_spec": "original",
    "uidb64": "MQ",
    "token": "set-password",
    "revision_id_a": "earliest",
    "revision_id_b": "latest",
}


def project_values(route: Route, world: World) -> dict[str, object]:
    """Organisation A's object for each parameter of one of our URLs."""
    by_namespace = {
        "people_person": world.person,
        "people_organisation": world.org_a,
        "courses_run": world.run,
        "certifications_qualification": world.qualification,
        "certifications_training": world.record,
        "certifications_type": world.qualification_type,
        "certifications_role": world.role,
        "quality_action": world.action,
        "quality_theme": world.theme,
        "quality_planitem": world.plan_item,
        "quality_question": world.question,
        "certifications_certificate": world.certificate,
    }
    by_name = {
        "certifications_training:restore": {"pk": world.deleted_record.pk},
        "courses_session_edit": {"session_pk": world.session.pk},
        "courses_session_register": {"pk": world.session.pk},
        "courses_session_check_in": {"pk": world.session.pk},
        "courses_apologise": {"pk": world.session.pk},
        "courses_check_in": {"pk": world.session.pk, "code": "0" * 20},
        "courses_enrolment_withdraw": {"pk": world.enrolment.pk},
        "courses_enrolment_makeup": {"pk": world.enrolment.pk},
        "courses_session_ics": {"pk": world.session.pk},
        "courses_lesson_done": {"pk": world.lesson.pk},
        "quality_evaluation": {"run_pk": world.run.pk, "unit": 1},
        "courses_calendar_feed": {"token": world.token},
        "certifications_verify": {"code": world.certificate.code},
        "certifications_certificate_pdf": {"pk": world.certificate.completion_id},
        "certifications_frozen_report": {"pk": world.frozen.pk, "fmt": "pdf"},
        "certifications_person": {"pk": world.person.pk},
        "certifications_person_invite": {"pk": world.person.pk},
        "certifications_person_calendar": {"pk": world.person.pk},
        "home_person_data": {"pk": world.person.pk},
        "home_person_data_page": {"pk": world.person.pk},
        "home_person_data_pdf": {"pk": world.person.pk},
        "quality_frozen_review": {"pk": world.frozen_review.pk, "fmt": "pdf"},
        "wagtailadmin_api:documents:detail": {"pk": world.document.pk},
        "wagtailadmin_api:images:detail": {"pk": world.image.pk},
    }
    if route.name in by_name:
        return by_name[route.name]
    if route.namespace in by_namespace:
        return {"pk": by_namespace[route.namespace].pk}
    return {"pk": world.run.pk}  # the remaining run screens: runs/<pk>/...


def wagtail_values(route: Route, world: World, page=None) -> dict[str, object]:
    """Organisation A's objects in Wagtail's URLs: its course (or ``page``) wherever a page goes,
    its private pledge and its image, its collection and coordinators' group; a move's
    destination is A's index (Wagtail's move confirmation showed the page to anyone)."""
    page = page or world.course
    by_name_pk = {
        "wagtailadmin_api:pages:detail": page.pk,
        "wagtailadmin_api:pages:action": page.pk,
        "wagtailadmin_pages:revisions_compare": page.pk,
        "wagtailadmin_api:documents:detail": world.document.pk,
        "wagtaildocs_chooser:chosen": world.document.pk,
        "wagtailadmin_api:images:detail": world.image.pk,
        "wagtailimages_chooser:chosen": world.image.pk,
        "wagtailadmin_collections:edit": world.org_a.collection_id,
        "wagtailadmin_collections:delete": world.org_a.collection_id,
        "wagtailusers_groups:edit": world.org_a.coordinators_group_id,
        "wagtailusers_groups:delete": world.org_a.coordinators_group_id,
        "wagtailusers_groups:history": world.org_a.coordinators_group_id,
        "wagtailusers_groups:history_results": world.org_a.coordinators_group_id,
        "wagtailusers_groups:usage": world.org_a.coordinators_group_id,
    }
    values: dict[str, object] = {
        "page_id": page.pk,
        "parent_page_id": page.pk,
        "page_to_move_id": page.pk,
        "page_pk": page.pk,
        "destination_id": world.index.pk,
        "revision_id": page.latest_revision_id or 999999,
        "revision_id_a": "earliest",
        "revision_id_b": "latest",
        "content_type_app_name": "jour_courses",
        "content_type_model_name": "lessonpage",
        "document_id": world.document.pk,
        "image_id": world.image.pk,
        "page_view_restriction_id": world.restriction.pk,
    }
    if route.name in by_name_pk:
        values["pk"] = by_name_pk[route.name]
    elif route.namespace.startswith("wagtailusers_users"):
        values["pk"] = world.person.pk
    if route.name == "wagtaildocs_serve":  # documents/<id>/<filename>
        return {"__regex__": f"{world.document.pk}/{world.document.filename}"}
    if route.name == "wagtailcore_authenticate_with_password":
        values["page_id"] = world.lesson.pk
    return values


def sample_regex(regex: str, values: dict[str, object]) -> str:
    """A path matching one of the few regular-expression patterns (Wagtail's, DRF's)."""
    if "__regex__" in values and r"(\d+)" in regex:
        return str(values["__regex__"])
    text = regex.lstrip("^").rstrip("$")
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values.get(m.group(1), 999999)), text)
    text = text.replace(r"((?:[\w\-]+/)*)", "").replace(r"(\d+)", "999999").replace("(.*)", "x")
    text = text.replace(".*", "unknown-admin-path")
    return text.replace("\\", "")


def build_path(route: Route, values: dict[str, object]) -> str | None:
    """The path for ``route`` with ``values`` filled in; None when an earlier pattern shadows it
    (one of ours in front of one of Wagtail's, walked on its own)."""
    parts = []
    for level in route.levels:
        if isinstance(level, RoutePattern):
            parts.append(
                ROUTE_PARAMETER.sub(
                    lambda m: str(values.get(m.group("name"), DUMMY.get(m.group("name"), 999999))),
                    str(level),
                )
            )
        elif isinstance(level, RegexPattern):
            parts.append(sample_regex(str(level), {**DUMMY, **values}))
        else:  # pragma: no cover - LocalePrefixPattern is not used
            raise AssertionError(f"unknown pattern type {level!r}")
    path = "/" + "".join(parts)
    return path if resolve(path).func is route.callback else None


# Classifying responses --------------------------------------------------------------------------


def outcome(response) -> str:
    code = response.status_code
    if code in (200, 304):
        return OK
    if code in (301, 302, 303, 307, 308):
        target = urlsplit(response["Location"]).path
        if target in (reverse("login"), reverse("wagtailadmin_login")):
            return LOGIN
        # Wagtail's permission_denied(): back to the dashboard with an error message (only the
        # messages added by this request count).
        added = getattr(response.wsgi_request._messages, "_queued_messages", [])
        if target == reverse("wagtailadmin_home") and any(m.level == message_levels.ERROR for m in added):
            return DENIED
        return REDIRECT
    if code == 403:
        return DENIED
    return str(code)


def request(client: Client, method: str, path: str, data=None) -> tuple[str, object]:
    """One request; an exception in the view is a server error ("500: ...")."""
    try:
        response = getattr(client, method)(path, data or {})
    except Exception as exc:  # any exception in the view is the finding
        return f"500: {type(exc).__name__}: {exc}", None
    client.cookies.pop(CookieStorage.cookie_name, None)  # messages never pile up across requests
    code = response.status_code
    if code >= 500:
        return f"500: HTTP {code}", response
    return outcome(response), response


def body_of(response) -> str:
    if response is None or getattr(response, "streaming", False):
        return ""
    return response.content.decode("utf-8", errors="replace")


# What must not change when a refused role posts -------------------------------------------------


def fingerprint() -> dict[str, list]:
    """Every row a refused POST could touch (logins and passwords aside)."""
    from courses.models import FeedToken

    tables = {
        "users": User.objects.values(
            "pk", "email", "first_name", "last_name", "organisation_id", "is_active", "left_on"
        ),
        "organisations": Organisation.objects.values(),
        "runs": CourseRun.objects.values(),
        "leaders": CourseRun.leaders.through.objects.values(),
        "sessions": Session.objects.values(),
        "enrolments": Enrolment.objects.values(),
        "attendance": Attendance.objects.values(),
        "makeups": MakeUp.objects.values(),
        "completions": Completion.objects.values(),
        "lesson_completions": LessonCompletion.objects.values(),
        "types": QualificationType.objects.values(),
        "qualifications": Qualification.objects.values(),
        "training": TrainingRecord.all_objects.values(),
        "attendees": TrainingRecord.attendees.through.objects.values(),
        "roles": ShiftRole.objects.values(),
        "requirements": ShiftRoleRequirement.objects.values(),
        "frozen": FrozenReport.objects.values("pk", "organisation_id", "start", "end", "external"),
        "feeds": FeedToken.objects.values("pk", "person_id", "nonce"),
        "evaluation questions": EvaluationQuestion.objects.values(),
        "evaluation answers": EvaluationResponse.objects.values(),
        "evaluations answered": EvaluationReceipt.objects.values(),
        "certificates": Certificate.objects.values(),
    }
    return {name: list(rows.order_by("pk")) for name, rows in tables.items()}


def post_data(route: Route, world: World) -> dict[str, object]:
    """Data that would change something if the POST were allowed."""
    day = "2026-01-15"
    person = {
        "first_name": "Ändrad",
        "last_name": "Person",
        "email": "andrad@example.org",
        "group_volunteer": "on",
        "joined_on": day,
        "is_active": "on",
        "organisation": world.org_b.pk,
    }
    run = {
        "course": world.course.pk,
        "title": "Ny omgång",
        "location": "Lokalen",
        "start_time": "18:00",
        "end_time": "20:00",
        "every_days": "7",
    }
    session = {"unit_number": "1", "date": day, "start_time": "18:00", "end_time": "20:00"}
    role = {
        "name": "Ny roll",
        "min_training_hours": "0",
        "training_window_months": "12",
        "sort_order": "0",
        "requirements-TOTAL_FORMS": "0",
        "requirements-INITIAL_FORMS": "0",
        "requirements-MIN_NUM_FORMS": "0",
        "requirements-MAX_NUM_FORMS": "1000",
    }
    by_namespace = {
        "people_person": person,
        "people_organisation": {"name": "Ny jour", "slug": "ny-jour"},
        "courses_run": run,
        "certifications_qualification": {
            "person": world.person.pk,
            "type": world.qualification_type.pk,
            "issued_on": day,
        },
        "certifications_training": {
            "title": "Ny fortbildning",
            "date": day,
            "hours": "2",
            "attendees": [world.person.pk],
        },
        "certifications_type": {"name": "Ny typ"},
        "certifications_role": role,
        "quality_question": {"course_kind": "basic", "kind": "text", "text": "Ny fråga", "sort_order": "0"},
        "certifications_certificate": {"reason": "Återkallat av obehörig", "revoke_reason": "Obehörig"},
    }
    by_name = {
        "people_import": {"pending": world.pending_import.token},
        "courses_run_enrol": {"people": [world.users["coordinator"].pk]},
        "courses_session_add": session,
        "courses_session_edit": {**session, "status": "cancelled", "cancel_reason": "Sjukdom"},
        "courses_session_register": {f"mark-{world.person.pk}": "present"},
        "courses_enrolment_makeup": {"unit_number": "1", "kind": "catch_up", "date": day, "led_by": "X"},
        "certifications_report": {"action": "freeze", "year": "2026", "version": "internal"},
        "jour_core_otp_verify": {"token": "123456"},
        "jour_core_otp_setup": {"token": "123456"},
        "quality_evaluation": {
            f"question-{question.pk}": "5" if question.kind == "rating" else "Bra"
            for question in EvaluationQuestion.objects.filter(organisation=world.org_a)
        },
    }
    if route.name in by_name:
        return by_name[route.name]
    if route.name and route.name.rsplit(":", 1)[-1] in ("delete", "restore"):
        return {}
    return by_namespace.get(route.namespace, {})


# The walk ----------------------------------------------------------------------------------------

#: Wagtail's admin URLs anonymous people and volunteers may open: the admin's login and
#: password-reset pages, and two static assets (the icon sprite, the JavaScript translations).
ADMIN_PUBLIC = {
    "wagtailadmin_login",
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_confirm",
    "wagtailadmin_password_reset_complete",
    "wagtailadmin_sprite",
    "wagtailadmin_javascript_catalog",
}

#: Wagtail's own screens the board opens (with dummy ids): the dashboard, her account, the
#: read-only choosers and listings every admin user has. Nothing that edits pages, users, groups, settings, workflows or media.
BOARD_WAGTAIL = ADMIN_PUBLIC | {
    "wagtailadmin_home",
    "admin/test404/",
    "wagtailadmin_account",
    "wagtailadmin_dismissibles",
    "wagtailadmin_api:pages:listing",
    "wagtailadmin_api:documents:listing",
    "wagtailadmin_api:images:listing",
    "wagtailadmin_pages:choose_parent",
    "wagtailadmin_choose_page",
    "wagtailadmin_choose_page_child",  # her organisation's pages only (courses.wagtail_hooks)
    # A fragment asking "cancel the workflow?"; it cancels nothing and shows nothing of the page.
    "wagtailadmin_pages:confirm_workflow_cancellation",
    "wagtailadmin_choose_page_search",
    "wagtailadmin_choose_page_chosen_multiple",
    "wagtailadmin_choose_page_external_link",
    "wagtailadmin_choose_page_email_link",
    "wagtailadmin_choose_page_phone_link",
    "wagtailadmin_choose_page_anchor_link",
    "wagtailadmin_tag_autocomplete",
    "wagtailadmin_workflows:task_chooser",
    "wagtailadmin_workflows:task_chooser_results",
    "wagtailadmin_workflows:task_chooser_create",
    "wagtailembeds:chooser",
    "wagtailembeds:chooser_upload",
    "wagtaildocs_chooser:choose",
    "wagtaildocs_chooser:choose_results",
    "wagtaildocs_chooser:chosen_multiple",
    "wagtailimages_chooser:choose",
    "wagtailimages_chooser:choose_results",
    "wagtailimages_chooser:chosen_multiple",
}

#: Wagtail's patterns that ours are put in front of (see people.views.site_history).
SHADOWED = {
    "wagtailadmin_reports:site_history",
    "wagtailadmin_reports:site_history_results",
    "wagtailadmin_reports:page_types_usage",
    "wagtailadmin_reports:page_types_usage_results",
}

#: Wagtail's URLs that take a page: walked with organisation A's course and with its lesson.
PAGE_ROUTES = {
    "wagtailadmin_api:pages:detail",
    "wagtailadmin_api:pages:action",
    "wagtailadmin_explore",
    "wagtailadmin_explore_results",
    "wagtailadmin_pages:add",
    "wagtailadmin_pages:preview_on_add",
    "wagtailadmin_pages:usage",
    "wagtailadmin_pages:edit",
    "wagtailadmin_pages:preview_on_edit",
    "wagtailadmin_pages:view_draft",
    "wagtailadmin_pages:add_subpage",
    "wagtailadmin_pages:delete",
    "wagtailadmin_pages:unpublish",
    "wagtailadmin_pages:convert_alias",
    "wagtailadmin_pages:copy",
    "wagtailadmin_pages:move",
    "wagtailadmin_pages:move_confirm",
    "wagtailadmin_pages:set_page_position",
    "wagtailadmin_pages:workflow_action",
    "wagtailadmin_pages:collect_workflow_action_data",
    "wagtailadmin_pages:confirm_workflow_cancellation",
    "wagtailadmin_pages:workflow_preview",
    "wagtailadmin_pages:set_privacy",
    "wagtailadmin_pages:lock",
    "wagtailadmin_pages:unlock",
    "wagtailadmin_pages:revisions_index",
    "wagtailadmin_pages:revisions_view",
    "wagtailadmin_pages:revisions_revert",
    "wagtailadmin_pages:revisions_unschedule",
    "wagtailadmin_pages:revisions_compare",
    "wagtailadmin_pages:workflow_history",
    "wagtailadmin_pages:workflow_history_detail",
    "wagtailadmin_pages:history",
    "wagtailadmin_pages:history_results",
    "wagtailadmin_choose_page_child",
    "wagtailadmin_workflows:remove",
    "wagtailforms:list_submissions",
    "wagtailforms:list_submissions_results",
    "wagtailforms:delete_submissions",
}
#: Wagtail's URLs that take one of organisation A's objects (a page, a document, an image, its
#: collection, its coordinators' group): a refused role's POST to them must change nothing.
WAGTAIL_OBJECT_ROUTES = PAGE_ROUTES | {
    "wagtailadmin_api:documents:detail",
    "wagtailadmin_api:images:detail",
    "wagtaildocs:edit",
    "wagtaildocs:delete",
    "wagtaildocs:document_usage",
    "wagtaildocs_chooser:chosen",
    "wagtailimages:edit",
    "wagtailimages:delete",
    "wagtailimages:url_generator",
    "wagtailimages:url_generator_output",
    "wagtailimages:preview",
    "wagtailimages:image_usage",
    "wagtailimages:edit_multiple",
    "wagtailimages:delete_multiple",
    "wagtailimages_chooser:chosen",
    "wagtailimages_chooser:select_format",
    "wagtailadmin_collections:edit",
    "wagtailadmin_collections:delete",
    "wagtailusers_groups:edit",
    "wagtailusers_groups:delete",
    "wagtailusers_groups:history",
    "wagtailusers_groups:history_results",
    "wagtailusers_groups:usage",
    "wagtailcore_authenticate_with_password",
}

#: What each role gets from Wagtail's screens of organisation A's own pages and files (the walk
#: fills them with A's objects): her coordinators and the umbrella administrator work there,
#: the other organisation's coordinator never sees or changes them, the board never edits pages.
WAGTAIL_EXPECTED: dict[str, dict[str, str]] = {
    "wagtailadmin_api:pages:detail": admin(NOT_FOUND, OK, NOT_FOUND, OK),
    "wagtailadmin_choose_page_child": admin(NOT_FOUND, OK, OK, OK),
    # The other organisation's coordinator is sent to her own pages.
    "wagtailadmin_explore": admin(REDIRECT, OK, DENIED, OK),
    "wagtailadmin_explore_results": admin(REDIRECT, OK, DENIED, OK),
    # The course has runs: deleting it is refused with a message (unpublish it instead).
    "wagtailadmin_pages:delete": admin(DENIED, REDIRECT, DENIED, REDIRECT),
    **{
        key: admin(DENIED, OK, DENIED, OK)
        for key in (
            "wagtailadmin_pages:add",
            "wagtailadmin_pages:preview_on_add",
            "wagtailadmin_pages:edit",
            "wagtailadmin_pages:preview_on_edit",
            "wagtailadmin_pages:view_draft",
            "wagtailadmin_pages:unpublish",
            "wagtailadmin_pages:copy",
            "wagtailadmin_pages:move",
            "wagtailadmin_pages:move_confirm",
            "wagtailadmin_pages:set_privacy",
            "wagtailadmin_pages:usage",
            "wagtailadmin_pages:history",
            "wagtailadmin_pages:history_results",
            "wagtailadmin_pages:revisions_view",
            "wagtailadmin_pages:revisions_revert",
            "wagtailadmin_pages:revisions_unschedule",
            "wagtailadmin_pages:revisions_compare",
            "wagtailadmin_pages:workflow_history",
            "wagtaildocs:edit",
            "wagtaildocs:delete",
            "wagtaildocs:document_usage",
            "wagtaildocs_chooser:chosen",
            "wagtailimages:edit",
            "wagtailimages:delete",
            "wagtailimages:image_usage",
            "wagtailimages:preview",
            "wagtailimages_chooser:chosen",
            "wagtailimages_chooser:select_format",
        )
    },
    # The signed pledge attached to a person's qualification: hers, her organisation's
    # coordinators' and the administrator's; the login page for anyone anonymous, 404 for the rest
    # (the volunteer here is another member of the same organisation).
    "wagtaildocs_serve": site(LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK),
}
#: Wagtail's screens of A's objects that answer the other organisation's coordinator without
#: showing anything of them (Wagtail's own forms with nothing filled in).
HARMLESS_FOR_OTHERS = {
    "wagtailadmin_pages:confirm_workflow_cancellation",
    "wagtailcore_authenticate_with_password",
}

#: Wagtail's "test the error page" view raises on purpose, for every admin user.
WAGTAIL_ERROR_TEST = "wagtailadmin_error_test"

#: The member's calendar link is a secret capability: whoever holds it reads the feed. So is a
#: certificate's code: whoever holds the paper checks it (course, dates, organisation).
CAPABILITY_URLS = {"courses_calendar_feed", "certifications_verify"}


def split_routes() -> tuple[list[Route], list[Route]]:
    routes = all_routes()
    namespaces = project_namespaces()
    return [r for r in routes if is_project(r, namespaces)], [
        r for r in routes if not is_project(r, namespaces)
    ]


def test_every_project_url_pattern_has_an_expectation():
    ours, theirs = split_routes()
    keys = [route.key for route in ours]
    assert len(ours) > 50 and len(theirs) > 100, "the resolver walk found too few patterns"
    assert len(keys) == len(set(keys)), "two project patterns share a name"
    missing = sorted(set(keys) - set(EXPECTED))
    assert not missing, f"project URL patterns with no row in EXPECTED (add one per role): {missing}"
    stale = sorted(set(EXPECTED) - set(keys))
    assert not stale, f"rows in EXPECTED that match no URL pattern any more: {stale}"
    assert all(set(row) == set(ROLES) for row in EXPECTED.values())


@pytest.mark.parametrize("role", ROLES)
def test_walk_every_url_as(role, world):
    ours, theirs = split_routes()
    client = client_for(world, role)
    problems: list[str] = []
    refused: list[tuple[Route, str]] = []

    for route in ours:
        expected = EXPECTED.get(route.key, {}).get(role)
        if expected is None:
            continue  # reported by test_every_project_url_pattern_has_an_expectation
        path = build_path(route, project_values(route, world))
        assert path is not None, f"{route.key} is shadowed by an earlier URL pattern"
        got, response = request(client, "get", path)
        if got != expected:
            problems.append(f"GET {path} ({route.key}): expected {expected}, got {got}")
        if role == "other_coordinator" and route.key not in CAPABILITY_URLS and MARK in body_of(response):
            problems.append(f"GET {path} ({route.key}): organisation A's data shown to organisation B")
        if expected in (LOGIN, DENIED, NOT_FOUND):
            refused.append((route, path))

    problems += refused_posts_change_nothing(client, role, refused, world)

    if role == "coordinator":
        # Wagtail's other screens answer a coordinator as they answer the other organisation's
        # coordinator (the same role), whose walk checks them: skipped for time.
        theirs = [route for route in theirs if route.key in WAGTAIL_EXPECTED]
    wagtail_refused: list[tuple[Route, str]] = []
    for route in theirs:
        pages = [world.course, world.lesson] if route.key in PAGE_ROUTES else [None]
        for page in pages:
            path = build_path(route, wagtail_values(route, world, page))
            if path is None:  # shadowed by one of ours, walked above
                if route.key not in SHADOWED:
                    problems.append(f"{route.key}: shadowed by another URL pattern")
                continue
            got, response = request(client, "get", path)
            problems += wagtail_problems(route, role, path, got, response, page is world.lesson)
            if got in REFUSED and route.key in WAGTAIL_OBJECT_ROUTES:
                wagtail_refused.append((route, path))
    if role != "superuser":
        problems += refused_posts_change_nothing(
            client,
            role,
            wagtail_refused,
            world,
            snapshot=wagtail_fingerprint,
            data=lambda route: wagtail_post_data(world),
            answers=REFUSED | {REDIRECT},  # Wagtail sends some refusals back to a listing
        )
    assert not problems, "\n".join(problems)


def wagtail_problems(route: Route, role: str, path: str, got: str, response, lesson: bool) -> list[str]:
    """What is wrong with one answer of Wagtail's own URLs (``lesson``: walked with A's lesson,
    where Wagtail's answers differ from the course's, e.g. a lesson takes no subpages)."""
    problems = []
    expected = WAGTAIL_EXPECTED.get(route.key, {}).get(role)
    if expected is not None and not lesson and got != expected:
        problems.append(f"GET {path} ({route.key}): expected {expected}, got {got}")
    if (
        role == "other_coordinator"
        and route.key in WAGTAIL_OBJECT_ROUTES
        and route.key not in HARMLESS_FOR_OTHERS
        and got not in REFUSED | {REDIRECT}
    ):
        problems.append(f"GET {path} ({route.key}): organisation A's object answered {got} to organisation B")
    if got.startswith("500") and route.name != WAGTAIL_ERROR_TEST:
        problems.append(f"GET {path} ({route.key}): {got}")
    no_admin = role in ("anonymous", "volunteer") and route.in_admin and route.key not in ADMIN_PUBLIC
    if no_admin and got not in (LOGIN, NOT_FOUND, NOT_ALLOWED):
        problems.append(f"GET {path} ({route.key}): admin answered {got} to {role}")
    if role == "board" and route.in_admin and got == OK and route.key not in BOARD_WAGTAIL:
        problems.append(f"GET {path} ({route.key}): the board opens a Wagtail screen she does not need")
    if role == "other_coordinator" and MARK in body_of(response):
        problems.append(f"GET {path} ({route.key}): organisation A's data shown to organisation B")
    return problems


def wagtail_fingerprint() -> dict[str, list]:
    """Every row a refused POST to Wagtail's page, document, image, collection or group screens
    could touch."""
    from django.contrib.auth.models import Group
    from wagtail.models import (
        Collection,
        GroupCollectionPermission,
        GroupPagePermission,
        Page,
        PageLogEntry,
        Revision,
        WorkflowState,
    )

    tables = {
        "pages": Page.objects.values(
            "pk", "title", "slug", "path", "live", "locked", "has_unpublished_changes", "latest_revision_id"
        ),
        "courses": CoursePage.objects.values("pk", "organisation_id"),
        "revisions": Revision.objects.values("pk"),
        "page log": PageLogEntry.objects.values("pk"),
        "restrictions": PageViewRestriction.objects.values(),
        "documents": get_document_model().objects.values("pk", "title", "collection_id", "file"),
        "images": get_image_model().objects.values("pk", "title", "collection_id", "file"),
        "collections": Collection.objects.values(),
        "groups": Group.objects.values(),
        "page permissions": GroupPagePermission.objects.values(),
        "collection permissions": GroupCollectionPermission.objects.values(),
        "memberships": User.groups.through.objects.values(),
        "workflow states": WorkflowState.objects.values("pk"),
    }
    return {name: list(rows.order_by("pk")) for name, rows in tables.items()}


def wagtail_post_data(world: World) -> dict[str, object]:
    """What a page, document or image form would take: a new title, B's index as the new home,
    privacy off, copies published."""
    return {
        "title": "Kapad",
        "slug": "kapad",
        "new_title": "Kapad",
        "new_slug": "kapad",
        "new_parent_page": world.index_b.pk,
        "chooser": world.index_b.pk,
        "copy_subpages": "on",
        "publish_copies": "on",
        "restriction_type": "none",
        "collection": world.org_b.collection_id,
        "name": "Kapad",
        "unit_number": "1",
        "action-publish": "action-publish",
    }


def refused_posts_change_nothing(
    client, role, refused, world, snapshot=None, data=None, answers=REFUSED
) -> list[str]:
    """POST (with data that would change something) to every URL the role was refused: each is
    refused again (one of ``answers``) and nothing in ``snapshot`` (our rows, or Wagtail's with
    ``wagtail_fingerprint``) changes. Checked for the whole batch; only when the batch changed
    something (it is rolled back) is every POST checked alone, to name the culprit."""
    snapshot = snapshot or fingerprint
    data = data or (lambda route: post_data(route, world))
    problems: list[str] = []

    def post_all(one_by_one: bool):
        for route, path in refused:
            before = snapshot() if one_by_one else None
            got, response = request(client, "post", path, data(route))
            if got not in answers:
                problems.append(f"POST {path} ({route.key}): expected refusal, got {got}")
            if role == "other_coordinator" and MARK in body_of(response):
                problems.append(f"POST {path} ({route.key}): organisation A's data shown")
            if one_by_one:
                after = snapshot()
                changed = [name for name in before if before[name] != after[name]]
                if changed:
                    problems.append(f"POST {path} ({route.key}) by a refused {role} changed {changed}")

    before = snapshot()
    with transaction.atomic():
        post_all(one_by_one=False)
        unchanged = snapshot() == before
        transaction.set_rollback(not unchanged)
    if not unchanged:
        problems.clear()
        post_all(one_by_one=True)
    return problems


# The member area and the calendars ---------------------------------------------------------------


def test_a_volunteer_reaches_only_her_own_sessions_and_calendar(world, client):
    sign_in(client, world.users["volunteer"])
    assert client.get(reverse("courses_session_ics", args=[world.session.pk])).status_code == 200
    for other in (world.other_session, world.session_b):  # her organisation's, another's
        assert client.get(reverse("courses_session_ics", args=[other.pk])).status_code == 404
    assert client.get(reverse("courses_calendar_feed", args=["not-a-token"])).status_code == 404
    body = client.get(reverse("my_training")).content.decode()
    assert world.run.title in body
    for foreign in (
        world.other_run.title,
        world.run_b.title,
        world.person.first_name,
        world.person_b.first_name,
    ):
        assert foreign not in body


def test_a_lesson_of_another_organisation_cannot_be_marked_done(world):
    url = reverse("courses_lesson_done", args=[world.lesson.pk])
    assert client_for(world, "other_coordinator").post(url).status_code == 404
    assert not LessonCompletion.objects.exists()
    assert client_for(world, "volunteer").post(url).status_code == 302
    assert LessonCompletion.objects.filter(person=world.users["volunteer"], lesson=world.lesson).exists()


# Tampered forms: another organisation's id in a field ---------------------------------------------


def coordinator_client(world: World) -> Client:
    return client_for(world, "coordinator")


def test_the_register_ignores_a_tampered_organisation(world):
    client = coordinator_client(world)
    data = {
        "first_name": "Ny",
        "last_name": "Volontär",
        "email": "ny.volontar@example.org",
        "group_volunteer": "on",
        "joined_on": "2025-01-15",
        "is_active": "on",
        "organisation": world.org_b.pk,
    }
    response = client.post(reverse("people_person:add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(email="ny.volontar@example.org").organisation == world.org_a

    edit = {**data, "email": world.person.email, "first_name": "Ändrad"}
    response = client.post(reverse("people_person:edit", args=[world.person.pk]), edit)
    assert response.status_code == 302
    world.person.refresh_from_db()
    assert (world.person.first_name, world.person.organisation) == ("Ändrad", world.org_a)

    # Another organisation's person cannot be edited through her id.
    response = client.post(reverse("people_person:edit", args=[world.person_b.pk]), edit)
    assert response.status_code == 404
    assert User.objects.get(pk=world.person_b.pk).first_name == "Bella"


def test_the_people_import_ignores_a_tampered_organisation(world):
    content = (
        "email,first_name,last_name,groups,joined_on,left_on,protected_identity\n"
        "importerad@example.org,Import,Erad,volunteer,2025-01-15,,no\n"
    )
    coordinator_client(world).post(
        reverse("people_import"), {"content": content, "organisation": world.org_b.pk}
    )
    assert not User.objects.filter(organisation=world.org_b, email="importerad@example.org").exists()


def test_a_run_cannot_be_made_for_another_organisations_course_or_leaders(world):
    client = coordinator_client(world)
    runs = CourseRun.objects.count()
    data = {
        "course": world.course_b.pk,
        "title": "Inkräktare",
        "location": "Lokalen",
        "start_time": "18:00",
        "end_time": "20:00",
        "every_days": "7",
    }
    response = client.post(reverse("courses_run:add"), data)
    assert response.status_code == 200 and CourseRun.objects.count() == runs  # a form error
    response = client.post(
        reverse("courses_run:add"), {**data, "course": world.course.pk, "leaders": [world.person_b.pk]}
    )
    assert response.status_code == 200 and CourseRun.objects.count() == runs
    response = client.post(
        reverse("courses_run:add"), {**data, "course": world.course.pk, "organisation": world.org_b.pk}
    )
    assert response.status_code == 302
    assert CourseRun.objects.get(title="Inkräktare").organisation == world.org_a


def test_qualifications_refuse_another_organisations_person_or_type(world):
    client = coordinator_client(world)
    count = Qualification.objects.count()
    for person, qualification_type in (
        (world.person_b, world.qualification_type),
        (world.person, world.qualification_type_b),
        (world.person_b, world.qualification_type_b),
    ):
        data = {"person": person.pk, "type": qualification_type.pk, "issued_on": "2026-01-15"}
        response = client.post(reverse("certifications_qualification:add"), data)
        assert response.status_code == 200
    assert Qualification.objects.count() == count
    # The control: her organisation's person and type are accepted.
    data = {"person": world.person.pk, "type": world.qualification_type.pk, "issued_on": "2026-01-15"}
    assert client.post(reverse("certifications_qualification:add"), data).status_code == 302
    assert Qualification.objects.count() == count + 1


def test_training_records_types_and_roles_ignore_a_tampered_organisation(world):
    client = coordinator_client(world)
    record = {"title": "Inkräktarkurs", "date": "2026-01-15", "hours": "2", "organisation": world.org_b.pk}
    response = client.post(
        reverse("certifications_training:add"), {**record, "attendees": [world.person_b.pk]}
    )
    assert (
        response.status_code == 200 and not TrainingRecord.all_objects.filter(title="Inkräktarkurs").exists()
    )
    response = client.post(reverse("certifications_training:add"), {**record, "attendees": [world.person.pk]})
    assert response.status_code == 302
    assert TrainingRecord.objects.get(title="Inkräktarkurs").organisation == world.org_a

    response = client.post(
        reverse("certifications_type:add"), {"name": "Inkräktartyp", "organisation": world.org_b.pk}
    )
    assert response.status_code == 302
    assert QualificationType.objects.get(name="Inkräktartyp").organisation == world.org_a

    role = {
        "name": "Inkräktarroll",
        "organisation": world.org_b.pk,
        "min_training_hours": "0",
        "training_window_months": "12",
        "sort_order": "0",
        "requirements-TOTAL_FORMS": "1",
        "requirements-INITIAL_FORMS": "0",
        "requirements-MIN_NUM_FORMS": "0",
        "requirements-MAX_NUM_FORMS": "1000",
        "requirements-0-qualification_type": world.qualification_type_b.pk,
        "requirements-0-ORDER": "1",
    }
    response = client.post(reverse("certifications_role:add"), role)
    assert response.status_code == 200 and not ShiftRole.objects.filter(name="Inkräktarroll").exists()
    role["requirements-0-qualification_type"] = world.qualification_type.pk
    response = client.post(reverse("certifications_role:add"), role)
    assert response.status_code == 302
    assert ShiftRole.objects.get(name="Inkräktarroll").organisation == world.org_a


def test_the_attendance_register_refuses_someone_from_another_organisation(world):
    client = coordinator_client(world)
    marks = Attendance.objects.exclude(person=world.users["volunteer"])  # hers is the world's
    url = reverse("courses_session_register", args=[world.session.pk])
    response = client.post(
        url, {f"mark-{world.person_b.pk}": "present", f"mark-{world.person.pk}": "present"}
    )
    assert response.status_code == 200  # the register again, with the error
    assert not marks.exists()
    response = client.post(
        reverse("courses_session_register", args=[world.session_b.pk]),
        {f"mark-{world.person_b.pk}": "present"},
    )
    assert response.status_code == 404
    assert not marks.exists()
    # The control: her own participant is marked.
    response = client.post(url, {f"mark-{world.person.pk}": "present"})
    assert response.status_code == 302
    assert marks.get().person == world.person


def test_enrolment_and_make_ups_refuse_another_organisations_person_or_session(world):
    client = coordinator_client(world)
    enrolments, makeups = Enrolment.objects.count(), MakeUp.objects.count()
    response = client.post(reverse("courses_run_enrol", args=[world.run.pk]), {"people": [world.person_b.pk]})
    assert response.status_code == 200 and Enrolment.objects.count() == enrolments
    response = client.post(
        reverse("courses_enrolment_makeup", args=[world.enrolment.pk]),
        {"unit_number": "1", "kind": "other_run", "session": world.session_b.pk},
    )
    assert response.status_code == 200 and MakeUp.objects.count() == makeups
    # The controls: her organisation's person is enrolled, a catch-up is recorded.
    response = client.post(
        reverse("courses_run_enrol", args=[world.run.pk]), {"people": [world.users["board"].pk]}
    )
    assert response.status_code == 302 and Enrolment.objects.count() == enrolments + 1
    response = client.post(
        reverse("courses_enrolment_makeup", args=[world.enrolment.pk]),
        {"unit_number": "1", "kind": "catch_up", "date": "2026-01-15", "led_by": "Samordnaren"},
    )
    assert response.status_code == 302 and MakeUp.objects.count() == makeups + 1


def test_the_site_history_is_the_umbrella_administrators_only(world):
    """Wagtail's site history filters log entries by content type only: for anyone else it would
    list the register changes (names) of every organisation."""
    for name in ("wagtailadmin_reports:site_history", "wagtailadmin_reports:site_history_results"):
        for role in ("other_coordinator", "board"):
            got, response = request(client_for(world, role), "get", reverse(name))
            assert got == DENIED and MARK not in body_of(response)
        got, response = request(client_for(world, "superuser"), "get", reverse(name))
        assert got == OK and f"{MARK}person" in body_of(response)
