"""The member area: My training, and self-paced lessons."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from certifications.certificates import issue_certificate, revoke_certificate
from certifications.models import (
    Certificate,
    Qualification,
    QualificationType,
    ShiftRole,
    ShiftRoleRequirement,
)
from courses.attendance import enrol, record_makeup, set_marks
from courses.completion import mark_lesson_done
from courses.ical import feed_token
from courses.models import Completion, Enrolment, FeedKind, LessonCompletion, LessonPage
from quality.evaluations import create_default_questions, questions_for, submit_evaluation
from tests.auth import sign_in
from tests.factories import PersonFactory, make_course, make_run


@pytest.fixture
def setting(org_a, coordinator_a):
    """A run that began four weeks ago (four sessions held, four to come) and one in spring."""
    course = make_course(org_a, title="Studiecirkel")
    for number in (1, 2, 3):
        course.add_child(
            instance=LessonPage(title=f"Träff {number}", slug=f"traff-{number}", unit_number=number)
        )
    today = timezone.localdate()
    run = make_run(
        course, today - datetime.timedelta(weeks=4) + datetime.timedelta(days=1), title="Cirkeln nu"
    )
    later = make_run(course, today + datetime.timedelta(weeks=10), title="Cirkeln sen")
    sara = PersonFactory(first_name="Sara", organisation=org_a)
    enrol(run, [sara])
    held = list(run.sessions.order_by("starts_at"))[:4]
    for session, mark in zip(held, ["present", "late", "excused", "present"], strict=True):
        set_marks(session, {sara.pk: mark}, coordinator_a)
    return {"course": course, "run": run, "later": later, "sara": sara}


@pytest.mark.awkward_moments
def test_volunteer_sees_progress_missing_units_and_next_sessions(client, setting):
    sign_in(client, setting["sara"])
    response = client.get(reverse("my_training"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cirkeln nu" in html
    assert '<progress class="progress" max="8" value="3"' in html
    (entry,) = response.context["runs"]
    missing = [u.unit.number for u in entry.units if u.unit.is_missing]
    assert missing == [3]
    unit3 = next(u for u in entry.units if u.unit.number == 3)
    assert [s.run.title for s in unit3.alternatives] == ["Cirkeln sen"]  # how to make it up
    assert unit3.lesson.title == "Träff 3"
    upcoming = response.context["upcoming"]
    assert [s.unit_number for s in upcoming[:2]] == [5, 6]
    assert all(s.run.title == "Cirkeln nu" for s in upcoming)


def test_booked_make_up_and_completion_show(client, setting, coordinator_a):
    sara, run, later = setting["sara"], setting["run"], setting["later"]
    enrolment = Enrolment.objects.get(run=run, person=sara)
    record_makeup(enrolment, 3, coordinator_a, session=later.sessions.get(unit_number=3))
    sign_in(client, sara)
    response = client.get(reverse("my_training"))
    (entry,) = response.context["runs"]
    unit3 = next(u for u in entry.units if u.unit.number == 3)
    assert unit3.booked.session.run == later
    assert any(s.run == later for s in response.context["upcoming"])  # the make-up is in her next sessions

    Completion.objects.create(person=sara, course=setting["course"], completed_on=datetime.date(2025, 5, 1))
    html = client.get(reverse("my_training")).content.decode()
    assert "2025-05-01" in html


def test_my_training_needs_login_and_shows_only_her_own(client, setting, org_a):
    response = client.get(reverse("my_training"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    other = PersonFactory(organisation=org_a)
    sign_in(client, other)
    response = client.get(reverse("my_training"))
    assert response.context["runs"] == []
    assert "Cirkeln nu" not in response.content.decode()


def test_login_leads_to_my_training(client, setting):
    response = client.post(
        "/accounts/login/", {"username": setting["sara"].email, "password": "test-password-123"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("my_training")


def test_self_paced_course_completes_when_all_lessons_are_done(client, org_a):
    course = make_course(org_a, title="Chatt", units=2, kind="continuing", self_paced=True)
    lessons = [
        course.add_child(instance=LessonPage(title=f"Del {n}", slug=f"del-{n}", unit_number=n))
        for n in (1, 2)
    ]
    person = PersonFactory(organisation=org_a)
    sign_in(client, person)
    page = client.get(lessons[0].url).content.decode()
    assert reverse("courses_lesson_done", args=[lessons[0].pk]) in page
    client.post(reverse("courses_lesson_done", args=[lessons[0].pk]))
    assert LessonCompletion.objects.filter(person=person).count() == 1
    assert not Completion.objects.filter(person=person).exists()
    assert client.get(lessons[0].url).context["lesson_done"] is True
    client.post(reverse("courses_lesson_done", args=[lessons[1].pk]))
    completion = Completion.objects.get(person=person, course=course)
    assert completion.completed_on == timezone.localdate()
    client.post(reverse("courses_lesson_done", args=[lessons[1].pk]))  # again: nothing new
    assert Completion.objects.filter(person=person).count() == 1
    (item,) = client.get(reverse("my_training")).context["self_paced"]
    assert item.done_count == 2 and item.complete


def test_lessons_of_other_courses_cannot_be_marked_done(client, org_a, org_b):
    guided = make_course(org_a, title="Cirkel")
    lesson = guided.add_child(instance=LessonPage(title="T1", slug="t1", unit_number=1))
    foreign = make_course(org_b, title="Deras", units=1, self_paced=True)
    foreign_lesson = foreign.add_child(instance=LessonPage(title="D1", slug="d1", unit_number=1))
    sign_in(client, PersonFactory(organisation=org_a))
    assert client.post(reverse("courses_lesson_done", args=[lesson.pk])).status_code == 404
    assert client.post(reverse("courses_lesson_done", args=[foreign_lesson.pk])).status_code == 404
    assert not LessonCompletion.objects.exists()


@pytest.mark.awkward_moments
def test_a_cancelled_session_stays_marked_with_its_reason_and_a_moved_one_says_so(client, setting):
    from courses.attendance import save_session
    from courses.models import SessionStatus

    sara, run = setting["sara"], setting["run"]
    coming = list(run.sessions.filter(starts_at__gte=timezone.now()).order_by("starts_at"))
    cancelled, moved = coming[0], coming[1]
    cancelled.status, cancelled.cancel_reason = SessionStatus.CANCELLED, "Lokalen är stängd"
    save_session(cancelled)
    old_start = timezone.localtime(moved.starts_at)
    moved.starts_at += datetime.timedelta(days=1)
    moved.ends_at += datetime.timedelta(days=1)
    save_session(moved)
    sign_in(client, sara)
    response = client.get(reverse("my_training"))
    assert cancelled in response.context["upcoming"]
    html = response.content.decode()
    assert '<span class="status status--cancelled">Inställd</span>' in html
    assert "Anledning: Lokalen är stängd" in html
    day = old_start.strftime("%-d")
    assert f"Flyttad från {WEEKDAYS[old_start.weekday()]} {day} " in html
    assert f"kl. {old_start:%H.%M}" in html
    # The cancelled one has no "Add to calendar"; the moved one has.
    assert reverse("courses_session_ics", args=[cancelled.pk]) not in html
    assert reverse("courses_session_ics", args=[moved.pk]) in html


WEEKDAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]


def _one_more_of_everything(n: int, sara, coordinator) -> None:
    """A run of a course with lessons, begun four weeks ago (units 2 and 3 missed: 3 booked at a
    later run, 2 to make up there; apologies given for unit 5), a completion with its
    certificate, a self-paced course with a lesson done, a qualification and a shift role."""
    org = sara.organisation
    course = make_course(org, title=f"Cirkel {n}")
    for number in (1, 2, 3):
        course.add_child(
            instance=LessonPage(title=f"Träff {n}.{number}", slug=f"t{n}-{number}", unit_number=number)
        )
    today = timezone.localdate()
    run = make_run(course, today - datetime.timedelta(days=27), title=f"Nu {n}")
    later = make_run(course, today + datetime.timedelta(weeks=10), title=f"Sen {n}")
    enrol(run, [sara])
    sessions = list(run.sessions.order_by("starts_at"))
    for session, mark in zip(sessions, ["present", "absent", "excused", "present", "excused"], strict=False):
        set_marks(session, {sara.pk: mark}, coordinator)
    enrolment = Enrolment.objects.get(run=run, person=sara)
    record_makeup(enrolment, 3, coordinator, session=later.sessions.get(unit_number=3))
    done = Completion.objects.create(
        person=sara, course=course, completed_on=today - datetime.timedelta(days=n)
    )
    issue_certificate(done, by=coordinator)
    own_pace = make_course(org, title=f"Egen takt {n}", units=1, kind="continuing", self_paced=True)
    lesson = own_pace.add_child(instance=LessonPage(title=f"Del {n}", slug=f"del-{n}", unit_number=1))
    LessonCompletion.objects.create(person=sara, lesson=lesson)
    qualification_type = QualificationType.objects.create(organisation=org, name=f"Behörighet {n}")
    Qualification.objects.create(person=sara, type=qualification_type, issued_on=today, source="attestation")
    role = ShiftRole.objects.create(organisation=org, name=f"Pass {n}", sort_order=n)
    ShiftRoleRequirement.objects.create(role=role, qualification_type=qualification_type, sort_order=0)


def test_my_training_takes_the_same_queries_for_one_run_and_four(client, org_a, coordinator_a):
    """Every part of the page is read set-wise: four runs (with their lessons, make-ups booked
    and to find, apologies and evaluations), completions with certificates, self-paced courses,
    qualifications and roles cost no more queries than one of each."""
    create_default_questions(org_a)
    sara = PersonFactory(first_name="Sara", organisation=org_a)
    _one_more_of_everything(1, sara, coordinator_a)
    sign_in(client, sara)
    client.get(reverse("my_training"))  # her calendar link is made on the first visit

    def visit():
        cache.clear()  # her standing counted, not taken from the cache
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("my_training"))
        assert response.status_code == 200
        return response, len(queries)

    first, one = visit()
    assert len(first.context["runs"]) == 1
    for n in (2, 3, 4):
        _one_more_of_everything(n, sara, coordinator_a)
    response, four = visit()
    context = response.context
    runs = context["runs"]
    assert len(runs) == 4
    assert all(e.booked for run in runs for e in run.units if e.unit.number == 3)
    assert all(e.alternatives for run in runs for e in run.units if e.unit.number == 2)
    assert all(e.lesson for run in runs for e in run.units if e.unit.number <= 3)
    assert sum(s.my_mark == "excused" for s in context["upcoming"]) == 4
    assert {e.state for e in context["certificates"]} == {"ready"} and len(context["certificates"]) == 4
    assert [item.done_count for item in context["self_paced"]] == [1] * 4
    assert len(context["qualifications"]) == 4 and [r["cleared"] for r in context["roles"]] == [True] * 4
    assert len({e.run.pk for e in context["evaluations"]}) == 4
    # Each unit she attended has its link, looked up once (home/views.py with_evaluations).
    assert [e.unit.number for run in runs for e in run.units if e.evaluation] == [1, 4] * 4
    html = response.content.decode()
    for run in runs:
        for number in (1, 4):
            assert reverse("quality_evaluation", args=[run.progress.enrolment.run_id, number]) in html
    assert four == one


def test_a_continuing_course_she_attended_is_evaluated_as_a_whole(client, org_a, coordinator_a):
    create_default_questions(org_a)
    course = make_course(org_a, title="Fördjupning", units=2, kind="continuing")
    run = make_run(course, timezone.localdate() - datetime.timedelta(days=8), title="Kväll")
    sara = PersonFactory(organisation=org_a)
    enrol(run, [sara])
    set_marks(run.sessions.order_by("starts_at").first(), {sara.pk: "present"}, coordinator_a)
    sign_in(client, sara)
    response = client.get(reverse("my_training"))
    (entry,) = response.context["runs"]
    assert entry.evaluation.is_whole_course and not any(e.evaluation for e in entry.units)
    link = reverse("quality_evaluation", args=[run.pk, 0])
    assert f'<p class="run-evaluation"><a href="{link}?next=' in response.content.decode()


def test_a_visit_after_the_first_reads_her_calendar_link_and_writes_nothing(client, org_a):
    """Her link is made on the first visit; later visits only read it, outside any transaction
    (on SQLite a transaction waits for the write lock), and write nothing but her session."""
    sara = PersonFactory(first_name="Sara", organisation=org_a)
    sign_in(client, sara)
    with CaptureQueriesContext(connection) as first:
        made = client.get(reverse("my_training")).context["feed_url"]
    assert any(q["sql"].startswith("INSERT") and "feedtoken" in q["sql"] for q in first.captured_queries)
    with CaptureQueriesContext(connection) as later:
        assert client.get(reverse("my_training")).context["feed_url"] == made
    statements = [q["sql"] for q in later.captured_queries]
    # One transaction: the session's (SESSION_SAVE_EVERY_REQUEST), its only write.
    transactions = [n for n, sql in enumerate(statements) if sql.startswith("SAVEPOINT")]
    assert len(transactions) == 1 and statements[transactions[0] + 1].startswith('UPDATE "django_session"')
    assert not [sql for sql in statements if sql.startswith(("INSERT", "DELETE"))]
    assert len([sql for sql in statements if sql.startswith("UPDATE")]) == 1


# My training kept (home/views.py) -------------------------------------------------------------

PER_RENDERING = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*"')


def _page(client) -> str:
    response = client.get(reverse("my_training"))
    assert response.status_code == 200
    return PER_RENDERING.sub(r"\1", response.content.decode())


def _next_session(setting):
    return setting["run"].sessions.filter(starts_at__gte=timezone.now()).order_by("starts_at").first()


def _answer_evaluation(setting, org_a):
    answers = {q.pk: 4 if q.kind == "rating" else "" for q in questions_for(org_a, "basic")}
    submit_evaluation(setting["sara"], setting["run"], 1, answers)


def _move_lesson(setting, org_a):
    lesson = LessonPage.objects.get(title="Träff 3")
    lesson.slug = "traff-3-samtalet"  # its address on the page changes
    lesson.save_revision().publish()


def _before_the_next_session(setting, moment: str) -> None:
    """The clock at a minute before her next session starts (or ends: she is marked present
    there, and may evaluate it once it has ended)."""
    session = setting["session"] = _next_session(setting)
    setting["clock"].move_to(getattr(session, moment) - datetime.timedelta(minutes=1))
    if moment == "ends_at":
        set_marks(session, {setting["sara"].pk: "present"}, setting["coordinator"])


#: Where the clock is before the page is kept, for the changes by the clock alone.
PREPARE = {
    "her next session starts": lambda s: _before_the_next_session(s, "starts_at"),
    "her next session ends": lambda s: _before_the_next_session(s, "ends_at"),
}


def _rename_site() -> None:
    site = Site.objects.get(is_default_site=True)
    site.site_name = "Jourens utbildning"
    site.save()


def _rename_former_type(setting, org_a):
    kind = QualificationType.objects.get(name="Tystnadslöfte (förra jouren)")
    kind.name = "Tystnadslöfte (gamla jouren)"
    kind.save()


#: What changes My training while a copy of it is kept, each a function of the setting and her
#: organisation: her records, her calendar link, her settings, a lesson page, a record of an
#: organisation she has left, and the clock alone.
CHANGES = {
    "a mark": lambda s, org: set_marks(
        s["run"].sessions.order_by("starts_at")[2], {s["sara"].pk: "present"}, s["coordinator"]
    ),
    "her next session starts": lambda s, org: s["clock"].move_to(
        s["session"].starts_at + datetime.timedelta(seconds=1)
    ),
    "her next session ends": lambda s, org: s["clock"].move_to(s["session"].ends_at),
    "an evaluation answered": _answer_evaluation,
    "a new calendar link": lambda s, org: feed_token(s["sara"], FeedKind.MY_SESSIONS, reset=True),
    "the reminders": lambda s, org: _save_reminders(s["sara"]),
    "a lesson moved": _move_lesson,
    "a lesson of a self-paced course done": lambda s, org: mark_lesson_done(
        s["sara"], LessonPage.objects.get(title="Del 1")
    ),
    "her certificate revoked": lambda s, org: revoke_certificate(
        Certificate.objects.get(person=s["sara"]), s["coordinator"], "Fel kurs"
    ),
    "her former organisation's type renamed": _rename_former_type,
    # No record of an organisation: the site's name in the title (tracked everywhere).
    "the site renamed": lambda s, org: _rename_site(),
}


def _save_reminders(sara) -> None:
    sara.session_reminders = not sara.session_reminders
    sara.save(update_fields=["session_reminders"])


@pytest.mark.parametrize("what", list(CHANGES))
def test_the_kept_my_training_is_the_page_made_afresh(
    client, setting, org_a, org_b, coordinator_a, clock, what
):
    """Kept after her second visit, the page is answered from the cache in fewer queries; after
    any change to what it shows, by a record or by the clock alone, it is the page made afresh."""
    create_default_questions(org_a)
    sara = setting["sara"]
    former = QualificationType.objects.create(organisation=org_b, name="Tystnadslöfte (förra jouren)")
    Qualification.objects.create(
        person=sara, type=former, issued_on=timezone.localdate(), source="attestation"
    )
    self_paced = make_course(org_a, title="Chatt", units=2, kind="continuing", self_paced=True)
    for n in (1, 2):
        self_paced.add_child(instance=LessonPage(title=f"Del {n}", slug=f"del-{n}", unit_number=n))
    done = Completion.objects.create(
        person=sara, course=setting["course"], completed_on=datetime.date(2025, 5, 1)
    )
    issue_certificate(done, coordinator_a)
    setting.update(clock=clock, coordinator=coordinator_a)
    PREPARE.get(what, lambda s: None)(setting)
    sign_in(client, sara)
    client.get(reverse("my_training"))  # sets the CSRF cookie (no page is kept without it)
    with CaptureQueriesContext(connection) as made:
        before = _page(client)
    with CaptureQueriesContext(connection) as kept:
        assert _page(client) == before
    # Kept: the session, her, her organisations' versions, her link, the session saved (9
    # statements against 26 made); nothing of her courses is read.
    assert len(kept) < len(made) / 2
    assert not [q for q in kept.captured_queries if "jour_courses_session" in q["sql"]]
    CHANGES[what](setting, org_a)
    after = _page(client)
    assert after != before, what
    cache.clear()
    assert after == _page(client), what
