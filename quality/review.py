"""The annual quality review (årlig uppföljning): for one year, the competence plan against what
was done, the evaluations' results, the actions open during the year with their follow-up, and
the competence report's figures, with the board's summary. It is the appendix an association
attaches to its answer to the municipality; a frozen copy keeps its files byte for byte.

The external version (for the municipality and funders) names no one: no responsible, counts of
participants from 1 to 4 as "<5", evaluations of fewer than 5 answers as "<5 svar" without means
or texts, and the competence report's external version. Both versions write a protected person's
name, wherever it was typed, as her pseudonym (:func:`jour_core.exports.without_protected_names`).
"""

from __future__ import annotations

import datetime
import json

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from certifications.report import competence_report, year_period
from jour_core.exports import protected_people, without_protected_names
from people.models import Organisation

from .evaluations import WHOLE_COURSE, evaluation_results
from .models import Action, ActionStatus, FrozenReview, group_labels
from .plan import figure, plan_against_done, state_label

FORMATS = {"json": "json_file", "pdf": "pdf_file"}


def actions_of_year(organisation: Organisation, year: int) -> list[Action]:
    """The actions open at some time during ``year``: recorded by its end and not closed before
    its start (opened and closed in the year, opened before and closed in it, still open)."""
    start, end = year_period(year)
    return list(
        Action.objects.filter(organisation=organisation, created_at__date__lte=end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=start))
        .select_related("responsible")
        .order_by("due_on", "pk")
    )


def evaluation_review(
    organisation: Organisation, start: datetime.date, end: datetime.date, external: bool
) -> list[dict]:
    """The evaluations of the period per run and unit (:func:`.evaluations.evaluation_results`):
    ``{"course", "run", "unit", "unit_label", "held_on", "answers", "means": {question: mean},
    "texts": {question: [text, …]}}``. In the external version one of fewer than 5 answers has
    "<5 svar" for its answers and no means or texts."""
    results = evaluation_results(organisation, start, end, external=external)
    items = []
    for kind in results.kinds:
        for row in kind.rows:
            if row.unit_number == WHOLE_COURSE:
                unit_label = _("The whole course")
            else:
                unit_label = _("Unit %(number)s: %(title)s") % {
                    "number": row.unit_number,
                    "title": row.unit_title,
                }
            items.append(
                {
                    "course": row.run.course.title,
                    "course_kind": kind.course_kind,
                    "run": row.run.title,
                    "unit": row.unit_number,
                    "unit_label": unit_label,
                    "held_on": row.held_on.isoformat(),
                    "answers": row.answers_label if row.withheld else row.answers,
                    "means": {rating.question: float(rating.mean) for rating in row.ratings},
                    "texts": {} if external else {answers.question: answers.texts for answers in row.texts},
                }
            )
    return items


def action_as_dict(action: Action, external: bool) -> dict:
    return {
        "title": action.title,
        "finding": action.finding,
        "source": action.source,
        "source_label": str(action.get_source_display()),
        "action": action.action,
        "responsible": None if external or action.responsible is None else action.responsible.get_full_name(),
        "recorded": timezone.localdate(action.created_at).isoformat(),
        "due": action.due_on.isoformat(),
        "status": action.status,
        "status_label": str(action.get_status_display()),
        "closed_on": action.closed_on.isoformat() if action.closed_on else None,
        "follow_up": action.follow_up,
    }


def quality_review(
    organisation: Organisation,
    year: int,
    external: bool = True,
    summary: str = "",
    now: datetime.datetime | None = None,
) -> dict:
    """The review of ``year`` as data (the JSON file's content). Its figures are as of today
    while the year lasts. Keys: ``plan`` (``{"theme", "groups", "planned", "done", …}`` per
    line), ``unplanned``, ``evaluations`` (``{"course", "run", "answers", "means", …}`` per run
    and unit), ``actions`` (``{"title", "source", "responsible", "due", "status", "closed_on",
    …}``) and ``report`` (the competence report of the year)."""
    now = now or timezone.now()
    start, end = year_period(year)
    plan = plan_against_done(organisation, year, now)
    actions = actions_of_year(organisation, year)
    review = {
        "organisation": organisation.name,
        "year": year,
        "as_of": plan.as_of.isoformat(),
        "external": external,
        "summary": summary,
        "plan": plan.as_dict(external),
        "plan_counts": plan.counts(),
        "unplanned": plan.unplanned_as_dict(external),
        "evaluations": evaluation_review(organisation, start, end, external),
        "actions": [action_as_dict(action, external) for action in actions],
        "actions_counts": {
            "open": sum(a.status != ActionStatus.CLOSED for a in actions),
            "overdue": sum(a.is_overdue(plan.as_of) for a in actions),
            "closed": sum(a.status == ActionStatus.CLOSED for a in actions),
        },
        "report": competence_report(organisation, start, end, external=external),
    }
    return without_protected_names(review, protected_people(organisation=organisation))


def _activity(item: dict) -> str:
    """One piece of training as a line: "Barnens röst, 2026-05-12: 3 deltagare, 2,5 tim"."""
    day = item["date"] if item["date"] == item["last_date"] else f"{item['date']} – {item['last_date']}"
    return _("%(title)s, %(day)s: %(participants)s participants, %(hours)s h") % {
        "title": item["title"],
        "day": day,
        "participants": figure(item["participants"]),
        "hours": figure(item["hours"]),
    }


def review_tables(review: dict) -> list[tuple[str, list, list[list]]]:
    """(heading, headers, rows) of each of the review's own sections (the competence report's
    follow, as its own tables)."""
    external = review["external"]
    plan = (
        _("The competence plan: planned against done"),
        [_("Theme"), _("For"), _("Planned"), _("Done"), _("State")],
        [
            [
                line["theme"] + (f" ({line['note']})" if line["note"] else ""),
                group_labels(line["groups"]),
                line["planned"],
                "; ".join(_activity(item) for item in line["done"]) or "–",
                state_label(line["state"]),
            ]
            for line in review["plan"]
        ],
    )
    unplanned = (
        _("Done without a plan"),
        [_("Training"), _("Theme"), _("Date"), _("Hours"), _("Participants")],
        [
            [
                item["title"],
                item["theme"] or _("No theme"),
                item["date"],
                figure(item["hours"]),
                item["participants"],
            ]
            for item in review["unplanned"]
        ],
    )
    evaluations = (
        _("Evaluations"),
        [_("Course"), _("Run"), _("Unit"), _("Answers"), _("Mean per question (1–5)")],
        [
            [
                item["course"],
                item["run"],
                item["unit_label"],
                item["answers"],
                "; ".join(f"{question}: {figure(mean)}" for question, mean in item["means"].items()) or "–",
            ]
            for item in review["evaluations"]
        ],
    )
    action_headers = [_("Finding"), _("Where it came from"), _("Action"), _("By when"), _("Status")]
    action_headers += [_("Closed on"), _("Follow-up")]
    if not external:
        action_headers.insert(3, _("Responsible"))
    action_rows = []
    for item in review["actions"]:
        row = [item["title"], item["source_label"], item["action"], item["due"], item["status_label"]]
        row += [item["closed_on"] or "–", item["follow_up"] or "–"]
        if not external:
            row.insert(3, item["responsible"] or "–")
        action_rows.append(row)
    actions = (_("Actions and their follow-up"), action_headers, action_rows)
    return [plan, unplanned, evaluations, actions]


def free_texts(review: dict) -> list[tuple[str, list[str]]]:
    """The internal version's free-text answers, per run, unit and question (none in the
    external)."""
    return [
        (f"{item['course']}, {item['run']}, {item['unit_label']}: {question}", texts)
        for item in review["evaluations"]
        for question, texts in item.get("texts", {}).items()
        if texts
    ]


def render_review(review: dict, organisation: Organisation, fmt: str) -> bytes:
    """The review as a file: ``json`` or ``pdf``."""
    if fmt == "json":
        return (json.dumps(review, ensure_ascii=False, indent=2) + "\n").encode()
    if fmt == "pdf":
        from .review_pdf import review_pdf

        return review_pdf(review, organisation)
    raise ValueError(f"unknown format {fmt!r}")


def freeze_review(review: dict, organisation: Organisation, user) -> FrozenReview:
    """Store the review, its summary and its files as they are now; they never change after."""
    files = {field: render_review(review, organisation, fmt) for fmt, field in FORMATS.items()}
    return FrozenReview.objects.create(
        organisation=organisation,
        year=review["year"],
        external=review["external"],
        summary=review["summary"],
        data=review,
        frozen_by=user,
        **files,
    )
