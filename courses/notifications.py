"""Changes reach people: a session cancelled, moved or reinstated is emailed to everyone it
concerns, and an apology given in advance to the run's leaders. Through the task queue
(``jour_core.mail.queue_email``), one message a person: nobody sees who else was told.

Who is concerned by a session (:func:`people_concerned`, one query): the run's enrolled
participants (not those who withdrew), those booked to make up that unit at that session
(``MakeUp.session``, on an enrolment not withdrawn) and the run's leaders; never someone whose
account is switched off or who has left the organisation (``left_on`` before today).

One message is queued per person, written at the moment of the change: a failure to reach one
address is retried for that address alone, and a later change sends its own message rather than
changing one still waiting. The messages are rows of the change's transaction (with the
database backend), so nothing is sent for a change that is rolled back.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jour_core.mail import queue_email
from people.membership import left_before
from people.models import User

from . import wording
from .conf import app_settings, base_url
from .ical import build_calendar
from .models import (
    Attendance,
    CourseRun,
    CourseUnit,
    Enrolment,
    EnrolmentStatus,
    MakeUp,
    Mark,
    Session,
    SessionStatus,
)

CANCELLED = "cancelled"
REINSTATED = "reinstated"
MOVED = "moved"


def change_of(session: Session, before: dict[str, Any] | None, now: datetime.datetime) -> str | None:
    """What people are to be told of ``session`` saved over ``before`` (its ``starts_at``,
    ``ends_at`` and ``status`` as loaded): ``CANCELLED``, ``REINSTATED``, ``MOVED`` or None
    (a new session, a reason reworded, a cancelled one moved, a correction in the past)."""
    if not before or not {"starts_at", "ends_at", "status"} <= before.keys():
        return None
    if max(session.starts_at, before["starts_at"]) < now:
        return None  # the records of what was, corrected
    was_cancelled = before["status"] == SessionStatus.CANCELLED
    if session.is_cancelled:
        return None if was_cancelled else CANCELLED
    if was_cancelled:
        return REINSTATED
    if (session.starts_at, session.ends_at) != (before["starts_at"], before["ends_at"]):
        return MOVED
    return None


def current_members(people: QuerySet, today: datetime.date) -> QuerySet:
    """``people`` who may still be told: active accounts of people who have not left."""
    return people.filter(is_active=True).exclude(left_before(today)).exclude(email="")


def people_concerned(session: Session, today: datetime.date) -> QuerySet:
    """Everyone a change to ``session`` concerns (module docstring). One query."""
    enrolled = Enrolment.objects.filter(run_id=session.run_id, status=EnrolmentStatus.ENROLLED)
    making_up = MakeUp.objects.filter(session=session, enrolment__status=EnrolmentStatus.ENROLLED)
    leaders = CourseRun.leaders.through.objects.filter(courserun_id=session.run_id)
    return current_members(
        User.objects.filter(
            Q(pk__in=enrolled.values("person_id"))
            | Q(pk__in=making_up.values("enrolment__person_id"))
            | Q(pk__in=leaders.values("user_id"))
        ),
        today,
    ).order_by("pk")


def session_title(session: Session) -> str:
    """ "Studiecirkel – 3. Våldets många uttryck", as the calendar names it."""
    course = session.run.course
    unit = CourseUnit.objects.filter(course_id=course.pk, number=session.unit_number).first()
    if session.unit_number and unit is not None:
        return f"{course.title} – {session.unit_number}. {unit.title}"
    return f"{course.title} – {session.run.title}"


def my_sessions_url() -> str:
    """The member's page with her sessions (``COURSES_MY_SESSIONS_URL``), or "" when the site
    has none."""
    url = app_settings.COURSES_MY_SESSIONS_URL
    if not url:
        return ""
    try:
        return base_url().rstrip("/") + resolve_url(url)
    except NoReverseMatch:
        return ""


def session_ics(session: Session) -> str:
    """The one session as a calendar (courses/ical.py: the feed's UID, SEQUENCE and STATUS,
    METHOD:PUBLISH as the feeds), so that a calendar app updates the event it has."""
    return build_calendar(Session.objects.filter(pk=session.pk), session.run.title, base_url()).decode()


def _change_lines(change: str, session: Session, before: dict[str, Any]) -> tuple[str, list[str]]:
    """The subject and the lines telling of ``change``."""
    title = f"{session_title(session)} ({session.run.title})"
    when = wording.span(session.starts_at, session.ends_at)
    words = {"title": session_title(session), "day": wording.day(session.starts_at)}
    if change == CANCELLED:
        subject = _("Cancelled: %(title)s, %(day)s") % words
        lines = [
            _("The session is cancelled:"),
            title,
            when,
            _("Reason: %(reason)s") % {"reason": session.cancel_reason},
        ]
    elif change == MOVED:
        subject = _("New time: %(title)s, %(day)s") % words
        lines = [
            _("The session has been moved:"),
            title,
            _("New time: %(when)s") % {"when": when},
            _("Before: %(when)s") % {"when": wording.span(before["starts_at"], before["ends_at"])},
        ]
    else:
        subject = _("On again: %(title)s, %(day)s") % words
        lines = [_("The session will take place after all:"), title, _("Time: %(when)s") % {"when": when}]
    if session.run.location and change != CANCELLED:
        lines.append(_("Place: %(place)s") % {"place": session.run.location})
    return subject, lines


def notify_session_change(session: Session, before: dict[str, Any] | None) -> int:
    """Queue the message about ``session`` saved over ``before`` to everyone concerned, with
    the session as an .ics file; answer how many were queued."""
    change = change_of(session, before, timezone.now())
    if change is None:
        return 0
    people = list(people_concerned(session, timezone.localdate()).only("email", "first_name"))
    if not people:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject, lines = _change_lines(change, session, before)
        lines += ["", _("The calendar file in this email updates the session in your calendar.")]
        url = my_sessions_url()
        if url:
            lines.append(_("Your sessions: %(url)s") % {"url": url})
        attachment = ("traff.ics", session_ics(session), "text/calendar")
        for person in people:
            greeting = (
                _("Hello %(name)s,") % {"name": person.first_name} if person.first_name else _("Hello,")
            )
            queue_email(
                person.email, subject, "\n".join([greeting, "", *lines, ""]), attachments=[attachment]
            )
    return len(people)


def notify_apology(attendance: Attendance, note: str | None = None) -> int:
    """Queue a message to each of the run's leaders (who may see her name: they see her in the
    register; nothing else about her is said) that she gave apologies for the session, with
    her note if any (``note``, else the attendance's own ``note`` if it has one). Answer how
    many were queued."""
    if attendance.mark != Mark.EXCUSED:
        return 0
    session = attendance.session
    leaders = CourseRun.leaders.through.objects.filter(courserun_id=session.run_id).values("user_id")
    people = list(
        current_members(User.objects.filter(pk__in=leaders), timezone.localdate())
        .exclude(pk=attendance.person_id)
        .only("email", "first_name")
    )
    if not people:
        return 0
    note = (note if note is not None else getattr(attendance, "note", "")) or ""
    person = attendance.person
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Apologies for the session %(when)s") % {
            "when": wording.at(session.starts_at, year=False)
        }
        # A protected identity is named in the register only: an email leaves the system, so it
        # says neither her name nor her note (which may tell who she is).
        protected = person.protected_identity
        name = _("A participant with a protected identity") if protected else person.get_full_name()
        lines = [
            _("%(name)s has given apologies for the session:") % {"name": name or _("A participant")},
            f"{session_title(session)} ({session.run.title})",
            wording.span(session.starts_at, session.ends_at),
        ]
        if note.strip() and not protected:
            lines.append(_("Her note: %(note)s") % {"note": note.strip()})
        if protected:
            lines.append(_("Who she is, and her note, are in the register."))
        lines += ["", _("The register opens with her marked as having given apologies.")]
        for leader in people:
            queue_email(leader.email, subject, "\n".join([wording.greeting(leader), "", *lines, ""]))
    return len(people)
