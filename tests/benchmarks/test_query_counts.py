"""The query counts `make bench` reports, guarded: the same for more organisations, people and
records, so that no later change brings back a query per row. (Timings live in `make bench`.)

The data comes from the benchmark's own generator at a tiny scale, then grows."""

import datetime
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from benchmarks import data
from benchmarks.data import Scale, build
from certifications.clearance import clearance, clearance_for_organisations
from certifications.models import Qualification, QualificationType
from certifications.report import competence_report, competence_reports
from courses.models import Attendance, CourseKind, Enrolment, Session
from jour_core.versions import organisation_changed
from people.models import Organisation, User
from tests.auth import sign_in

TINY = Scale("tiny", 2, 30, 18, 2, 3, 0.4, 2)


def count(fn) -> int:
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


@pytest.fixture
def umbrella(db):
    anchor = timezone.localdate()
    build(TINY, anchor, log=lambda message: None)
    big = Organisation.objects.get(slug="jour-000")
    return anchor, big


def grow(anchor, big) -> None:
    """One more organisation of twice the size, and more people in the big one, qualified."""
    rng = random.Random(7)
    extra = Organisation.objects.create(name="Kvinnojouren extra", slug="jour-extra")
    data._organisation(TINY, rng, extra, 40, anchor.year - 1, anchor)
    newcomers = data._people(rng, big, 25, anchor.year - 1, anchor, first=1000)
    types = {t.name: t for t in QualificationType.objects.filter(organisation=big)}
    keys = {"pledge": types["Tystnadslöfte"], "child": types["Barnrättsutbildning"]}
    Qualification.objects.bulk_create(data._pledges_and_child_rights(rng, newcomers, keys, anchor))


def test_the_engine_takes_the_same_queries_for_more_organisations_and_people(umbrella):
    anchor, big = umbrella

    def counts():
        organisations = list(Organisation.objects.all())
        return count(lambda: clearance_for_organisations(organisations, anchor)), count(
            lambda: clearance(big, anchor)
        )

    before = counts()
    people_before = User.objects.count()
    grow(anchor, big)
    assert User.objects.count() > people_before + 60
    assert counts() == before
    assert before[0] <= 7


def test_the_report_takes_the_same_queries_for_more_organisations_and_people(umbrella):
    anchor, big = umbrella
    start, end = datetime.date(anchor.year - 1, 1, 1), datetime.date(anchor.year - 1, 12, 31)

    def counts():
        organisations = list(Organisation.objects.all())
        return count(lambda: competence_reports(organisations, start, end)), count(
            lambda: competence_report(big, start, end)
        )

    before = counts()
    grow(anchor, big)
    assert counts() == before
    assert before == (11, 11)  # the roles, the facts (9: Facts.read) and the roles' requirements


def test_the_board_takes_the_same_queries_for_more_people_and_none_of_the_engine_from_the_cache(
    umbrella, client
):
    anchor, big = umbrella
    sign_in(client, User.objects.get(email="samordnare@bench.example.org"))
    url = reverse("certifications_board") + f"?on={anchor.isoformat()}"
    client.get(url)  # the CSRF cookie

    def counts():
        organisation_changed([big.pk])  # as any change does: the next visit makes the page afresh
        return count(lambda: client.get(url)), count(lambda: client.get(url))

    before = counts()
    grow(anchor, big)
    after = counts()
    assert after == before
    assert before[1] < before[0] and before[1] <= 10
    # Afresh: the session, the person, her device, permissions and profile, the session saved
    # (as any admin page); the organisation, its roles and members, the engine's five (the
    # page's people only) and the sidebar's one (the admin config's locales too: frame.py).
    assert before[0] <= 18


def test_the_register_takes_the_same_queries_for_more_participants(umbrella, client):
    _anchor, big = umbrella
    session = (
        Session.objects.filter(run__organisation=big, run__course__kind=CourseKind.BASIC)
        .filter(starts_at__lte=timezone.now())
        .order_by("-starts_at")
        .first()
    )
    sign_in(client, User.objects.get(email="samordnare@bench.example.org"))
    url = reverse("courses_session_register", args=[session.pk])
    client.get(url)

    def counts():
        organisation_changed([big.pk])
        return count(lambda: client.get(url)), count(lambda: client.get(url))

    before = counts()
    extra = list(User.objects.filter(organisation=big).exclude(jour_enrolments__run=session.run)[:15])
    Enrolment.objects.bulk_create([Enrolment(run=session.run, person=p) for p in extra])
    Attendance.objects.bulk_create([Attendance(session=session, person=p, mark="present") for p in extra])
    after = counts()
    assert after == before
    assert before[1] <= 10
