"""Everything the register holds about one person, for "Download my data" (the right of access):
a page, a PDF and a JSON file, all three from :func:`personal_data` (the same sections, rows and
words).

A fixed number of queries whatever the number of rows; nothing about anyone else (no other
attendees, no names of who marked or recorded), and no secrets (no password hash, no calendar
link tokens). Of her evaluations, which she answered, never what: nothing links her to her
answers, not even for her.

The JSON's structure is stable and Swedish, whatever the language of the page: an object with
``"profil"`` (her row in the register), ``"adminroller"`` (a list of names) and one key per
section (``SECTIONS``' ``key``), each a list of rows whose keys are the columns' ``key``. Choices
are written as their labels ("Närvarande", "Slutförd kurs"), dates and moments in ISO 8601,
hours as numbers, yes/no as JSON's true/false.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from certifications.models import (
    Certificate,
    Qualification,
    QualificationSource,
    ReminderSent,
    TrainingRecord,
)
from courses.models import (
    Attendance,
    Completion,
    Enrolment,
    EnrolmentStatus,
    FeedKind,
    FeedToken,
    LessonCompletion,
    MakeUp,
    MakeUpKind,
    Mark,
    SessionReminder,
)
from jour_core.exports import Pseudonyms, without_protected_names
from jour_core.numbers import number
from people.models import MEMBER_GROUPS, User
from people.permissions import BOARD_GROUP, COORDINATORS_GROUP
from quality.models import EvaluationReceipt


@dataclass(frozen=True)
class Column:
    """One column of a section: its JSON key (Swedish, stable), its heading on the page and in
    the PDF, the ``values()`` lookup it is read from, and the choices its values are labels of."""

    key: str
    label: str | Promise
    source: str
    choices: type[models.Choices] | None = None


@dataclass(frozen=True)
class Section:
    key: str
    title: str | Promise
    columns: tuple[Column, ...]
    rows: Callable[[User], models.QuerySet]
    note: str | Promise = ""


RUN = Column("kursomgång", _("Run"), "run__title")
COURSE = Column("kurs", _("Course"), "run__course__title")

SECTIONS: tuple[Section, ...] = (
    Section(
        "anmälningar",
        _("Enrolments"),
        (
            RUN,
            COURSE,
            Column("plats", _("Location"), "run__location"),
            Column("status", _("Status"), "status", EnrolmentStatus),
            Column("anmäld", _("Enrolled on"), "enrolled_on"),
            Column("avbruten", _("Withdrawn on"), "withdrawn_on"),
        ),
        lambda person: Enrolment.objects.filter(person=person).order_by("enrolled_on", "pk"),
    ),
    Section(
        "närvaro",
        _("Attendance"),
        (
            Column("kursomgång", _("Run"), "session__run__title"),
            Column("kurs", _("Course"), "session__run__course__title"),
            Column("avsnitt", _("Unit"), "session__unit_number"),
            Column("börjar", _("Starts"), "session__starts_at"),
            Column("slutar", _("Ends"), "session__ends_at"),
            Column("markering", pgettext_lazy("attendance", "Mark"), "mark", Mark),
            Column("markerad", _("Marked at"), "marked_at"),
            Column("anteckning", _("Note"), "note"),
        ),
        lambda person: Attendance.objects.filter(person=person).order_by("session__starts_at"),
    ),
    Section(
        "igentagna_avsnitt",
        _("Units made up"),
        (
            Column("kursomgång", _("Run"), "enrolment__run__title"),
            Column("avsnitt", _("Unit"), "unit_number"),
            Column("sätt", _("How"), "kind", MakeUpKind),
            Column("träff", _("Session"), "session__starts_at"),
            Column("datum", _("Date"), "date"),
            Column("anteckning", _("Note"), "note"),
        ),
        lambda person: MakeUp.objects.filter(enrolment__person=person).order_by("pk"),
    ),
    Section(
        "slutförda_kurser",
        _("Courses completed"),
        (
            Column("kurs", _("Course"), "course__title"),
            Column("slutförd", _("Completed on"), "completed_on"),
            Column("flaggad", _("Flagged for checking"), "flagged"),
        ),
        lambda person: Completion.objects.filter(person=person).order_by("completed_on"),
    ),
    Section(
        "avsnitt_klara",
        _("Lessons done"),
        (Column("lektion", _("Lesson"), "lesson__title"), Column("klar", _("Done at"), "done_at")),
        lambda person: LessonCompletion.objects.filter(person=person).order_by("done_at"),
    ),
    Section(
        "kvalifikationer",
        _("Qualifications"),
        (
            Column("kvalifikation", _("Qualification"), "type__name"),
            Column("utfärdad", _("Issued on"), "issued_on"),
            Column("giltig_till", _("Valid until"), "expires_on"),
            Column("återkallad", _("Revoked on"), "revoked_on"),
            Column("skäl", _("Reason"), "revoke_reason"),
            Column(
                "källa",
                pgettext_lazy("where a qualification came from", "Source"),
                "source",
                QualificationSource,
            ),
        ),
        lambda person: Qualification.objects.filter(person=person).order_by("issued_on"),
    ),
    Section(
        "intyg",
        _("Certificates"),
        (
            Column("kurs", _("Course"), "completion__course__title"),
            Column("kod", _("Code"), "code"),
            Column("utfärdat", _("Issued at"), "issued_at"),
            Column("återkallat", _("Revoked at"), "revoked_at"),
            Column("skäl", _("Reason"), "revoke_reason"),
        ),
        lambda person: Certificate.objects.filter(person=person).order_by("issued_at"),
    ),
    Section(
        "utbildningar",
        _("Training attended"),
        (
            Column("titel", _("Title"), "title"),
            Column("anordnare", _("Provider"), "provider"),
            Column("datum", _("Date"), "date"),
            Column("timmar", _("Hours"), "hours"),
        ),
        lambda person: TrainingRecord.objects.filter(attendees=person).order_by("date"),
    ),
    Section(
        "påminnelser_om_giltighet",
        _("Reminders before a qualification expires"),
        (
            Column("kvalifikation", _("Qualification"), "qualification__type__name"),
            Column("dagar_före", _("Days before"), "days_before"),
            Column("går_ut", _("Expires on"), "expires_on"),
            Column("skickad", _("Sent at"), "sent_at"),
        ),
        lambda person: ReminderSent.objects.filter(qualification__person=person).order_by("sent_at"),
    ),
    Section(
        "besvarade_utvärderingar",
        _("Evaluations answered"),
        (RUN, COURSE, Column("avsnitt", _("Unit"), "unit_number")),
        lambda person: EvaluationReceipt.objects.filter(person=person).order_by(
            "run__title", "run_id", "unit_number"
        ),
        _("Which evaluations you have answered, never what: your answers are kept without your name."),
    ),
    Section(
        "påminnelser_om_träffar",
        _("Reminders the day before a session"),
        (
            Column("kursomgång", _("Run"), "session__run__title"),
            Column("avsnitt", _("Unit"), "session__unit_number"),
            Column("börjar", _("Starts"), "starts_at"),
            Column("skickad", _("Sent at"), "sent_at"),
        ),
        lambda person: SessionReminder.objects.filter(person=person).order_by("sent_at"),
    ),
    Section(
        "kalenderlänkar",
        _("Calendar links"),
        (
            Column("kalender", _("Calendar"), "kind", FeedKind),
            Column("skapad", _("Created at"), "created_at"),
        ),
        lambda person: FeedToken.objects.filter(person=person).order_by("created_at"),
        _("That your calendar links exist and since when; never the link itself."),
    ),
)

#: Her row in the register: JSON key, heading, field (``organisation__name`` for the name).
PROFILE: tuple[Column, ...] = (
    Column("id", _("Number in the register"), "id"),
    Column("e-post", _("Email"), "email"),
    Column("förnamn", _("First name"), "first_name"),
    Column("efternamn", _("Last name"), "last_name"),
    Column("telefon", _("Phone"), "phone"),
    Column("förening", _("Organisation"), "organisation__name"),
    Column("grupper", _("Groups"), "groups"),
    Column("började", _("Joined on"), "joined_on"),
    Column("slutade", _("Left on"), "left_on"),
    Column("skyddade_personuppgifter", _("Protected identity"), "protected_identity"),
    Column("kan_logga_in", _("Can log in"), "is_active"),
    Column("påminnelser_om_träffar", _("Reminders the day before a session"), "session_reminders"),
    Column("registrerad", _("In the register since"), "created_at"),
    Column("senast_inloggad", _("Last logged in"), "last_login"),
)
GROUP_FIELDS = {"group_volunteer": "volunteer", "group_staff": "staff", "group_board": "board"}


def _plain(value: Any, choices: type[models.Choices] | None = None) -> Any:
    """A value as the JSON holds it: a choice's label, ISO dates, local moments, hours as numbers."""
    if choices is not None and value not in (None, ""):
        return str(choices(value).label)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _rows(section: Section, person: User) -> list[dict[str, Any]]:
    lookups = [column.source for column in section.columns]
    return [
        {column.key: _plain(row[column.source], column.choices) for column in section.columns}
        for row in section.rows(person).values(*lookups)
    ]


def _profile(person: User) -> dict[str, Any]:
    """Her row in the register, with her organisation's name and her groups; no password hash."""
    sources = [column.source for column in PROFILE if column.source != "groups"]
    row = User.objects.filter(pk=person.pk).values(*sources, *GROUP_FIELDS).get()
    row["groups"] = [str(MEMBER_GROUPS[group]) for field, group in GROUP_FIELDS.items() if row[field]]
    return {column.key: _plain(row[column.source]) for column in PROFILE}


def role_name(group: str) -> str:
    """An admin role's group as people call it: "Samordnare", "Samordnare: jour-a" (her
    organisation's coordinators), "Styrelse"; another group by its name."""
    role, _colon, organisation = group.partition(":")
    names = {
        COORDINATORS_GROUP: pgettext("admin role", "Coordinators"),
        BOARD_GROUP: pgettext("admin role", "Board"),
    }
    if role not in names:
        return group
    return f"{names[role]}:{organisation}" if organisation else names[role]


def collect_personal_data(person: User) -> dict[str, Any]:
    """The person's own data as plain JSON-ready values (the module's docstring: the structure)."""
    return {
        "profil": _profile(person),
        "adminroller": [
            role_name(name) for name in person.groups.order_by("name").values_list("name", flat=True)
        ],
        **{section.key: _rows(section, person) for section in SECTIONS},
    }


def personal_data_as_exported(person: User) -> dict[str, Any]:
    """Her data as her coordinator downloads it (the coordinator's page of a person): the same
    as hers, shown as every export shows people (``jour_core/exports.py``): for a protected
    identity her pseudonym for her name, nothing for her email address and phone number, and
    her name, address and number replaced by the pseudonym in any text."""
    data = collect_personal_data(person)
    if not person.protected_identity:
        return data
    profile = data["profil"]
    profile["förnamn"] = Pseudonyms([person])(person)
    profile["efternamn"] = profile["e-post"] = profile["telefon"] = ""
    return without_protected_names(data, [person])


def row_count(data: dict[str, Any]) -> int:
    """How many rows the sections hold (the audit line's ``rows``)."""
    return sum(len(data[section.key]) for section in SECTIONS)


# The page and the PDF ------------------------------------------------------------------------


MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z)?$")


def shown(value: Any) -> str:
    """A JSON value as the page and the PDF show it: "Ja"/"Nej", numbers as
    ``jour_core.numbers.number`` writes them, a list joined, nothing as "–"."""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "–"
    if isinstance(value, int | float):
        return number(value)
    if isinstance(value, str) and MOMENT.match(value):
        return value[:16].replace("T", " ")  # a moment: "2026-11-25 18:00"
    return "–" if value in (None, "") else str(value)


@dataclass(frozen=True)
class ShownSection:
    key: str
    title: str
    note: str
    headers: list[str]
    rows: list[list[str]]


def data_for_reading(data: dict[str, Any]) -> tuple[list[tuple[str, str]], list[str], list[ShownSection]]:
    """``data`` (:func:`collect_personal_data`'s) as the page and the PDF show it: the profile's
    (heading, value) pairs, the admin roles, and each section's headings and rows."""
    profile = [(str(column.label), shown(data["profil"][column.key])) for column in PROFILE]
    sections = [
        ShownSection(
            section.key,
            str(section.title),
            str(section.note),
            [str(column.label) for column in section.columns],
            [[shown(row[column.key]) for column in section.columns] for row in data[section.key]],
        )
        for section in SECTIONS
    ]
    return profile, list(data["adminroller"]), sections
