"""The hours of self-paced continuing education, as a query the clearance engine and the
competence report share.

- A course's hours are the sum of its units' hours (``CourseUnit.hours``, the same hours a
  unit's session counts: ``with_unit_hours``; ``CoursePage.total_hours`` for one course at hand).
- A *self-paced completion* is a completion of a self-paced continuing-education course
  (``CoursePage.self_paced``, ``kind`` continuing) by a person of the course's own organisation,
  not recorded through a run (no enrolment: a run's attended sessions count their own hours).
  It counts the course's hours on its ``completed_on`` date, as a training record counts its
  hours on its date. A self-paced basic course (the study circle) is not continuing education.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import models
from django.db.models import F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import Completion, CourseKind, CourseUnit

#: The name of the course's hours on the rows :func:`self_paced_completions` returns.
COURSE_HOURS = "course_hours"


def course_hours(course: str = "course_id") -> Coalesce:
    """The hours of the course that ``course`` (a field of the outer rows, e.g. ``"course_id"``
    on completions) names: the sum of its units' hours, 0 without units; one subquery."""
    total = (
        CourseUnit.objects.filter(course_id=OuterRef(course))
        .order_by()
        .values("course_id")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    return Coalesce(
        Subquery(total), Value(Decimal(0)), output_field=models.DecimalField(max_digits=9, decimal_places=2)
    )


def self_paced_completions(
    start: datetime.date, end: datetime.date, organisation_ids: tuple[int, ...] | list[int] | None = None
) -> models.QuerySet[Completion]:
    """The self-paced completions (module docstring) dated within [start, end], of the courses of
    ``organisation_ids`` (default: every organisation's), each with its course's hours as
    :data:`COURSE_HOURS`. Not run here: filter it further (e.g. by people), take
    ``values_list("person_id", "completed_on", "course_id", COURSE_HOURS)`` for one row per
    completion, or group it and ``Sum(COURSE_HOURS)``; one query however it is read."""
    by_organisation = {} if organisation_ids is None else {"course__organisation_id__in": organisation_ids}
    return (
        Completion.objects.filter(
            completed_on__range=(start, end),
            course__kind=CourseKind.CONTINUING,
            course__self_paced=True,
            enrolment__isnull=True,
            person__organisation_id=F("course__organisation_id"),
            **by_organisation,
        )
        .order_by()
        .annotate(**{COURSE_HOURS: course_hours()})
    )
