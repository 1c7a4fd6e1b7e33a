"""The member area: "My training"."""

from __future__ import annotations

import json
from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from certifications.clearance import clearance
from certifications.describe import describe
from certifications.models import Qualification
from certifications.validity import is_valid_on
from courses.completion import progress_for_enrolments, self_paced_progress
from courses.ical import feed_token, token_of
from courses.models import Completion, CoursePage, Enrolment, FeedKind, LessonPage, MakeUp, Session
from jour_core.exports import ExportFile, export_response

from .mydata import collect_personal_data


@login_required
def my_training(request):
    user = request.user
    now = timezone.now()
    progresses = progress_for_enrolments(
        Enrolment.objects.filter(person=user).order_by("-enrolled_on").select_related("run__course")
    )
    active = [p for p in progresses if not p.enrolment.is_withdrawn]
    run_ids = [p.enrolment.run_id for p in active]
    course_ids = {p.enrolment.run.course_id for p in active}

    # Lesson pages by (course, unit), one query.
    courses = {p.enrolment.run.course_id: p.enrolment.run.course for p in active}
    lessons: dict[tuple[int, int], LessonPage] = {}
    if courses:
        query = Q()
        for course in courses.values():
            query |= Q(path__startswith=course.path, depth=course.depth + 1)
        parents = {course.path: course.pk for course in courses.values()}
        for lesson in LessonPage.objects.live().filter(query):
            lessons.setdefault((parents[lesson.path[: -LessonPage.steplen]], lesson.unit_number), lesson)

    # Make-ups she is booked on, and other runs' upcoming sessions of her missing units.
    booked = {
        (m.enrolment_id, m.unit_number): m
        for m in MakeUp.objects.filter(
            enrolment__in=[p.enrolment for p in active], session__starts_at__gte=now
        )
        .exclude(session__status="cancelled")
        .select_related("session__run")
    }
    missing_units = {u.number for p in active for u in p.missing}
    other_sessions = defaultdict(list)
    if missing_units and user.organisation_id:
        for session in (
            Session.objects.not_cancelled()
            .filter(
                run__organisation_id=user.organisation_id,
                run__course_id__in=course_ids,
                unit_number__in=missing_units,
                starts_at__gte=now,
            )
            .exclude(run_id__in=run_ids)
            .select_related("run")
        ):
            other_sessions[(session.run.course_id, session.unit_number)].append(session)

    runs = []
    for progress in active:
        course = progress.enrolment.run.course
        units = []
        for unit in progress.units:
            units.append(
                {
                    "unit": unit,
                    "lesson": lessons.get((course.pk, unit.number)),
                    "booked": booked.get((progress.enrolment.pk, unit.number)),
                    "alternatives": other_sessions.get((course.pk, unit.number), [])[:2],
                }
            )
        runs.append({"progress": progress, "course": course, "units": units})

    upcoming = list(
        Session.objects.not_cancelled()
        .filter(starts_at__gte=now)
        .filter(Q(run_id__in=run_ids) | Q(makeups__enrolment__person=user) | Q(run__leaders=user))
        .select_related("run__course")
        .distinct()
        .order_by("starts_at")[:8]
    )
    for session in upcoming:
        session.lesson = lessons.get((session.run.course_id, session.unit_number))

    self_paced_courses = CoursePage.objects.live().filter(self_paced=True)
    if not user.is_superuser:
        self_paced_courses = self_paced_courses.filter(organisation_id=user.organisation_id)
    day = timezone.localdate()
    qualifications = (
        Qualification.objects.filter(person=user).select_related("type").order_by("type__name", "-issued_on")
    )
    roles = []
    if user.organisation_id:
        roles = [
            {
                "role": c.role,
                "cleared": c.cleared,
                "reasons": [describe(r, c.role.training_window_months) for r in c.reasons],
                "warnings": [describe(w) for w in c.warnings],
            }
            for c in clearance(user.organisation, day, people=[user])
        ]
    feed = feed_token(user, FeedKind.MY_SESSIONS)
    feed_url = request.build_absolute_uri(reverse("courses_calendar_feed", args=[token_of(feed)]))
    context = {
        "feed_url": feed_url,
        "webcal_url": "webcal://" + feed_url.split("://", 1)[-1],
        "qualifications": [
            {"q": q, "valid": is_valid_on(day, q.issued_on, q.expires_on, q.revoked_on)}
            for q in qualifications
        ],
        "roles": roles,
        "runs": runs,
        "upcoming": upcoming,
        "completions": Completion.objects.filter(person=user)
        .select_related("course")
        .order_by("-completed_on"),
        "self_paced": self_paced_progress(user, self_paced_courses),
    }
    return render(request, "home/my_training.html", context)


@login_required
def my_data(request):
    """Download my data: everything the register holds about the signed-in person."""
    data = collect_personal_data(request.user)
    counts = sum(len(rows) for rows in data.values() if isinstance(rows, list))
    content = json.dumps(data, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder).encode()
    # Her own data, her own name (the right of access): served and audited like every export.
    return export_response(
        request,
        ExportFile(content, "json", counts),
        kind="my-data",
        filename=f"mina-uppgifter-{timezone.localdate().isoformat()}",
    )
