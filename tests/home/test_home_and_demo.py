"""The home page and the demo data that `make run` loads."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from wagtail.models import Page, PageViewRestriction, Site

from courses.models import CoursePage, LessonPage
from home.models import HomePage
from people.models import User
from tests.auth import sign_in


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def database_snapshot() -> dict[str, list]:
    """Every stored row of our apps, Wagtail's core and auth, as the database holds it."""
    labels = {"jour_people", "jour_courses", "home", "wagtailcore", "auth"}
    snapshot = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if model._meta.app_label in labels and not model._meta.proxy and model._meta.managed:
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - table names from the models
                snapshot[model._meta.db_table] = sorted(map(repr, cursor.fetchall()))
    return snapshot


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    seed()
    first = database_snapshot()
    output = seed()
    assert database_snapshot() == first
    assert "(0 new)" in output


@pytest.mark.django_db
def test_seed_demo_content_and_logins():
    output = seed()
    for email in (
        "samordnare@example.org",
        "styrelse@example.org",
        "volontar1@example.org",
        "volontar2@example.org",
    ):
        assert email in output
        assert User.objects.get(email=email).check_password("jourdemo-2026")
    people = User.objects.filter(organisation__slug="bjorkdalen")
    assert 20 <= people.count() <= 30
    assert people.filter(protected_identity=True).count() == 1
    assert people.filter(left_on__isnull=False).exists()
    for code in ("volunteer", "staff", "board"):
        assert people.in_group(code).exists()
    basic = CoursePage.objects.get(title="Studiecirkel för nya jourkvinnor")
    assert basic.units.count() == 8
    assert LessonPage.objects.child_of(basic).count() == 8
    assert CoursePage.objects.filter(kind="continuing").exists()
    assert (
        PageViewRestriction.objects.filter(page__in=LessonPage.objects.all()).count()
        == LessonPage.objects.count()
    )
    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific_class is HomePage
    assert not Page.objects.filter(depth=2).exclude(pk=site.root_page_id).exists()


@pytest.mark.django_db
def test_home_page_leads_each_kind_of_user_to_her_place(client):
    seed()
    html = client.get("/").content.decode()
    course = CoursePage.objects.get(title="Studiecirkel för nya jourkvinnor")
    assert f'href="{course.url}"' in html  # prospective volunteers
    assert 'href="/accounts/login/"' in html  # participants
    assert 'href="/admin/"' in html  # coordinators and board

    sign_in(client, User.objects.get(email="volontar1@example.org"))
    html = client.get("/").content.decode()
    assert "Sara" in html
    assert f'href="{course.url}"' in html


@pytest.mark.django_db
def test_login_with_email_and_password(client):
    seed()
    response = client.post(
        "/accounts/login/", {"username": "volontar1@example.org", "password": "jourdemo-2026"}
    )
    assert response.status_code == 302
    client.logout()
    wrong = client.post("/accounts/login/", {"username": "volontar1@example.org", "password": "nope"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors


@pytest.mark.django_db
def test_swedish_by_default_and_english_on_request(client):
    seed()
    swedish = client.get("/").content.decode()
    assert '<html lang="sv">' in swedish
    assert "Logga in" in swedish
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/").content.decode()
    assert '<html lang="en">' in english
    assert "Log in" in english
    assert 'lang="sv"' in english  # the switch back is offered in Swedish


@pytest.mark.django_db
def test_404_page_is_friendly(client):
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    assert "<h1>" in response.content.decode()


@pytest.mark.django_db
def test_browser_language_does_not_override_the_swedish_default(client):
    seed()
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="sv">' in html


@pytest.mark.django_db
def test_demo_board_shows_every_kind_of_reason():
    from django.utils import timezone

    from certifications.clearance import clearance
    from people.models import Organisation

    seed()
    results = clearance(Organisation.objects.get(slug="bjorkdalen"), timezone.localdate())
    kinds = {code.split(":")[0] for r in results for code in r.reason_codes}
    # The demo's Tystnadslöfte is the confidentiality pledge: it is due for renewal, never expired.
    assert kinds == {"inactive", "missing", "revoked", "renewal_due", "hours"}
    assert any(r.cleared for r in results)
    assert any(code.startswith("renew_by:Tystnadslöfte:") for r in results for code in r.warning_codes)
    # The study circle's completions awarded Grundutbildning.
    from certifications.models import Qualification

    assert Qualification.objects.filter(source="course_completion", type__name="Grundutbildning").count() == 4


@pytest.mark.awkward_moments
@pytest.mark.django_db
def test_the_demo_tells_the_readmes_story_at_any_moment(moment):
    """README "Demo data": the run in progress has six sessions held and two to come, the demo
    volunteers are at 6 and 4 of 8, and the board shows every kind of reason, whatever the day
    and hour the demo is loaded (a Thursday before the evening session, a daylight-saving Sunday,
    New Year's Eve)."""
    from django.utils import timezone

    from certifications.clearance import clearance
    from courses.completion import progress_for_enrolments
    from courses.models import CourseRun, Enrolment
    from people.models import Organisation

    seed()
    now = timezone.now()
    assert abs(now - moment).total_seconds() < 60  # the frozen clock is on
    current = next(
        run
        for run in CourseRun.objects.all()
        if run.sessions.filter(starts_at__lt=now).exists() and run.sessions.filter(starts_at__gt=now).exists()
    )
    assert current.sessions.filter(ends_at__lt=now).count() == 6
    assert current.sessions.filter(starts_at__gt=now).count() == 2
    assert not current.sessions.filter(starts_at__date=timezone.localdate()).exists()
    done = {
        p.enrolment.person.email: p.done
        for p in progress_for_enrolments(Enrolment.objects.filter(run=current))
    }
    assert (done["volontar1@example.org"], done["volontar2@example.org"]) == (6, 4)
    results = clearance(Organisation.objects.get(slug="bjorkdalen"), timezone.localdate())
    kinds = {code.split(":")[0] for r in results for code in r.reason_codes}
    assert kinds == {"inactive", "missing", "revoked", "renewal_due", "hours"}


@pytest.mark.awkward_moments
@pytest.mark.django_db
def test_the_demo_shows_the_weeks_loop_at_any_moment(moment, client):
    """README "Demo data": Leila has given apologies for the next session, the last session is
    moved a day (still at 18.00), Sara wants reminders and has a certificate of the evening to
    download, whatever the moment the demo is loaded."""
    import datetime

    from django.urls import reverse
    from django.utils import timezone

    from courses.models import Attendance, Completion, CourseRun, Mark

    seed()
    now = timezone.now()
    current = next(
        run
        for run in CourseRun.objects.all()
        if run.sessions.filter(starts_at__lt=now).exists() and run.sessions.filter(starts_at__gt=now).exists()
    )
    coming = list(current.sessions.filter(starts_at__gt=now).order_by("starts_at"))
    apology = Attendance.objects.get(session=coming[0], person__email="volontar2@example.org")
    assert apology.mark == Mark.EXCUSED and apology.note
    moved = coming[-1]
    assert moved.local_date - timezone.localdate(moved.moved_from) == datetime.timedelta(days=1)
    assert timezone.localtime(moved.starts_at).time() == datetime.time(18)
    sara = User.objects.get(email="volontar1@example.org")
    assert sara.session_reminders
    evening = Completion.objects.get(person=sara, course__title__startswith="Fördjupningskväll")

    sign_in(client, sara)
    html = client.get(reverse("my_training")).content.decode()
    assert "Flyttad från" in html
    assert reverse("certifications_certificate_pdf", args=[evening.pk]) in html
    response = client.get(reverse("certifications_certificate_pdf", args=[evening.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
