"""The completion rule's edges (courses/completion.py) and the writes that trigger it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.attendance import (
    AttendanceError,
    enrol,
    record_makeup,
    save_session,
    set_marks,
    withdraw,
)
from courses.completion import UnitState, progress_for_run
from courses.models import Attendance, Completion, Enrolment, SessionStatus
from tests.courses.conftest import FIRST
from tests.factories import PersonFactory, make_course, make_run


@pytest.fixture
def anna(org_a, run):
    person = PersonFactory(first_name="Anna", organisation=org_a)
    enrol(run, [person])
    return person


def sessions(run):
    return list(run.sessions.order_by("starts_at"))


def mark_all(run, person, by, marks):
    """``marks``: one mark per session in order (None = leave unmarked)."""
    for session, mark in zip(sessions(run), marks, strict=True):
        if mark:
            set_marks(session, {person.pk: mark}, by)


def progress_of(run, person):
    (progress,) = [p for p in progress_for_run(run) if p.enrolment.person_id == person.pk]
    return progress


def completion_of(person):
    return Completion.objects.filter(person=person).first()


def test_all_present_completes_on_the_last_sessions_date(run, anna, coordinator_a):
    mark_all(run, anna, coordinator_a, ["present"] * 8)
    completion = completion_of(anna)
    assert completion.completed_on == sessions(run)[-1].local_date == datetime.date(2026, 4, 23)
    assert not completion.flagged
    progress = progress_of(run, anna)
    assert (progress.done, progress.required, progress.percent) == (8, 8, 100)


def test_late_counts_as_attended(run, anna, coordinator_a):
    mark_all(run, anna, coordinator_a, ["present"] * 7 + ["late"])
    assert completion_of(anna) is not None
    assert progress_of(run, anna).units[-1].state == UnitState.ATTENDED


def test_excused_does_not_count_unless_made_up(run, anna, coordinator_a):
    mark_all(run, anna, coordinator_a, ["present", "present", "excused"] + ["present"] * 5)
    progress = progress_of(run, anna)
    assert progress.done == 7
    assert [u.number for u in progress.missing] == [3]
    assert progress.missing[0].mark == "excused"
    assert completion_of(anna) is None

    enrolment = Enrolment.objects.get(run=run, person=anna)
    record_makeup(enrolment, 3, coordinator_a, date=datetime.date(2026, 5, 6), led_by="Cirkelledaren")
    completion = completion_of(anna)
    assert completion.completed_on == datetime.date(2026, 5, 6)  # the make-up met the rule
    # The make-up never rewrites the original mark.
    assert Attendance.objects.get(session=sessions(run)[2], person=anna).mark == "excused"
    assert progress_of(run, anna).units[2].state == UnitState.MADE_UP


def test_absent_does_not_count(run, anna, coordinator_a):
    mark_all(run, anna, coordinator_a, ["present"] * 7 + ["absent"])
    assert progress_of(run, anna).missing[0].number == 8
    assert completion_of(anna) is None


def test_make_up_in_another_run_counts_when_attended(course, run, anna, coordinator_a):
    mark_all(run, anna, coordinator_a, ["present"] * 4 + ["absent"] + ["present"] * 3)
    next_run = make_run(course, datetime.date(2026, 9, 3), title="Studiecirkel HT 2026")
    other = next_run.sessions.get(unit_number=5)
    enrolment = Enrolment.objects.get(run=run, person=anna)
    record_makeup(enrolment, 5, coordinator_a, session=other)
    assert completion_of(anna) is None, "booked but not yet attended"
    set_marks(other, {anna.pk: "late"}, coordinator_a)  # she is on that session's register as a guest
    assert completion_of(anna).completed_on == other.local_date == datetime.date(2026, 10, 1)
    assert Attendance.objects.get(session=sessions(run)[4], person=anna).mark == "absent"


def test_make_up_session_must_be_the_same_unit_in_another_run(course, run, anna, coordinator_a):
    enrolment = Enrolment.objects.get(run=run, person=anna)
    next_run = make_run(course, datetime.date(2026, 9, 3), title="HT")
    with pytest.raises(AttendanceError):
        record_makeup(enrolment, 5, coordinator_a, session=next_run.sessions.get(unit_number=6))
    with pytest.raises(AttendanceError):
        record_makeup(enrolment, 5, coordinator_a, session=sessions(run)[4])


def test_n_greater_than_zero_allows_that_many_missed_units(org_a, coordinator_a):
    course = make_course(org_a, title="Fortbildning", units=4, max_missed_units=1, kind="continuing")
    run = make_run(course, FIRST)
    person = PersonFactory(organisation=org_a)
    enrol(run, [person])
    mark_all(run, person, coordinator_a, ["present", "absent", "present", None])
    assert completion_of(person) is None  # 2 of 4: two missing, one allowed
    set_marks(sessions(run)[3], {person.pk: "present"}, coordinator_a)
    # Met when the third unit was attended: the date of session 4.
    assert completion_of(person).completed_on == sessions(run)[3].local_date


def test_completion_date_is_the_event_that_met_the_rule_not_the_last_edit(org_a, coordinator_a):
    course = make_course(org_a, title="Kort", units=3, max_missed_units=1, kind="continuing")
    run = make_run(course, FIRST)
    person = PersonFactory(organisation=org_a)
    enrol(run, [person])
    # Unit 3 is marked first, then unit 1: the rule (2 of 3) is met by session 3's date.
    set_marks(sessions(run)[2], {person.pk: "present"}, coordinator_a)
    set_marks(sessions(run)[0], {person.pk: "present"}, coordinator_a)
    assert completion_of(person).completed_on == sessions(run)[2].local_date


def test_cancelled_session_does_not_count_against_anyone(run, anna, coordinator_a):
    mark_all(run, anna, coordinator_a, ["present"] * 5 + ["absent"] + ["present"] * 2)
    assert completion_of(anna) is None
    sixth = sessions(run)[5]
    sixth.status, sixth.cancel_reason = SessionStatus.CANCELLED, "Cirkelledaren sjuk"
    save_session(sixth)
    progress = progress_of(run, anna)
    assert progress.required == 7 and progress.done == 7
    assert progress.units[5].state == UnitState.CANCELLED
    assert completion_of(anna).completed_on == sessions(run)[-1].local_date


def test_a_session_change_and_the_rule_are_one_transaction(run, anna, coordinator_a, monkeypatch):
    """``save_session`` runs the rule inside its transaction: when the rule fails, the change to
    the session is not kept either (no cancelled session with stale completions)."""
    mark_all(run, anna, coordinator_a, ["present"] * 5 + ["absent"] + ["present"] * 2)
    sixth = sessions(run)[5]

    def failing_rule(enrolments):
        raise RuntimeError("the rule failed")

    monkeypatch.setattr("courses.attendance.refresh_completions", failing_rule)
    sixth.status, sixth.cancel_reason = SessionStatus.CANCELLED, "Cirkelledaren sjuk"
    with pytest.raises(RuntimeError):
        save_session(sixth)
    sixth.refresh_from_db()
    assert not sixth.is_cancelled and sixth.cancel_reason == ""


def test_marks_on_a_cancelled_session_do_not_count(run, anna, coordinator_a):
    mark_all(run, anna, coordinator_a, ["present"] * 8)
    first = sessions(run)[0]
    first.status, first.cancel_reason = SessionStatus.CANCELLED, "Lokalen stängd"
    save_session(first)
    assert progress_of(run, anna).units[0].state == UnitState.CANCELLED
    with pytest.raises(AttendanceError):
        set_marks(first, {anna.pk: "absent"}, coordinator_a)


def test_withdrawn_enrolment_does_not_complete(run, anna, coordinator_a):
    enrolment = Enrolment.objects.get(run=run, person=anna)
    mark_all(run, anna, coordinator_a, ["present"] * 7 + [None])
    withdraw(enrolment)
    enrolment.refresh_from_db()
    assert enrolment.is_withdrawn
    # A withdrawn participant is not on the register any more.
    with pytest.raises(AttendanceError):
        set_marks(sessions(run)[7], {anna.pk: "present"}, coordinator_a)
    assert not progress_of(run, anna).rule_met
    assert completion_of(anna) is None
    # Enrolling again brings her back, with her marks.
    enrol(run, [anna])
    set_marks(sessions(run)[7], {anna.pk: "present"}, coordinator_a)
    assert completion_of(anna) is not None


def test_a_later_edit_that_breaks_the_rule_flags_rather_than_deletes(run, anna, coordinator_a):
    mark_all(run, anna, coordinator_a, ["present"] * 8)
    completed_on = completion_of(anna).completed_on
    set_marks(sessions(run)[2], {anna.pk: "absent"}, coordinator_a)
    completion = completion_of(anna)
    assert completion is not None and completion.flagged
    assert completion.completed_on == completed_on
    assert "1" in completion.flag_reason
    # Putting it right unflags it, and the date stays.
    set_marks(sessions(run)[2], {anna.pk: "late"}, coordinator_a)
    completion = completion_of(anna)
    assert not completion.flagged and completion.completed_on == completed_on


def test_every_change_to_a_mark_is_kept_with_who_and_when(run, anna, coordinator_a, board_a):
    session = sessions(run)[0]
    set_marks(session, {anna.pk: "absent"}, coordinator_a)
    set_marks(session, {anna.pk: "absent"}, board_a)  # no change, no history
    set_marks(session, {anna.pk: "late"}, board_a)
    history = list(Attendance.objects.get(session=session, person=anna).history.order_by("history_date"))
    assert [(h.mark, h.history_user) for h in history] == [("absent", coordinator_a), ("late", board_a)]
    assert all(h.history_date for h in history)


def test_enrolling_twice_is_reported_not_duplicated(run, anna, org_a):
    other = PersonFactory(organisation=org_a)
    result = enrol(run, [anna, other])
    assert result.already == [anna] and result.enrolled == [other]
    assert Enrolment.objects.filter(run=run, person=anna).count() == 1


def test_people_of_another_organisation_cannot_be_enrolled(run, coordinator_b):
    with pytest.raises(AttendanceError):
        enrol(run, [coordinator_b])


def test_someone_not_on_the_register_cannot_be_marked(run, anna, org_a, coordinator_a):
    stranger = PersonFactory(organisation=org_a)
    with pytest.raises(AttendanceError):
        set_marks(sessions(run)[0], {stranger.pk: "present"}, coordinator_a)
    assert not Attendance.objects.filter(person=stranger).exists()


def test_progress_for_a_run_takes_the_same_number_of_queries_for_5_or_40_people(run, org_a, coordinator_a):
    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            progress_for_run(run)
        return len(ctx)

    people = PersonFactory.create_batch(5, organisation=org_a)
    enrol(run, people)
    for session in sessions(run):
        set_marks(session, {p.pk: "present" for p in people}, coordinator_a)
    few = count_queries()
    more = PersonFactory.create_batch(35, organisation=org_a)
    enrol(run, more)
    for session in sessions(run)[:4]:
        set_marks(session, {p.pk: "late" for p in more}, coordinator_a)
    assert count_queries() == few <= 6


@pytest.mark.awkward_moments
def test_attendance_cannot_be_marked_before_the_session_begins(course, org_a, coordinator_a):
    from django.utils import timezone

    run = make_run(course, timezone.localdate() + datetime.timedelta(days=2), title="Nästa")
    person = PersonFactory(organisation=org_a)
    enrol(run, [person])
    with pytest.raises(AttendanceError, match=r"begun|börjat"):
        set_marks(run.sessions.first(), {person.pk: "present"}, coordinator_a)
    assert not Attendance.objects.exists()
