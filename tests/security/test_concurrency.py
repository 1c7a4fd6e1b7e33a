"""Two requests enrolling the same person or marking the same attendance at the same moment
leave exactly one row and no server error (courses/attendance.py; the unique constraints on
Enrolment and Attendance are the backstop); two confirmations of one people file import it once.

Real threads against a real database: PostgreSQL only (SQLite locks the whole file, so it
cannot show a race). CI runs the suite on PostgreSQL too."""

import datetime
import threading

import pytest
from django.db import connection

from courses import attendance
from courses.attendance import enrol, set_marks
from courses.models import Attendance, CourseRun, Enrolment, Session
from people.importing import PendingImportGone, import_pending, keep_pending_import
from people.models import PendingImport, User
from tests.factories import OrganisationFactory, PersonFactory, make_course, make_run

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: concurrent writers on SQLite are serialised by its file lock",
    ),
]


def run_together(*calls, timeout=30):
    """Run each call in its own thread, released at the same moment; each thread closes its
    database connection. Returns (results, errors)."""
    barrier = threading.Barrier(len(calls), timeout=timeout)
    results, errors = [None] * len(calls), []

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # any exception is a finding
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"
    return results, errors


@pytest.fixture
def scene():
    org = OrganisationFactory(slug="jour-c", name="Kvinnojouren C")
    coordinator = PersonFactory(organisation=org, group_staff=True)
    run = make_run(make_course(org, units=2), datetime.date(2026, 3, 5))  # sessions in the past
    person = PersonFactory(organisation=org)
    return {"run": run, "person": person, "coordinator": coordinator}


@pytest.fixture
def without_row_locks(monkeypatch):
    """Take away the run/session row locks and line both writers up right before their INSERT,
    so that both have read "no row yet": only the unique constraint and the retry stand between
    them and a duplicate."""
    barrier = threading.Barrier(2, timeout=10)
    waited = threading.local()
    real_bulk_create = attendance.bulk_create_with_history

    def bulk_create_after_both_have_read(objs, model, *args, **kwargs):
        if objs and not getattr(waited, "done", False):
            waited.done = True
            barrier.wait()
        return real_bulk_create(objs, model, *args, **kwargs)

    monkeypatch.setattr(attendance, "bulk_create_with_history", bulk_create_after_both_have_read)
    for model in (CourseRun, Session):
        monkeypatch.setattr(model.objects, "select_for_update", model.objects.all)


def test_enrolling_the_same_person_twice_at_once_makes_one_enrolment(scene):
    run, person = scene["run"], scene["person"]
    results, errors = run_together(lambda: enrol(run, [person]), lambda: enrol(run, [person]))
    assert errors == []
    assert Enrolment.objects.filter(run=run, person=person).count() == 1
    assert sorted(len(r.enrolled) for r in results) == [0, 1]
    assert sorted(len(r.already) for r in results) == [0, 1]


def test_marking_the_same_attendance_twice_at_once_makes_one_mark(scene):
    run, person, by = scene["run"], scene["person"], scene["coordinator"]
    enrol(run, [person])
    session = run.sessions.order_by("starts_at").first()
    _results, errors = run_together(
        lambda: set_marks(session, {person.pk: "present"}, by),
        lambda: set_marks(session, {person.pk: "late"}, by),
    )
    assert errors == []
    marks = list(Attendance.objects.filter(session=session, person=person))
    assert len(marks) == 1
    assert marks[0].mark in ("present", "late")
    # The history has every write, the last one matching what is stored.
    history = Attendance.history.filter(session_id=session.pk, person_id=person.pk)
    assert history.filter(history_type="+").count() == 1
    assert history.latest().mark == marks[0].mark


def test_the_unique_constraint_and_a_retry_catch_an_enrolment_race(scene, without_row_locks):
    run, person = scene["run"], scene["person"]
    results, errors = run_together(lambda: enrol(run, [person]), lambda: enrol(run, [person]))
    assert errors == []
    assert Enrolment.objects.filter(run=run, person=person).count() == 1
    assert sorted(len(r.enrolled) for r in results) == [0, 1]


def test_the_unique_constraint_and_a_retry_catch_an_attendance_race(scene, without_row_locks):
    run, person, by = scene["run"], scene["person"], scene["coordinator"]
    Enrolment.objects.create(run=run, person=person)
    session = run.sessions.order_by("starts_at").first()
    results, errors = run_together(
        lambda: set_marks(session, {person.pk: "present"}, by),
        lambda: set_marks(session, {person.pk: "late"}, by),
    )
    assert errors == []
    marks = list(Attendance.objects.filter(session=session, person=person))
    assert len(marks) == 1
    # The writer that lost the race found the other's row and wrote its own mark over it.
    assert sorted(results) == [1, 1]


def test_confirming_the_same_people_file_twice_at_once_imports_it_once(scene):
    """A double click on "Confirm import": both requests check the kept file, then the first
    to delete the pending import imports it and the other finds it gone (no second import)."""
    coordinator = scene["coordinator"]
    organisation = coordinator.organisation
    content = b"email,first_name,last_name,groups,joined_on\nny1@example.org,Ny,Ett,volunteer,2026-01-01\n"
    pending = keep_pending_import(content, "people.csv", organisation, by=coordinator)
    copies = [PendingImport.objects.get(pk=pending.pk) for _ in range(2)]

    def confirm(copy):
        try:
            return import_pending(copy, by=coordinator)[1]
        except PendingImportGone:
            return "gone"

    results, errors = run_together(lambda: confirm(copies[0]), lambda: confirm(copies[1]))
    assert errors == []
    assert sorted(map(str, results)) == [
        "ImportSummary(created=1, updated=0, unchanged=0)",
        "gone",
    ]
    assert User.objects.filter(email="ny1@example.org").count() == 1
    assert not PendingImport.objects.exists()


def test_answering_the_same_evaluation_twice_at_once_keeps_one_answer(scene, monkeypatch):
    """A double click on "Skicka mitt svar": both requests find no receipt yet; the receipt's
    unique constraint lets one through, and the other writes nothing (no second answer)."""
    from django.utils import timezone

    from quality import evaluations
    from quality.models import EvaluationAnswer, EvaluationReceipt, EvaluationResponse

    person, by = scene["person"], scene["coordinator"]
    course = make_course(person.organisation, title="Studiecirkel nu", units=2)
    run = make_run(course, timezone.localdate() - datetime.timedelta(days=7))  # one session held
    enrol(run, [person])
    set_marks(run.sessions.get(unit_number=1), {person.pk: "present"}, by)
    barrier = threading.Barrier(2, timeout=10)
    real_rows = evaluations._answer_rows

    def rows_after_both_have_checked(*args):
        barrier.wait()  # both have read "no receipt yet"
        return real_rows(*args)

    monkeypatch.setattr(evaluations, "_answer_rows", rows_after_both_have_checked)
    answers = {
        q.pk: 4 if q.kind == "rating" else "Bra" for q in evaluations.questions_for(run.organisation, "basic")
    }
    _results, errors = run_together(
        lambda: evaluations.submit_evaluation(person, run.pk, 1, answers),
        lambda: evaluations.submit_evaluation(person, run.pk, 1, answers),
    )
    assert [getattr(error, "code", error) for error in errors] == ["answered"]
    assert EvaluationReceipt.objects.filter(person=person, run=run, unit_number=1).count() == 1
    assert EvaluationResponse.objects.count() == 1
    assert EvaluationAnswer.objects.count() == 4
