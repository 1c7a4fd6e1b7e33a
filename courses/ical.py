"""iCalendar feeds (RFC 5545): a person's sessions, a run's, an organisation's.

Feeds are polled every few minutes, so answering "nothing changed" is the hot path: the
version of a feed (ETag, Last-Modified) is one aggregate query, and the calendar is only built
when it changed. Feeds carry no attendees and no other people's names.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event
from wagtail.models import Site

from .models import (
    CourseRun,
    CourseUnit,
    EnrolmentStatus,
    FeedKind,
    FeedToken,
    LessonPage,
    Session,
    SessionStatus,
)

MY_SESSIONS_DAYS_BACK = 90
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")
PRODID = "-//Jourutbildning//Kalender//SV"


# Tokens ---------------------------------------------------------------------------------------


def _token_for(nonce: str) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"calendar-feed:{nonce}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_of(feed: FeedToken) -> str:
    """The secret in the feed's link (derived from its nonce and the site's key)."""
    return _token_for(feed.nonce)


@transaction.atomic
def feed_token(
    person, kind: str, run: CourseRun | None = None, organisation=None, reset: bool = False
) -> FeedToken:
    """The person's token for a feed, made on first use; ``reset`` replaces it with a new one."""
    feeds = FeedToken.objects.select_for_update().filter(
        person=person, kind=kind, run=run, organisation=organisation
    )
    existing = feeds.first()
    if existing is not None and not reset:
        return existing
    feeds.delete()
    nonce = secrets.token_urlsafe(32)
    return FeedToken.objects.create(
        person=person,
        kind=kind,
        run=run,
        organisation=organisation,
        nonce=nonce,
        token_hash=_hash(_token_for(nonce)),
    )


def find_feed(token: str) -> FeedToken | None:
    """The feed a token opens, or None for a malformed, unknown or revoked token or a
    deactivated person. One query."""
    if not TOKEN_PATTERN.match(token or ""):
        return None
    wanted = _hash(token)
    feed = FeedToken.objects.select_related("person", "run", "organisation").filter(token_hash=wanted).first()
    if feed is None or not hmac.compare_digest(feed.token_hash, wanted) or not feed.person.is_active:
        return None
    return feed


def revoke_feeds(person) -> int:
    """Delete all of a person's feed tokens (e.g. when she is deactivated)."""
    return FeedToken.objects.filter(person=person).delete()[0]


# Which sessions ---------------------------------------------------------------------------------


def sessions_for_person(person, now: datetime.datetime | None = None) -> QuerySet:
    """Every session of the runs she is enrolled in or leads, or where she makes up a unit,
    from 90 days back on."""
    since = (now or timezone.now()) - datetime.timedelta(days=MY_SESSIONS_DAYS_BACK)
    return Session.objects.filter(
        Q(run__enrolments__person=person, run__enrolments__status=EnrolmentStatus.ENROLLED)
        | Q(run__leaders=person)
        | Q(makeups__enrolment__person=person),
        starts_at__gte=since,
    ).distinct()


def feed_sessions(feed: FeedToken) -> QuerySet:
    if feed.kind == FeedKind.MY_SESSIONS:
        return sessions_for_person(feed.person)
    if feed.kind == FeedKind.RUN:
        return Session.objects.filter(run=feed.run)
    return Session.objects.filter(run__organisation=feed.organisation)


def feed_allowed(feed: FeedToken) -> bool:
    """A run's or an organisation's feed is for those who may still see it in the admin."""
    person = feed.person
    if feed.kind == FeedKind.MY_SESSIONS:
        return True
    organisation_id = feed.run.organisation_id if feed.kind == FeedKind.RUN else feed.organisation_id
    if not (person.is_superuser or person.organisation_id == organisation_id):
        return False
    return person.has_perm("courses.view_courserun")


@dataclass(frozen=True)
class FeedVersion:
    etag: str
    last_modified: datetime.datetime | None


def feed_version(feed: FeedToken, sessions: QuerySet) -> FeedVersion:
    """What changes whenever the feed's content changes: one aggregate query."""
    ids = Session.objects.filter(pk__in=sessions.values("pk"))
    row = ids.aggregate(
        count=Count("pk"), ids=Sum("pk"), changed=Max("updated_at"), run_changed=Max("run__updated_at")
    )
    changed = max((d for d in (row["changed"], row["run_changed"]) if d is not None), default=None)
    stamp = changed.isoformat() if changed else "-"
    raw = f"{feed.pk}:{feed.nonce}:{row['count']}:{row['ids']}:{stamp}"
    return FeedVersion(etag='"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"', last_modified=changed)


# Building -----------------------------------------------------------------------------------------


def with_titles_and_lessons(sessions: QuerySet) -> QuerySet:
    """Sessions with their run and course, their unit's title and their lesson page's path,
    in one query."""
    unit_title = CourseUnit.objects.filter(
        course_id=OuterRef("run__course_id"), number=OuterRef("unit_number")
    ).values("title")[:1]
    lesson_path = (
        LessonPage.objects.live()
        .filter(
            path__startswith=OuterRef("run__course__path"),
            depth=OuterRef("run__course__depth") + 1,
            unit_number=OuterRef("unit_number"),
        )
        .order_by("path")
        .values("url_path")[:1]
    )
    return (
        sessions.select_related("run__course")
        .annotate(unit_title=Subquery(unit_title), lesson_path=Subquery(lesson_path))
        .order_by("starts_at")
    )


def lesson_url(url_path: str | None, base_url: str) -> str | None:
    """The public address of a page from its Wagtail url_path (site root paths are cached)."""
    if not url_path:
        return None
    for root in Site.get_site_root_paths():
        if url_path.startswith(root.root_path):
            return base_url.rstrip("/") + "/" + url_path[len(root.root_path) :]
    return None


def session_event(session: Session, base_url: str) -> Event:
    run = session.run
    course = run.course
    if session.unit_number and session.unit_title:
        summary = f"{course.title} – {session.unit_number}. {session.unit_title}"
    else:
        summary = f"{course.title} – {run.title}"
    local = timezone.get_current_timezone()
    event = Event()
    event.add("uid", f"{session.uid}@jourutbildning")
    event.add("dtstamp", session.updated_at.astimezone(datetime.UTC))
    event.add("last-modified", session.updated_at.astimezone(datetime.UTC))
    event.add("dtstart", session.starts_at.astimezone(local))
    event.add("dtend", session.ends_at.astimezone(local))
    event.add("summary", summary)
    if run.location:
        event.add("location", run.location)
    description = [run.title]
    if session.status == SessionStatus.CANCELLED:
        description.insert(0, _("Cancelled: %(reason)s") % {"reason": session.cancel_reason})
    url = lesson_url(session.lesson_path, base_url)
    if url is not None:
        event.add("url", url)
        description.append(_("Material: %(url)s") % {"url": url})
    event.add("description", "\n".join(description))
    event.add("sequence", session.sequence)
    event.add("status", "CANCELLED" if session.status == SessionStatus.CANCELLED else "CONFIRMED")
    event.add("class", "PRIVATE")
    event.add("transp", "OPAQUE")
    return event


def build_calendar(sessions: QuerySet, name: str, base_url: str) -> bytes:
    """The calendar for ``sessions``, with the VTIMEZONE of Europe/Stockholm. One query."""
    sessions = list(with_titles_and_lessons(sessions))
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for session in sessions:
        calendar.add_component(session_event(session, base_url))
    if sessions:
        first = min(s.starts_at for s in sessions).date()
        last = max(s.ends_at for s in sessions).date()
        calendar.add_missing_timezones(
            first_date=datetime.date(first.year - 1, 1, 1), last_date=datetime.date(last.year + 2, 1, 1)
        )
    return calendar.to_ical()


def feed_name(feed: FeedToken) -> str:
    if feed.kind == FeedKind.RUN:
        return feed.run.title
    if feed.kind == FeedKind.ORGANISATION:
        return feed.organisation.name
    return _("My sessions")
