"""Check: the participants' evaluations of the study circle's units and of continuing education.

Who may answer: a person of the run's organisation who attended (present or late) a session of
it that has ended and was not cancelled: for the study circle, a session of that unit in that
run (she answers once per unit); for a continuing-education course, any session of the run (she
answers once for the whole course, "unit" 0). She may answer for ``QUALITY_EVALUATION_DAYS``
days after the last such session she attended, and only when the organisation asks questions
for that kind of course.

What is kept, and what is not: her answers go into an :class:`EvaluationResponse` that names no
one, has no time and a random id, and an :class:`EvaluationReceipt` says that she has answered
(so that she answers once), in the same transaction, with nothing linking the two. The results
are counted from the responses only. Free texts are shown in alphabetical order, never in the
order they came in.

The period of an evaluation is its session's: the date of the last (not cancelled) session of
the unit in the run, or of the run for a whole course. The external version withholds a unit or
course with fewer than 5 answers ("<5 svar": no means, no texts), as the competence report
withholds small counts (``certifications.report.figures.suppress``).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, OuterRef, QuerySet, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from certifications.report.figures import is_withheld, suppress
from courses.models import (
    ATTENDED_MARKS,
    Attendance,
    CourseKind,
    CourseRun,
    CourseUnit,
    Session,
    SessionStatus,
)
from courses.scheduling import local_datetime
from people.models import Organisation, User

from .conf import app_settings
from .models import (
    AnswerKind,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationReceipt,
    EvaluationResponse,
)

_BASIC, _CONTINUING = CourseKind.BASIC.value, CourseKind.CONTINUING.value
_RATING, _TEXT = AnswerKind.RATING.value, AnswerKind.TEXT.value
#: The questions every organisation starts with, in order: (kind of course, kind of answer,
#: text). They are written in the site's language (``LANGUAGE_CODE``) when the organisation is
#: made; the organisation then edits its own (Kvalitetsarbete -> Utvärderingsfrågor). Migration
#: 0004 gave the organisations there were then the same (a copy of its own).
DEFAULT_QUESTIONS: tuple[tuple[str, str, str], ...] = (
    (_BASIC, _RATING, gettext_noop("How satisfied are you with the session as a whole?")),
    (_BASIC, _RATING, gettext_noop("Did the content feel useful for your work at the shelter?")),
    (_BASIC, _RATING, gettext_noop("How well did the circle leaders prepare and lead it?")),
    (_BASIC, _TEXT, gettext_noop("What would you like to pass on to the circle leaders?")),
    (_CONTINUING, _RATING, gettext_noop("How satisfied are you with the course as a whole?")),
    (_CONTINUING, _RATING, gettext_noop("Did the content feel useful for your work at the shelter?")),
    (
        _CONTINUING,
        _RATING,
        gettext_noop("How were the course leader's or speaker's preparation and delivery?"),
    ),
    (_CONTINUING, _TEXT, gettext_noop("What do you take with you, and what could have been better?")),
)

#: The longest free text kept.
MAX_TEXT_LENGTH = 2000
#: The unit number of an evaluation of a whole course (continuing education).
WHOLE_COURSE = 0
#: The fewest answers the external version shows (``suppress`` withholds 1 to 4 as "<5").
MIN_ANSWERS_SHOWN = 5


def create_default_questions(organisation: Organisation) -> list[EvaluationQuestion]:
    """The default questions for ``organisation``, in the site's language (for one just made)."""
    places: Counter[str] = Counter()
    questions = []
    with translation.override(settings.LANGUAGE_CODE):
        for course_kind, kind, text in DEFAULT_QUESTIONS:
            places[course_kind] += 1
            questions.append(
                EvaluationQuestion(
                    organisation=organisation,
                    course_kind=course_kind,
                    kind=kind,
                    text=_(text),
                    sort_order=10 * places[course_kind],
                )
            )
    return EvaluationQuestion.objects.bulk_create(questions)


def questions_for(organisation: Organisation | int, course_kind: str) -> list[EvaluationQuestion]:
    """The questions the organisation asks after a course of ``course_kind``, in order."""
    return list(
        EvaluationQuestion.objects.for_organisation(organisation).filter(course_kind=course_kind, active=True)
    )


# Who may answer -------------------------------------------------------------------------------


class EvaluationRefused(Exception):
    """She may not answer this evaluation (now). ``code`` is one of the constants below;
    ``message`` says why, in the UI language."""

    NOT_FOUND = "not_found"  # no such unit or course of a run of her organisation
    NOT_ATTENDED = "not_attended"
    CLOSED = "closed"
    ANSWERED = "answered"
    NO_QUESTIONS = "no_questions"

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Evaluation:
    """An evaluation she may answer: a unit of a study circle's run, or a whole course
    (``unit_number`` 0); ``attended_on``, the last day she attended it; open until ``closes_on``."""

    run: CourseRun
    unit_number: int
    unit_title: str
    attended_on: datetime.date
    closes_on: datetime.date

    @property
    def is_whole_course(self) -> bool:
        return self.unit_number == WHOLE_COURSE


def _attended(
    person: User,
    now: datetime.datetime,
    run_id: int | None = None,
    since: datetime.datetime | None = None,
    asked_only: bool = False,
) -> dict[tuple[int, int], Evaluation]:
    """What she attended that can be evaluated, by (run id, unit number), with the last day she
    attended it: ended, not cancelled sessions of her organisation's runs (one query for the
    marks, one for the units' titles); with ``asked_only``, only of the kinds of course her
    organisation asks about (``_asked_kinds``, in the same query)."""
    marks = (
        Attendance.objects.filter(
            person=person,
            mark__in=ATTENDED_MARKS,
            session__ends_at__lte=now,
            session__run__organisation_id=person.organisation_id,
        )
        .exclude(session__status=SessionStatus.CANCELLED)
        .select_related("session__run__course")
    )
    if run_id is not None:
        marks = marks.filter(session__run_id=run_id)
    if since is not None:
        marks = marks.filter(session__ends_at__gte=since)
    if asked_only:
        marks = marks.filter(
            Exists(_asked(person.organisation_id).filter(course_kind=OuterRef("session__run__course__kind")))
        )
    last: dict[tuple[int, int], datetime.date] = {}
    runs: dict[int, CourseRun] = {}
    for mark in marks:
        session = mark.session
        if session.run.course.kind == CourseKind.BASIC:
            if session.unit_number is None:
                continue  # an extra meeting is no unit
            key = (session.run_id, session.unit_number)
        else:
            key = (session.run_id, WHOLE_COURSE)
        runs[session.run_id] = session.run
        day = timezone.localdate(session.ends_at)
        last[key] = max(day, last.get(key, day))
    titles = _unit_titles(runs.values())
    days = datetime.timedelta(days=app_settings.QUALITY_EVALUATION_DAYS)
    return {
        key: Evaluation(
            runs[key[0]], key[1], titles.get((runs[key[0]].course_id, key[1]), ""), day, day + days
        )
        for key, day in last.items()
    }


def _unit_titles(runs: Iterable[CourseRun]) -> dict[tuple[int, int], str]:
    courses = {run.course_id for run in runs}
    if not courses:
        return {}
    units = CourseUnit.objects.filter(course_id__in=courses).values_list("course_id", "number", "title")
    return {(course, number): title for course, number, title in units}


def _asked(organisation_id: int | None) -> QuerySet[EvaluationQuestion]:
    """The questions her organisation asks: their course kinds are the kinds asked about."""
    return EvaluationQuestion.objects.filter(organisation_id=organisation_id, active=True)


def _asked_kinds(organisation_id: int | None) -> set[str]:
    """The kinds of course her organisation asks questions about."""
    return set(_asked(organisation_id).values_list("course_kind", flat=True).distinct())


def _answered(person: User, run_ids: Iterable[int]) -> set[tuple[int, int]]:
    return set(
        EvaluationReceipt.objects.filter(person=person, run_id__in=set(run_ids)).values_list(
            "run_id", "unit_number"
        )
    )


def pending_evaluations(person: User, now: datetime.datetime | None = None) -> list[Evaluation]:
    """The evaluations she may answer now and has not: the oldest first (three queries)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    days = app_settings.QUALITY_EVALUATION_DAYS
    since = local_datetime(today - datetime.timedelta(days=days), datetime.time.min)
    attended = _attended(person, now, since=since, asked_only=True)
    if not attended:
        return []
    answered = _answered(person, {run_id for run_id, _unit in attended})
    pending = [
        evaluation
        for key, evaluation in attended.items()
        if key not in answered and evaluation.closes_on >= today
    ]
    return sorted(pending, key=lambda e: (e.attended_on, e.run.title, e.run.pk, e.unit_number))


def evaluation_for(
    person: User, run: CourseRun | int, unit_number: int, now: datetime.datetime | None = None
) -> Evaluation:
    """The evaluation of unit ``unit_number`` (0: the whole course) of ``run`` (or its id) that
    she may answer now; raises :class:`EvaluationRefused` saying why not."""
    now = now or timezone.now()
    run_id = getattr(run, "pk", run)
    run = CourseRun.objects.filter(pk=run_id, organisation_id=person.organisation_id).select_related("course")
    run = run.first() if person.organisation_id else None
    if run is None or not _is_evaluated_unit(run, unit_number):
        raise EvaluationRefused(EvaluationRefused.NOT_FOUND, _("There is no such evaluation."))
    evaluation = _attended(person, now, run_id=run.pk).get((run.pk, unit_number))
    if evaluation is None:
        raise EvaluationRefused(
            EvaluationRefused.NOT_ATTENDED,
            _("You can evaluate a session you attended, once it has ended."),
        )
    if (run.pk, unit_number) in _answered(person, [run.pk]):
        raise EvaluationRefused(
            EvaluationRefused.ANSWERED, _("You have answered this evaluation. Thank you!")
        )
    if evaluation.closes_on < timezone.localdate(now):
        raise EvaluationRefused(
            EvaluationRefused.CLOSED,
            _("This evaluation closed on %(date)s.") % {"date": evaluation.closes_on.isoformat()},
        )
    if run.course.kind not in _asked_kinds(run.organisation_id):
        raise EvaluationRefused(
            EvaluationRefused.NO_QUESTIONS, _("Your organisation asks no questions about this course.")
        )
    return evaluation


def _is_evaluated_unit(run: CourseRun, unit_number: int) -> bool:
    """A unit of a study circle is evaluated on its own; a continuing-education course as a whole."""
    if run.course.kind != CourseKind.BASIC:
        return unit_number == WHOLE_COURSE
    return CourseUnit.objects.filter(course_id=run.course_id, number=unit_number).exists()


# Answering ------------------------------------------------------------------------------------


def submit_evaluation(
    person: User,
    run: CourseRun | int,
    unit_number: int,
    answers: Mapping[int, int | str | None],
    now: datetime.datetime | None = None,
) -> None:
    """Keep her answers to the evaluation of unit ``unit_number`` of ``run`` (or its id), by
    question id (a rating 1-5, or a text), without her, and that she has answered: all or
    nothing. Raises :class:`EvaluationRefused` when she may not answer (a second answer
    included, however close together the two come) and ``ValueError`` for an answer missing or
    out of range. Nothing that is written names her, dates it or follows from her receipt."""
    with transaction.atomic():
        evaluation = evaluation_for(person, run, unit_number, now)
        run = evaluation.run
        rows = _answer_rows(questions_for(run.organisation_id, run.course.kind), answers)
        try:
            with transaction.atomic():
                EvaluationReceipt.objects.create(person=person, run=run, unit_number=unit_number)
        except IntegrityError:  # her other answer came first
            raise EvaluationRefused(
                EvaluationRefused.ANSWERED, _("You have answered this evaluation. Thank you!")
            ) from None
        response = EvaluationResponse.objects.create(
            organisation_id=run.organisation_id, run=run, unit_number=unit_number
        )
        for row in rows:
            row.response = response
        EvaluationAnswer.objects.bulk_create(rows)


def _answer_rows(
    questions: list[EvaluationQuestion], answers: Mapping[int, int | str | None]
) -> list[EvaluationAnswer]:
    """One row per question answered: every rating, the texts written (blank ones left out)."""
    rows = []
    for question in questions:
        value = answers.get(question.pk)
        if question.kind == AnswerKind.RATING:
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
                raise ValueError(f"question {question.pk}: a rating from 1 to 5 is needed, not {value!r}")
            rows.append(EvaluationAnswer(question=question, question_text=question.text, rating=value))
            continue
        text = (value or "").strip() if isinstance(value, str | None) else None
        if text is None or len(text) > MAX_TEXT_LENGTH:
            raise ValueError(f"question {question.pk}: a text of at most {MAX_TEXT_LENGTH} characters")
        if text:
            rows.append(EvaluationAnswer(question=question, question_text=question.text, text=text))
    return rows


# Results --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionResult:
    """A rating question's answers: how many, and their mean to one decimal."""

    question: str
    answers: int
    mean: Decimal


@dataclass(frozen=True)
class TextAnswers:
    """A free-text question's answers, in alphabetical order."""

    question: str
    texts: list[str]


@dataclass(frozen=True)
class EvaluationResult:
    """The answers to the evaluation of one unit of a run (or of a whole course). In the external
    version, one with fewer than 5 answers is ``withheld``: ``answers`` reads "<5" and it has
    no ratings or texts."""

    run: CourseRun
    unit_number: int
    unit_title: str
    held_on: datetime.date
    answers: int | str
    ratings: list[QuestionResult]
    texts: list[TextAnswers]

    @property
    def withheld(self) -> bool:
        return is_withheld(self.answers)

    @property
    def few(self) -> bool:
        """Fewer than 5 answers: in the internal version, one answer may be recognised."""
        return self.withheld or self.answers < MIN_ANSWERS_SHOWN

    @property
    def answers_label(self) -> str:
        """ "12 svar", "<5 svar"."""
        if self.withheld:
            return _("%(withheld)s answers") % {"withheld": self.answers}  # "<5 svar"
        return ngettext("%(count)d answer", "%(count)d answers", self.answers) % {"count": self.answers}


@dataclass(frozen=True)
class KindResults:
    """The evaluations of one kind of course in the period, and what they add up to (in the
    external version, those shown only: a sum cannot give a withheld one away)."""

    course_kind: str
    rows: list[EvaluationResult]
    answers: int
    ratings: list[QuestionResult]

    @property
    def label(self) -> str:
        return str(CourseKind(self.course_kind).label)


@dataclass(frozen=True)
class EvaluationResults:
    organisation: Organisation
    start: datetime.date
    end: datetime.date
    external: bool
    kinds: list[KindResults] = field(default_factory=list)


def evaluation_results(
    organisation: Organisation, start: datetime.date, end: datetime.date, external: bool = False
) -> EvaluationResults:
    """The organisation's evaluations whose session was in [start, end], per run and unit, with
    their sum per kind of course. The same number of queries whatever the number of runs."""
    periods = _evaluation_dates(organisation, start, end)
    run_ids = {run_id for run_id, _unit in periods}
    counts = _response_counts(organisation, run_ids, periods)
    runs = CourseRun.objects.filter(pk__in={run_id for run_id, _unit in counts}).select_related("course")
    runs = {run.pk: run for run in runs}
    titles = _unit_titles(runs.values())
    order = _question_order(organisation)
    ratings, texts = _answers_of(organisation, counts, order)
    rows: dict[str, list[EvaluationResult]] = defaultdict(list)
    for key, count in counts.items():
        run = runs[key[0]]
        shown = count if not external else suppress(count)
        withheld = is_withheld(shown)
        rows[run.course.kind].append(
            EvaluationResult(
                run=run,
                unit_number=key[1],
                unit_title=titles.get((run.course_id, key[1]), ""),
                held_on=periods[key],
                answers=shown,
                ratings=[] if withheld else _mean(ratings.get(key, [])),
                texts=[] if withheld else [item for _place, item in sorted(texts.get(key, []), key=_first)],
            )
        )
    kinds = [_kind_results(kind, rows[kind], ratings) for kind in CourseKind.values if rows.get(kind)]
    return EvaluationResults(organisation, start, end, external, kinds)


def _first(pair: tuple) -> object:
    return pair[0]


def _evaluation_dates(
    organisation: Organisation, start: datetime.date, end: datetime.date
) -> dict[tuple[int, int], datetime.date]:
    """The evaluations (run id, unit number) whose last session was in [start, end], with its
    local date: a unit's last session for the study circle, the run's for a whole course."""
    since = local_datetime(start, datetime.time.min)
    until = local_datetime(end + datetime.timedelta(days=1), datetime.time.min)
    # A key's last session is within the period when the last of its sessions since the start is
    # before the end (sessions before the start cannot be the last of one that counts).
    sessions = (
        Session.objects.filter(run__organisation=organisation, starts_at__gte=since)
        .not_cancelled()
        .values_list("run_id", "unit_number", "run__course__kind")
        .annotate(last=Max("starts_at"))
        .order_by()
    )
    last: dict[tuple[int, int], datetime.datetime] = {}
    for run_id, unit_number, kind, starts_at in sessions:
        if kind == CourseKind.BASIC:
            if unit_number is None:
                continue
            key = (run_id, unit_number)
        else:
            key = (run_id, WHOLE_COURSE)
        last[key] = max(starts_at, last.get(key, starts_at))
    return {key: timezone.localdate(moment) for key, moment in last.items() if moment < until}


def _response_counts(
    organisation: Organisation, run_ids: set[int], periods: Mapping[tuple[int, int], datetime.date]
) -> dict[tuple[int, int], int]:
    """How many answered each evaluation of the period (those answered only), in order of date."""
    counts = (
        EvaluationResponse.objects.filter(organisation=organisation, run_id__in=run_ids)
        .values_list("run_id", "unit_number")
        .annotate(count=Count("pk"))
        .order_by()
    )
    found = {(run_id, unit): count for run_id, unit, count in counts if (run_id, unit) in periods}
    return dict(sorted(found.items(), key=lambda item: (periods[item[0]], item[0])))


def _question_order(organisation: Organisation) -> dict[int, int]:
    """Each question's place (its order, then its id); a question since deleted comes last."""
    questions = EvaluationQuestion.objects.for_organisation(organisation).values_list("pk", flat=True)
    return {pk: place for place, pk in enumerate(questions)}


class _Rated(NamedTuple):
    """A rating question's answers to one evaluation: its place among the questions (its order,
    then its wording), how many answered it and the sum of their ratings."""

    place: tuple[int, str]
    answers: int
    total: int


def _answers_of(
    organisation: Organisation, counts: Mapping[tuple[int, int], int], order: Mapping[int, int]
) -> tuple[dict[tuple[int, int], list[_Rated]], dict[tuple[int, int], list[tuple[tuple, TextAnswers]]]]:
    """The ratings and the texts (sorted) of these evaluations, by (run id, unit number): two
    queries."""
    answers = EvaluationAnswer.objects.filter(
        response__organisation=organisation, response__run_id__in={run_id for run_id, _unit in counts}
    ).order_by()
    fields = ("response__run_id", "response__unit_number", "question_id", "question_text")
    ratings: dict[tuple[int, int], list[_Rated]] = defaultdict(list)
    rated = (
        answers.filter(rating__isnull=False).values_list(*fields).annotate(n=Count("pk"), total=Sum("rating"))
    )
    for run_id, unit, question_id, text, n, total in rated:
        if (run_id, unit) in counts:
            ratings[(run_id, unit)].append(_Rated((order.get(question_id, len(order)), text), n, total))
    written: dict[tuple[int, int, int | None, str], list[str]] = defaultdict(list)
    for run_id, unit, question_id, text, answer in answers.filter(rating__isnull=True).values_list(
        *fields, "text"
    ):
        if (run_id, unit) in counts:
            written[(run_id, unit, question_id, text)].append(answer)
    texts: dict[tuple[int, int], list[tuple[tuple, TextAnswers]]] = defaultdict(list)
    for (run_id, unit, question_id, text), found in written.items():
        place = (order.get(question_id, len(order)), text)
        texts[(run_id, unit)].append((place, TextAnswers(text, sorted(found, key=str.casefold))))
    return ratings, texts


def _mean(rated: Iterable[_Rated]) -> list[QuestionResult]:
    """The mean of each question (to one decimal, halves up), in the questions' order, summed
    over the evaluations given."""
    sums: dict[tuple[int, str], list[int]] = {}
    for item in rated:
        total = sums.setdefault(item.place, [0, 0])
        total[0] += item.answers
        total[1] += item.total
    return [
        QuestionResult(place[1], n, (Decimal(total) / n).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
        for place, (n, total) in sorted(sums.items())
    ]


def _kind_results(kind: str, rows: list[EvaluationResult], ratings: Mapping[tuple[int, int], list[_Rated]]):
    """The period's sum for one kind of course: the answers and the mean of each rating question
    over the evaluations shown (in the external version, a withheld one is in no sum)."""
    shown = [row for row in rows if not row.withheld]
    rated = [item for row in shown for item in ratings.get((row.run.pk, row.unit_number), [])]
    return KindResults(kind, rows, sum(row.answers for row in shown), _mean(rated))
