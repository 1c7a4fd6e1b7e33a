"""Everything the register holds about one person, for "Download my data" (the right of access).

A fixed number of queries whatever the number of rows; nothing about anyone else (no other
attendees, no names of who marked or recorded), and no secrets (no password hash, no calendar
link tokens). Of her evaluations, which she answered, never what: nothing links her to her
answers, not even for her.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from certifications.models import Certificate, Qualification, ReminderSent, TrainingRecord
from courses.models import (
    Attendance,
    Completion,
    Enrolment,
    FeedToken,
    LessonCompletion,
    MakeUp,
    SessionReminder,
)
from jour_core.exports import Pseudonyms, without_protected_names
from people.models import User
from quality.models import EvaluationReceipt


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _rows(rows) -> list[dict[str, Any]]:
    return [{key: _plain(value) for key, value in row.items()} for row in rows]


def collect_personal_data(person: User) -> dict[str, Any]:
    """The person's own data as plain JSON-ready values."""
    return {
        "profile": _profile(person),
        "admin_roles": list(person.groups.order_by("name").values_list("name", flat=True)),
        **_training(person),
        **_qualifications(person),
        # Which evaluations she has answered; never what (her answers do not name her).
        "evaluations_answered": _rows(
            EvaluationReceipt.objects.filter(person=person)
            .order_by("run__title", "run_id", "unit_number")
            .values("run__title", "run__course__title", "unit_number")
        ),
        # The reminders sent her the day before a session.
        "session_reminders_sent": _rows(
            SessionReminder.objects.filter(person=person)
            .order_by("sent_at")
            .values("session__run__title", "session__unit_number", "starts_at", "sent_at")
        ),
        # That her calendar links exist and since when; never the token.
        "calendar_feeds": _rows(
            FeedToken.objects.filter(person=person).order_by("created_at").values("kind", "created_at")
        ),
    }


def _profile(person: User) -> dict[str, Any]:
    """Her row in the register, with her organisation's name; no password hash."""
    profile = (
        User.objects.filter(pk=person.pk)
        .values(
            "id",
            "email",
            "first_name",
            "last_name",
            "phone",
            "organisation__name",
            "group_volunteer",
            "group_staff",
            "group_board",
            "joined_on",
            "left_on",
            "protected_identity",
            "is_active",
            "session_reminders",
            "created_at",
            "last_login",
        )
        .get()
    )
    profile["organisation"] = profile.pop("organisation__name")
    return {key: _plain(value) for key, value in profile.items()}


def _training(person: User) -> dict[str, list[dict[str, Any]]]:
    """Her courses: enrolments, attendance marks, make-ups, completions, lessons done."""
    return {
        "enrolments": _rows(
            Enrolment.objects.filter(person=person)
            .order_by("enrolled_on", "pk")
            .values(
                "id",
                "run__title",
                "run__course__title",
                "run__location",
                "status",
                "enrolled_on",
                "withdrawn_on",
            )
        ),
        "attendance": _rows(
            Attendance.objects.filter(person=person)
            .order_by("session__starts_at")
            .values(
                "session__run__title",
                "session__run__course__title",
                "session__unit_number",
                "session__starts_at",
                "session__ends_at",
                "mark",
                "marked_at",
                "note",
            )
        ),
        "makeups": _rows(
            MakeUp.objects.filter(enrolment__person=person)
            .order_by("pk")
            .values("enrolment__run__title", "unit_number", "kind", "session__starts_at", "date", "note")
        ),
        "completions": _rows(
            Completion.objects.filter(person=person)
            .order_by("completed_on")
            .values("course__title", "completed_on", "flagged")
        ),
        "lesson_completions": _rows(
            LessonCompletion.objects.filter(person=person)
            .order_by("done_at")
            .values("lesson__title", "done_at")
        ),
    }


def _qualifications(person: User) -> dict[str, list[dict[str, Any]]]:
    """Her qualifications, her certificates, the external training she attended, the expiry
    reminders sent."""
    return {
        "qualifications": _rows(
            Qualification.objects.filter(person=person)
            .order_by("issued_on")
            .values("type__name", "issued_on", "expires_on", "revoked_on", "revoke_reason", "source")
        ),
        "certificates": _rows(
            Certificate.objects.filter(person=person)
            .order_by("issued_at")
            .values("completion__course__title", "code", "issued_at", "revoked_at", "revoke_reason")
        ),
        "training_records": _rows(
            TrainingRecord.objects.filter(attendees=person)
            .order_by("date")
            .values("title", "provider", "date", "hours")
        ),
        "reminders_sent": _rows(
            ReminderSent.objects.filter(qualification__person=person)
            .order_by("sent_at")
            .values("qualification__type__name", "days_before", "expires_on", "sent_at")
        ),
    }


def personal_data_as_exported(person: User) -> dict[str, Any]:
    """Her data as her coordinator downloads it (the coordinator's page of a person): the same
    as hers, shown as every export shows people (``jour_core/exports.py``): for a protected
    identity her pseudonym for her name, nothing for her email address and phone number, and
    her name, address and number replaced by the pseudonym in any text."""
    data = collect_personal_data(person)
    if not person.protected_identity:
        return data
    profile = data["profile"]
    profile["first_name"] = Pseudonyms([person])(person)
    profile["last_name"] = profile["email"] = profile["phone"] = ""
    return without_protected_names(data, [person])
