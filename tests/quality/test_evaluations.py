"""Check: the participants' evaluations (issue 17). Who may answer (attended, ended, her
organisation's, once), that nothing links her to her answer (no view, export, history or log
line), the results per run and period, and "<5 svar" in the external version."""

from __future__ import annotations

import datetime
import logging
import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.attendance import enrol, set_marks
from courses.models import Attendance, Session, SessionStatus
from quality.evaluations import (
    EvaluationRefused,
    evaluation_for,
    evaluation_results,
    pending_evaluations,
    questions_for,
    submit_evaluation,
)
from quality.models import (
    AnswerKind,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationReceipt,
    EvaluationResponse,
)
from tests.auth import sign_in
from tests.conftest import STOCKHOLM
from tests.factories import PersonFactory, make_course, make_run

DAY = datetime.timedelta(days=1)


@pytest.fixture(params=["afternoon", "00.30"])
def now(request, clock):
    """The default moment (a Wednesday afternoon), and half past midnight (the 25th in
    Stockholm, still the 24th in UTC)."""
    if request.param == "00.30":
        clock.move_to(datetime.datetime(2026, 11, 25, 0, 30, tzinfo=STOCKHOLM))
    return timezone.now()


@pytest.fixture
def circle(org_a, coordinator_a, now):
    """A study circle of three units, one session a week from three weeks ago (all ended) and a
    fourth unit this evening; Sara was present at unit 1, absent at 2 and late at 3."""
    today = timezone.localdate()
    course = make_course(org_a, title="Studiecirkel", units=4)
    run = make_run(course, today - 21 * DAY, title="Cirkeln HT")
    sara = PersonFactory(
        organisation=org_a, first_name="Sara", last_name="Svarsson", email="sara@example.org"
    )
    enrol(run, [sara])
    sessions = list(run.sessions.order_by("starts_at"))
    for session, mark in zip(sessions[:3], ["present", "absent", "late"], strict=True):
        set_marks(session, {sara.pk: mark}, coordinator_a)
    # Unit 4 is this evening: she is marked in advance (a session not yet ended).
    Attendance.objects.create(session=sessions[3], person=sara, mark="present", marked_by=coordinator_a)
    return {"course": course, "run": run, "sara": sara, "sessions": sessions}


def answers(organisation, kind="basic", ratings=(4, 5, 3), text="Bra träff."):
    """Answers to the organisation's questions: the ratings in order, the text to every text one."""
    rating = iter(ratings)
    return {
        question.pk: next(rating) if question.kind == AnswerKind.RATING else text
        for question in questions_for(organisation, kind)
    }


def attendee(run, unit_number, coordinator, **fields):
    """Someone present at the (ended) session of ``unit_number`` in ``run``."""
    person = PersonFactory(organisation=run.organisation, **fields)
    enrol(run, [person])
    set_marks(run.sessions.get(unit_number=unit_number), {person.pk: "present"}, coordinator)
    return person


# The questions ------------------------------------------------------------------------------


def test_every_new_organisation_starts_with_the_default_questions_in_swedish(org_a):
    basic = questions_for(org_a, "basic")
    assert [q.text for q in basic] == [
        "Hur nöjd är du med träffen som helhet?",
        "Kändes innehållet användbart för ditt jourarbete?",
        "Hur var cirkelledarnas förberedelse och ledning?",
        "Vad vill du ge för medskick till cirkelledarna?",
    ]
    assert [q.kind for q in basic] == ["rating", "rating", "rating", "text"]
    assert len(questions_for(org_a, "continuing")) == 4


def test_organisations_there_before_evaluations_got_the_same_questions():
    """Migration 0004 keeps its own copy of the default questions: the same as new ones get."""
    import importlib

    from quality.evaluations import DEFAULT_QUESTIONS

    migration = importlib.import_module("quality.migrations.0004_evaluations")
    copied = [(kind, answer, text) for kind, answer, _order, text in migration.DEFAULT_QUESTIONS]
    assert copied == [tuple(question) for question in DEFAULT_QUESTIONS]


def test_a_question_with_answers_keeps_its_kind(circle, org_a):
    from django.core.exceptions import ValidationError

    submit_evaluation(circle["sara"], circle["run"].pk, 1, answers(org_a))
    question = questions_for(org_a, "basic")[0]
    question.kind = AnswerKind.TEXT
    with pytest.raises(ValidationError) as raised:
        question.full_clean()
    assert set(raised.value.message_dict) == {"kind"}
    question.kind, question.text = AnswerKind.RATING, "Hur nöjd är du med kvällen?"
    question.full_clean()  # a new wording is fine; the answers keep the old one


def test_an_organisation_goes_with_its_questions_but_not_with_answers(circle, org_a, org_b):
    from django.db.models import ProtectedError

    org_b.delete()  # nothing of its own but the default questions
    assert not EvaluationQuestion.objects.filter(organisation_id=org_b.pk).exists()
    submit_evaluation(circle["sara"], circle["run"], 1, answers(org_a))
    with pytest.raises(ProtectedError):
        EvaluationResponse.objects.get().organisation.delete()


# Who may answer -------------------------------------------------------------------------------


def test_she_is_asked_about_the_ended_units_she_attended(circle):
    pending = pending_evaluations(circle["sara"])
    assert [(e.run, e.unit_number) for e in pending] == [(circle["run"], 1), (circle["run"], 3)]
    first = pending[0]
    assert first.unit_title == "Avsnitt 1"
    assert first.attended_on == timezone.localdate(circle["sessions"][0].ends_at)
    assert first.closes_on == first.attended_on + 30 * DAY


@pytest.mark.parametrize(
    ("unit", "code"),
    [
        (2, EvaluationRefused.NOT_ATTENDED),  # absent
        (4, EvaluationRefused.NOT_ATTENDED),  # this evening: not yet ended
        (9, EvaluationRefused.NOT_FOUND),  # no such unit
        (0, EvaluationRefused.NOT_FOUND),  # a study circle is evaluated unit by unit
    ],
)
def test_what_she_did_not_attend_is_refused_and_nothing_is_written(circle, org_a, unit, code):
    with pytest.raises(EvaluationRefused) as raised:
        submit_evaluation(circle["sara"], circle["run"].pk, unit, answers(org_a))
    assert raised.value.code == code
    assert not EvaluationResponse.objects.exists() and not EvaluationReceipt.objects.exists()


def test_a_cancelled_session_is_not_evaluated(circle, org_a):
    Session.objects.filter(pk=circle["sessions"][0].pk).update(
        status=SessionStatus.CANCELLED, cancel_reason="Sjuk"
    )
    with pytest.raises(EvaluationRefused) as raised:
        evaluation_for(circle["sara"], circle["run"].pk, 1)
    assert raised.value.code == EvaluationRefused.NOT_ATTENDED
    assert [e.unit_number for e in pending_evaluations(circle["sara"])] == [3]


def test_another_organisations_run_is_not_found(circle, org_b, coordinator_b):
    course_b = make_course(org_b, title="Cirkel B", units=2)
    run_b = make_run(course_b, timezone.localdate() - 14 * DAY, title="Omgång B")
    # Even with a mark there (written past the rules, which refuse another organisation's person).
    Attendance.objects.create(
        session=run_b.sessions.get(unit_number=1), person=circle["sara"], mark="present"
    )
    with pytest.raises(EvaluationRefused) as raised:
        submit_evaluation(circle["sara"], run_b.pk, 1, answers(org_b))
    assert raised.value.code == EvaluationRefused.NOT_FOUND
    assert not EvaluationReceipt.objects.exists()
    assert [e.run for e in pending_evaluations(circle["sara"])] == [circle["run"], circle["run"]]


def test_she_answers_once_per_unit(circle, org_a):
    sara, run = circle["sara"], circle["run"]
    submit_evaluation(sara, run.pk, 1, answers(org_a))
    with pytest.raises(EvaluationRefused) as raised:
        submit_evaluation(sara, run.pk, 1, answers(org_a, ratings=(1, 1, 1)))
    assert raised.value.code == EvaluationRefused.ANSWERED
    assert EvaluationResponse.objects.count() == 1 and EvaluationAnswer.objects.filter(rating=1).count() == 0
    assert [e.unit_number for e in pending_evaluations(sara)] == [3]
    submit_evaluation(sara, run.pk, 3, answers(org_a))  # another unit is another evaluation
    # The database keeps it too, whoever writes.
    with transaction.atomic(), pytest.raises(IntegrityError):
        EvaluationReceipt.objects.create(person=sara, run=run, unit_number=1)


def test_the_evaluation_closes_30_days_after_the_session(circle, clock):
    third = circle["sessions"][2]
    closes_on = timezone.localdate(third.ends_at) + 30 * DAY
    clock.move_to(datetime.datetime.combine(closes_on, datetime.time(23, 59), tzinfo=STOCKHOLM))
    assert [e.unit_number for e in pending_evaluations(circle["sara"])] == [3, 4]
    clock.move_to(datetime.datetime.combine(closes_on + DAY, datetime.time(0, 1), tzinfo=STOCKHOLM))
    assert [e.unit_number for e in pending_evaluations(circle["sara"])] == [4]  # a week later
    with pytest.raises(EvaluationRefused) as raised:
        evaluation_for(circle["sara"], circle["run"].pk, 3)
    assert raised.value.code == EvaluationRefused.CLOSED


def test_no_questions_no_evaluation(circle, org_a):
    EvaluationQuestion.objects.filter(organisation=org_a, course_kind="basic").update(active=False)
    assert pending_evaluations(circle["sara"]) == []
    with pytest.raises(EvaluationRefused) as raised:
        evaluation_for(circle["sara"], circle["run"].pk, 1)
    assert raised.value.code == EvaluationRefused.NO_QUESTIONS


def test_a_continuing_education_course_is_evaluated_once_as_a_whole(org_a, coordinator_a, now):
    course = make_course(org_a, title="Barnkonferens", units=2, kind="continuing")
    run = make_run(course, timezone.localdate() - 10 * DAY, title="Barnkonferensen 2026")
    person = attendee(run, 2, coordinator_a)  # the second day only
    (pending,) = pending_evaluations(person)
    assert (pending.run, pending.unit_number, pending.is_whole_course) == (run, 0, True)
    with pytest.raises(EvaluationRefused) as raised:
        evaluation_for(person, run.pk, 1)
    assert raised.value.code == EvaluationRefused.NOT_FOUND
    submit_evaluation(person, run.pk, 0, answers(org_a, "continuing", text=""))
    assert pending_evaluations(person) == []
    assert not EvaluationAnswer.objects.filter(rating__isnull=True).exists()  # a blank text is no answer


def test_a_rating_out_of_range_is_refused(circle, org_a):
    for bad in (0, 6, "5", None, True):
        given = answers(org_a)
        given[questions_for(org_a, "basic")[0].pk] = bad
        with pytest.raises(ValueError):
            submit_evaluation(circle["sara"], circle["run"].pk, 1, given)
    assert not EvaluationReceipt.objects.exists() and not EvaluationResponse.objects.exists()
    with transaction.atomic(), pytest.raises(IntegrityError):  # the database refuses it too
        response = EvaluationResponse.objects.create(organisation=org_a, run=circle["run"], unit_number=1)
        EvaluationAnswer.objects.create(response=response, question_text="Q", rating=6)


# The member's page ----------------------------------------------------------------------------


def test_she_answers_from_my_training_and_is_sent_back(client, circle, org_a):
    sara, run = circle["sara"], circle["run"]
    sign_in(client, sara)
    page = client.get(reverse("my_training")).content.decode()
    url = reverse("quality_evaluation", args=[run.pk, 1])
    assert f'{url}?next=/min-utbildning/"' in page and "Avsnitt 1" in page
    form = client.get(url, {"next": "/min-utbildning/"})
    html = form.content.decode()
    assert form.status_code == 200
    assert html.count("<fieldset") == 3 and html.count("<legend>") == 3  # one per rating
    assert "Hur nöjd är du med träffen som helhet?" in html and "5 – Mycket bra" in html
    assert "anonymt" in html
    data = {f"question-{pk}": value for pk, value in answers(org_a).items()}
    response = client.post(url, {**data, "next": "/min-utbildning/"})
    assert response.status_code == 302 and response["Location"] == "/min-utbildning/"
    assert EvaluationResponse.objects.count() == 1 and EvaluationReceipt.objects.get().person == sara
    page = client.get(reverse("my_training")).content.decode()
    assert url not in page and "Tack! Ditt svar är sparat" in page
    # A second answer is refused, in words, and nothing is written.
    again = client.post(url, data)
    assert again.status_code == 200 and "redan sparat" in again.content.decode()
    assert EvaluationResponse.objects.count() == 1


def test_an_answer_missing_a_rating_is_shown_again_with_its_error(client, circle, org_a):
    sign_in(client, circle["sara"])
    url = reverse("quality_evaluation", args=[circle["run"].pk, 1])
    data = {f"question-{pk}": value for pk, value in answers(org_a).items()}
    first = questions_for(org_a, "basic")[0].pk
    del data[f"question-{first}"]
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200 and "Välj en av 1 till 5." in html
    assert f'aria-describedby="id_question-{first}-error"' in html
    assert not EvaluationReceipt.objects.exists() and not EvaluationResponse.objects.exists()


def test_the_page_refuses_what_she_may_not_answer(client, circle, org_b, coordinator_a):
    sign_in(client, circle["sara"])
    run = circle["run"]
    assert client.get(reverse("quality_evaluation", args=[run.pk, 2])).status_code == 403  # absent
    assert client.get(reverse("quality_evaluation", args=[run.pk, 9])).status_code == 404
    course_b = make_course(org_b, title="Cirkel B", units=2)
    run_b = make_run(course_b, timezone.localdate() - 14 * DAY, title="Omgång B")
    assert client.get(reverse("quality_evaluation", args=[run_b.pk, 1])).status_code == 404
    client.logout()
    response = client.get(reverse("quality_evaluation", args=[run.pk, 1]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_next_goes_nowhere_else(client, circle, org_a):
    sign_in(client, circle["sara"])
    url = reverse("quality_evaluation", args=[circle["run"].pk, 1])
    data = {f"question-{pk}": value for pk, value in answers(org_a).items()}
    response = client.post(url, {**data, "next": "https://example.com/"})
    assert response.status_code == 302 and response["Location"] == url


# Anonymity ------------------------------------------------------------------------------------


def row_counts() -> dict[str, int]:
    """The number of rows in every table of the database."""
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def test_answering_writes_nothing_else(client, circle, org_a, coordinator_a, audit_log, caplog):
    """Answering writes her receipt and her answer and nothing else: no history row, no entry
    in Wagtail's reference index or task queue, no log line with the answer or its id."""
    caplog.set_level(logging.DEBUG)
    sign_in(client, circle["sara"])
    secret = "Jag vill inte att någon vet att jag skrev detta"
    data = {f"question-{pk}": value for pk, value in answers(org_a, text=secret).items()}
    before = row_counts()
    caplog.clear()
    client.post(reverse("quality_evaluation", args=[circle["run"].pk, 1]), data)
    after = row_counts()
    changed = {table for table in after if after[table] != before.get(table)}
    answer_tables = {
        "jour_quality_evaluationresponse",
        "jour_quality_evaluationanswer",
        "jour_quality_evaluationreceipt",
    }
    assert changed - {"django_session"} == answer_tables
    response = EvaluationResponse.objects.get()
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert secret not in logged and str(response.pk) not in logged and response.pk.hex not in logged


def test_the_answer_holds_no_person_no_time_and_a_random_id(circle, org_a):
    """What she answered names no one and has no time; the receipt says that she answered, not
    what; nothing joins the two."""
    submit_evaluation(circle["sara"], circle["run"], 1, answers(org_a))
    for model in (EvaluationResponse, EvaluationAnswer):
        fields = list(model._meta.concrete_fields)
        assert not any(f.get_internal_type() in ("DateField", "DateTimeField") for f in fields)
        assert not any(f.related_model and f.related_model._meta.label == "jour_people.User" for f in fields)
        assert model._meta.pk.get_internal_type() == "UUIDField"
    assert uuid.UUID(str(EvaluationResponse.objects.get().pk)).version == 4
    receipt_fields = {f.name for f in EvaluationReceipt._meta.concrete_fields}
    assert receipt_fields == {"id", "person", "run", "unit_number"}
    assert EvaluationReceipt.objects.get().person == circle["sara"]


def test_the_order_of_ids_is_not_the_order_of_answers(circle, org_a, coordinator_a):
    """Eight people answer one after another; neither the responses' nor the answers' ids follow
    that order (a chance of 1 in 40,320 that they happen to)."""
    run = circle["run"]
    people = [attendee(run, 1, coordinator_a) for _ in range(7)] + [circle["sara"]]
    order = []
    for number, person in enumerate(people):
        submit_evaluation(person, run.pk, 1, answers(org_a, text=f"svar {number}"))
        order.append(f"svar {number}")
    receipts = list(EvaluationReceipt.objects.order_by("pk").values_list("person_id", flat=True))
    assert receipts == [p.pk for p in people]  # receipts keep their order; answers must not
    by_response = list(
        EvaluationAnswer.objects.exclude(text="").order_by("response_id").values_list("text", flat=True)
    )
    by_answer = list(EvaluationAnswer.objects.exclude(text="").order_by("pk").values_list("text", flat=True))
    assert by_response != order and by_answer != order


def test_her_data_says_which_evaluations_she_answered_never_what(client, circle, org_a):
    sara = circle["sara"]
    submit_evaluation(sara, circle["run"].pk, 1, answers(org_a, text="Ett hemligt medskick"))
    sign_in(client, sara)
    data = client.get(reverse("my_data")).content.decode()
    assert "besvarade_utvärderingar" in data and "Cirkeln HT" in data
    assert "Ett hemligt medskick" not in data
    assert str(EvaluationResponse.objects.get().pk) not in data


def test_the_results_screen_never_says_who_answered_what(client, circle, org_a, coordinator_a):
    sara = circle["sara"]
    submit_evaluation(sara, circle["run"].pk, 1, answers(org_a, text="Ett hemligt medskick"))
    sign_in(client, coordinator_a)
    page = client.get(reverse("quality_evaluations:results"), {"year": timezone.localdate().year}).content
    page = page.decode()
    assert "Ett hemligt medskick" in page
    for name in (sara.first_name, sara.last_name, sara.email):
        assert name not in page


# Results --------------------------------------------------------------------------------------


def answered_by(run, unit_number, coordinator, ratings_list, texts=None):
    """One attendee per ratings tuple answers the unit, with the texts given (in that order)."""
    organisation = run.organisation
    texts = texts or [""] * len(ratings_list)
    for ratings, text in zip(ratings_list, texts, strict=True):
        person = attendee(run, unit_number, coordinator)
        submit_evaluation(person, run.pk, unit_number, answers(organisation, run.course.kind, ratings, text))


def this_year():
    year = timezone.localdate().year
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def test_four_answers_show_as_fewer_than_5_in_the_external_version(circle, org_a, coordinator_a):
    run = circle["run"]
    texts = ["Örfilar nej", "Bra tempo", "allt var bra", "Mer pauser"]
    answered_by(run, 1, coordinator_a, [(4, 5, 3), (5, 5, 4), (3, 4, 4), (4, 4, 4)], texts)
    internal = evaluation_results(org_a, *this_year(), external=False)
    (kind,) = internal.kinds
    (row,) = kind.rows
    assert (row.run, row.unit_number, row.unit_title, row.answers) == (run, 1, "Avsnitt 1", 4)
    assert [(r.question, r.answers, str(r.mean)) for r in row.ratings] == [
        ("Hur nöjd är du med träffen som helhet?", 4, "4.0"),
        ("Kändes innehållet användbart för ditt jourarbete?", 4, "4.5"),
        ("Hur var cirkelledarnas förberedelse och ledning?", 4, "3.8"),  # 3.75 rounds up
    ]
    (written,) = row.texts
    assert written.texts == ["allt var bra", "Bra tempo", "Mer pauser", "Örfilar nej"]  # not as sent
    assert row.few and row.answers_label == "4 svar"
    external = evaluation_results(org_a, *this_year(), external=True)
    (row,) = external.kinds[0].rows
    assert row.withheld and row.answers_label == "<5 svar"
    assert row.ratings == [] and row.texts == []
    assert external.kinds[0].answers == 0 and external.kinds[0].ratings == []  # no sum gives it away


def test_five_answers_show_their_means_in_the_external_version(circle, org_a, coordinator_a):
    run = circle["run"]
    answered_by(run, 1, coordinator_a, [(5, 5, 5), (4, 4, 4), (3, 3, 3), (2, 2, 2), (1, 1, 2)])
    external = evaluation_results(org_a, *this_year(), external=True)
    (row,) = external.kinds[0].rows
    assert not row.withheld and row.answers == 5 and row.answers_label == "5 svar"
    assert [str(r.mean) for r in row.ratings] == ["3.0", "3.0", "3.2"]
    assert external.kinds[0].answers == 5


def test_the_period_is_the_sessions(org_a, coordinator_a, clock):
    """A unit belongs to the period its session was in, whenever it was answered; the sum per
    kind of course adds up the units shown."""
    clock.move_to(datetime.datetime(2026, 1, 20, 12, 0, tzinfo=STOCKHOLM))
    course = make_course(org_a, title="Studiecirkel", units=3)
    run = make_run(course, datetime.date(2025, 12, 24), title="Cirkeln över nyår")  # 24/12, 31/12, 7/1
    answered_by(run, 1, coordinator_a, [(5, 5, 5)])
    answered_by(run, 2, coordinator_a, [(3, 3, 3)])
    answered_by(run, 3, coordinator_a, [(1, 1, 1)])
    last_year = evaluation_results(org_a, datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    assert [row.unit_number for row in last_year.kinds[0].rows] == [1, 2]
    assert [row.held_on for row in last_year.kinds[0].rows] == [
        datetime.date(2025, 12, 24),
        datetime.date(2025, 12, 31),
    ]
    assert last_year.kinds[0].answers == 2 and str(last_year.kinds[0].ratings[0].mean) == "4.0"
    this = evaluation_results(org_a, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert [row.unit_number for row in this.kinds[0].rows] == [3]


def test_the_number_of_queries_does_not_grow_with_the_runs(org_a, coordinator_a):
    course = make_course(org_a, title="Studiecirkel", units=2)
    counts = []
    for batch in (1, 4):
        for number in range(batch):
            run = make_run(course, timezone.localdate() - 14 * DAY, title=f"Cirkel {batch}-{number}")
            answered_by(run, 1, coordinator_a, [(4, 4, 4)], ["Bra"])
            answered_by(run, 2, coordinator_a, [(3, 3, 3)])
        with CaptureQueriesContext(connection) as queries:
            results = evaluation_results(org_a, *this_year())
            _ = [(row.run.course.title, row.ratings, row.texts) for row in results.kinds[0].rows]
        counts.append(len(queries))
    assert len(results.kinds[0].rows) == 10
    assert counts[0] == counts[1] == 7, counts


def test_the_results_screen_is_her_organisations(
    client, circle, org_a, org_b, coordinator_a, coordinator_b, board_a, volunteer_a, superuser
):
    answered_by(circle["run"], 1, coordinator_a, [(4, 4, 4)], ["Vårt medskick"])
    url = reverse("quality_evaluations:results")
    year = {"year": timezone.localdate().year}
    for person in (coordinator_a, board_a):
        sign_in(client, person)
        page = client.get(url, year).content.decode()
        assert "Vårt medskick" in page and "Cirkeln HT" in page
    sign_in(client, coordinator_b)
    page = client.get(url, {**year, "organisation": org_a.pk}).content.decode()
    assert "Vårt medskick" not in page and "Cirkeln HT" not in page and org_b.name in page
    sign_in(client, superuser)
    page = client.get(url, {**year, "organisation": org_a.pk}).content.decode()
    assert "Vårt medskick" in page
    external = client.get(url, {**year, "organisation": org_a.pk, "version": "external"}).content.decode()
    assert "&lt;5 svar" in external and "Vårt medskick" not in external
    client.logout()
    sign_in(client, volunteer_a)
    assert client.get(url).status_code == 302  # no admin access


def test_the_questions_are_each_organisations_own(
    client, org_a, org_b, coordinator_a, coordinator_b, board_a
):
    question = questions_for(org_a, "basic")[0]
    sign_in(client, coordinator_b)
    assert client.get(reverse("quality_question:edit", args=[question.pk])).status_code == 404
    page = client.get(reverse("quality_question:index")).content.decode()
    own = questions_for(org_b, "basic")[0]
    assert reverse("quality_question:edit", args=[own.pk]) in page
    assert reverse("quality_question:edit", args=[question.pk]) not in page
    sign_in(client, coordinator_a)
    data = {
        "course_kind": "basic",
        "kind": "text",
        "text": "Vad tar du med dig?",
        "sort_order": "50",
        "active": "on",
        "organisation": org_b.pk,
    }
    assert client.post(reverse("quality_question:add"), data).status_code == 302
    assert EvaluationQuestion.objects.get(text="Vad tar du med dig?").organisation == org_a
    sign_in(client, board_a)
    assert client.get(reverse("quality_question:index")).status_code == 200
    before = EvaluationQuestion.objects.count()
    client.post(reverse("quality_question:add"), {**data, "text": "Styrelsens fråga"})
    assert EvaluationQuestion.objects.count() == before  # the board reads them, coordinators edit
