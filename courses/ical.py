"""iCalendar feeds (RFC 5545): a person's sessions, a run's, an organisation's.

Feeds are polled every few minutes, so answering "nothing changed" is the hot path: the
version of a feed (ETag, Last-Modified) is one aggregate query, kept in the cache under the
organisation's data version, and the calendar is only built when it changed. A "My sessions"
feed asked again with its ETag is answered from one precompiled query and the cache
(``polled_version``). Feeds carry no attendees and no other people's names.
"""

from __future__ import annotations

import base64
import datetime
import functools
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router, transaction
from django.db.models import Count, Max, OuterRef, QuerySet, Subquery, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from icalendar import Calendar, Event
from wagtail.models import Site

from jour_core.scoping import can_see_organisation
from people.bounds import EARLIEST_DATE, LATEST_DATE

from .models import (
    CourseRun,
    CourseUnit,
    EnrolmentStatus,
    FeedKind,
    FeedToken,
    LessonPage,
    MakeUp,
    Session,
    SessionStatus,
)
from .scheduling import local_datetime

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


@dataclass(frozen=True)
class FeedLink:
    """A feed's address, and the same address as a ``webcal://`` link (which a phone opens in
    its calendar app, offering to subscribe)."""

    url: str
    webcal: str


def feed_link(feed: FeedToken, base_url: str) -> FeedLink:
    """The subscription link of ``feed`` on the site at ``base_url``."""
    url = base_url.rstrip("/") + reverse("courses_calendar_feed", args=[token_of(feed)])
    return FeedLink(url=url, webcal=webcal(url))


def webcal(url: str) -> str:
    """``url`` with its scheme replaced by ``webcal``."""
    return "webcal://" + url.split("://", 1)[-1]


def find_feed(token: str) -> FeedToken | None:
    """The feed a token opens, or None for a malformed, unknown or revoked token or a
    deactivated person. One query."""
    if not TOKEN_PATTERN.match(token or ""):
        return None
    wanted = _hash(token)
    feed = (
        FeedToken.objects.select_related("person__organisation", "run__organisation", "organisation")
        .filter(token_hash=wanted)
        .first()
    )
    if feed is None or not hmac.compare_digest(feed.token_hash, wanted) or not feed.person.is_active:
        return None
    return feed


def revoke_feeds(person) -> int:
    """Delete all of a person's feed tokens (e.g. when she is deactivated)."""
    return FeedToken.objects.filter(person=person).delete()[0]


# Which sessions ---------------------------------------------------------------------------------


def sessions_for_person(person, today: datetime.date | None = None) -> QuerySet:
    """Every session of the runs she is enrolled in or leads, or where she makes up a unit,
    from 90 days before today on (the same set all day). The three are one UNION of indexed
    lookups, which both databases run without looking at other people's sessions."""
    first_day = (today or timezone.localdate()) - datetime.timedelta(days=MY_SESSIONS_DAYS_BACK)
    since = local_datetime(first_day, datetime.time.min)
    enrolled = Session.objects.filter(
        run__enrolments__person=person, run__enrolments__status=EnrolmentStatus.ENROLLED
    )
    led = Session.objects.filter(run__leaders=person)
    made_up = MakeUp.objects.filter(enrolment__person=person, session__isnull=False).values("session_id")
    ids = (
        enrolled.order_by()
        .values("pk")
        .union(led.order_by().values("pk"), made_up.order_by().values("session_id"))
    )
    return Session.objects.filter(pk__in=ids, starts_at__gte=since)


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
    if not can_see_organisation(person, organisation_id):
        return False
    return person.has_perm("jour_courses.view_courserun")


@dataclass(frozen=True)
class FeedVersion:
    etag: str
    last_modified: datetime.datetime | None


def feed_version(feed: FeedToken, sessions: QuerySet) -> FeedVersion:
    """What changes whenever the feed's content changes: which sessions, and the last change
    to any of them, their runs or their courses (a course's title and units change when it is
    published). One aggregate query."""
    row = sessions.aggregate(
        count=Count("pk"),
        ids=Sum("pk"),
        changed=Max("updated_at"),
        run_changed=Max("run__updated_at"),
        course_changed=Max("run__course__last_published_at"),
    )
    stamps = (row["changed"], row["run_changed"], row["course_changed"])
    changed = max((d for d in stamps if d is not None), default=None)
    raw = f"{feed.pk}:{feed.nonce}:{row['count']}:{row['ids']}:" + ":".join(
        d.isoformat() if d else "-" for d in stamps
    )
    return FeedVersion(etag='"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"', last_modified=changed)


def feed_organisation(feed: FeedToken):
    """The organisation whose records make up the feed (None for a person outside them)."""
    if feed.kind == FeedKind.MY_SESSIONS:
        return feed.person.organisation
    return feed.run.organisation if feed.kind == FeedKind.RUN else feed.organisation


def feed_version_key(feed_id: int, nonce: str, data_version: int) -> str:
    """Where a feed's version is kept: under the feed, its organisation's data version and
    today's date (the "My sessions" window moves by the day)."""
    return f"courses:feed-version:{feed_id}:{nonce}:{data_version}:{timezone.localdate()}"


def current_feed_version(feed: FeedToken) -> FeedVersion:
    """``feed_version``, kept in the cache under the organisation's data version and today's
    date: every change to the sessions, runs, enrolments, make-ups or courses of the feed bumps
    the organisation's version (jour_core/versions.py), and the "My sessions" window moves by
    the day. So a calendar app asking again costs the token lookup, not the version query."""
    organisation = feed_organisation(feed)
    if organisation is None:
        return feed_version(feed, feed_sessions(feed))
    key = feed_version_key(feed.pk, feed.nonce, organisation.data_version)
    version = cache.get(key)
    if version is None:
        version = feed_version(feed, feed_sessions(feed))
        cache.set(key, version, FEED_CACHE_SECONDS)
    return version


@functools.cache
def _poll_statement(alias: str) -> str:
    """The SQL of the poll's one query, compiled by Django once per process and database: the
    token's feed, its person's ``is_active`` and her organisation's data version. (Building and
    compiling a queryset took 2 to 3 ms of a 304's 4, against 0.1 ms for running it.)"""
    query = (
        FeedToken.objects.using(alias)
        .filter(token_hash="")
        .values_list(
            "pk", "kind", "nonce", "token_hash", "person__is_active", "person__organisation__data_version"
        )
        .query
    )
    sql, params = query.get_compiler(using=alias).as_sql()
    if list(params) != [""]:
        raise RuntimeError(f"the poll's query has unexpected parameters: {params!r}")
    return sql


def polled_version(token: str) -> FeedVersion | None:
    """The cached version of a "My sessions" feed, for a calendar app asking again with the
    ETag it has: one query, compiled once (``_poll_statement``), and the cache. None whenever
    the full path must answer: a malformed, unknown or revoked token, a deactivated person,
    another kind of feed (they check permissions), a person outside the organisations, or a
    version not (or no longer) in the cache. It reads what ``find_feed`` and
    ``current_feed_version`` read and decides as they do, so it answers only what they would."""
    if not TOKEN_PATTERN.match(token or ""):
        return None
    wanted = _hash(token)
    alias = router.db_for_read(FeedToken)
    with connections[alias].cursor() as cursor:
        cursor.execute(_poll_statement(alias), [wanted])
        row = cursor.fetchone()
    if row is None:
        return None
    feed_id, kind, nonce, token_hash, is_active, data_version = row
    if kind != FeedKind.MY_SESSIONS or not is_active or data_version is None:
        return None
    if not hmac.compare_digest(token_hash, wanted):
        return None
    return cache.get(feed_version_key(feed_id, nonce, data_version))


#: How long a built calendar is kept (it is keyed on the feed's version, so a change to its
#: sessions is never served stale; the time only bounds the memory).
FEED_CACHE_SECONDS = 24 * 60 * 60


def calendar_cache_key(version: FeedVersion, base_url: str) -> str:
    """A built calendar depends on the feed's version, the site's address and the language."""
    raw = f"{version.etag}|{base_url}|{translation.get_language()}"
    return "courses:feed:" + hashlib.sha256(raw.encode()).hexdigest()


def cached_calendar(feed: FeedToken, version: FeedVersion, base_url: str) -> bytes:
    """The feed's calendar, built once per version, address and language, then taken from
    the cache (calendar apps that never send If-None-Match ask for it every few minutes)."""
    key = calendar_cache_key(version, base_url)
    body = cache.get(key)
    if body is None:
        body = build_calendar(feed_sessions(feed), feed_name(feed), base_url)
        cache.set(key, body, FEED_CACHE_SECONDS)
    return body


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
    if session.status == SessionStatus.CANCELLED:
        # In the title too: calendar apps that ignore STATUS still show it, struck or not.
        summary = pgettext("calendar event title", "CANCELLED: %(title)s") % {"title": summary}
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
    shown = []
    for session in sessions:
        event = representable_event(session, base_url)
        if event is not None:
            calendar.add_component(event)
            shown.append(session)
    if shown:
        first = min(s.starts_at for s in shown).date()
        last = max(s.ends_at for s in shown).date()
        calendar.add_missing_timezones(
            first_date=datetime.date(max(first.year - 1, EARLIEST_DATE.year), 1, 1),
            last_date=datetime.date(min(last.year + 2, LATEST_DATE.year + 1), 1, 1),
        )
    return calendar.to_ical()


def representable_event(session: Session, base_url: str) -> Event | None:
    """The session's event, or None for a session the calendar cannot hold: one whose local
    times fall outside the dates a person may enter (a row written before the bounds, or by
    hand). A feed leaves it out rather than fail for all its subscribers."""
    try:
        local = timezone.get_current_timezone()
        days = (session.starts_at.astimezone(local).date(), session.ends_at.astimezone(local).date())
    except (OverflowError, ValueError):
        return None
    if not all(EARLIEST_DATE <= day <= LATEST_DATE for day in days):
        return None
    return session_event(session, base_url)


def feed_name(feed: FeedToken) -> str:
    if feed.kind == FeedKind.RUN:
        return feed.run.title
    if feed.kind == FeedKind.ORGANISATION:
        return feed.organisation.name
    return _("My sessions")
