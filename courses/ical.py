"""iCalendar feeds (RFC 5545): a person's sessions, a run's, an organisation's.

Feeds are polled every few minutes, so answering "nothing changed" is the hot path: the
version of a feed (ETag, Last-Modified) is kept in the cache under the organisation's data
version, and the calendar is only built when it changed. A "My sessions" feed asked again
with its ETag is answered from one precompiled query and the cache (``polled_version``).
When the calendar is built, one query reads the sessions and both the version and the
calendar are made from those rows (``feed_calendar``); a conditional request whose version
is not cached works it out with one aggregate query (``feed_version``). Feeds carry no
attendees and no other people's names.
"""

from __future__ import annotations

import base64
import datetime
import functools
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router, transaction
from django.db.models import CharField, Count, Max, Min, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from icalendar import Timezone
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


def feed_token(
    person, kind: str, run: CourseRun | None = None, organisation=None, reset: bool = False
) -> FeedToken:
    """The person's token for a feed, made on first use; ``reset`` replaces it with a new one.
    One read when she has it (every visit to *My training* after the first): no transaction,
    so on SQLite no page view waits for the write lock to read her link."""
    if not reset:
        existing = FeedToken.objects.filter(
            person=person, kind=kind, run=run, organisation=organisation
        ).first()
        if existing is not None:
            return existing
    return _new_feed_token(person, kind, run, organisation, reset)


@transaction.atomic
def _new_feed_token(person, kind: str, run: CourseRun | None, organisation, reset: bool) -> FeedToken:
    """Make the token (or replace it, ``reset``), locking the person's rows for it: of two
    first visits at once, the second finds the first one's token."""
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
    #: The organisations whose runs the feed's sessions are of (not part of the ETag): the
    #: version is kept under one organisation's data version only when they are that one.
    organisation_ids: frozenset[int] = field(default=frozenset(), compare=False)


def _version(
    feed: FeedToken, count: int, ids: int | None, stamps: tuple, organisation_ids: frozenset[int]
) -> FeedVersion:
    """The version of a feed of ``count`` sessions whose ids add up to ``ids`` (None for
    none), with the last changes ``stamps`` to the sessions, their runs and their courses."""
    changed = max((d for d in stamps if d is not None), default=None)
    raw = f"{feed.pk}:{feed.nonce}:{count}:{ids}:" + ":".join(d.isoformat() if d else "-" for d in stamps)
    if feed.kind == FeedKind.ORGANISATION:
        # Its name is the calendar's name: renaming the organisation changes the feed (and bumps
        # its data version, so a version kept in the cache is not used).
        raw += f":{feed.organisation.name}"
    return FeedVersion(
        etag='"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"',
        last_modified=changed,
        organisation_ids=organisation_ids,
    )


def feed_version(feed: FeedToken, sessions: QuerySet) -> FeedVersion:
    """What changes whenever the feed's content changes: which sessions, and the last change
    to any of them, their runs or their courses (a course's title and units change when it is
    published). One aggregate query; ``version_of_rows`` gives the same from the rows."""
    row = sessions.aggregate(
        count=Count("pk"),
        ids=Sum("pk"),
        changed=Max("updated_at"),
        run_changed=Max("run__updated_at"),
        course_changed=Max("run__course__last_published_at"),
        first_organisation=Min("run__organisation_id"),
        last_organisation=Max("run__organisation_id"),
    )
    return _version(
        feed,
        row["count"],
        row["ids"],
        (row["changed"], row["run_changed"], row["course_changed"]),
        frozenset({row["first_organisation"], row["last_organisation"]} - {None}),
    )


def version_of_rows(feed: FeedToken, rows: list) -> FeedVersion:
    """``feed_version`` worked out from the rows of ``event_rows`` (no query): the calendar
    and its ETag come from the same read."""

    def latest(values):
        return max((v for v in values if v is not None), default=None)

    return _version(
        feed,
        len(rows),
        sum(row.pk for row in rows) if rows else None,
        (
            latest(row.updated_at for row in rows),
            latest(row.run__updated_at for row in rows),
            latest(row.run__course__last_published_at for row in rows),
        ),
        frozenset(row.run__organisation_id for row in rows),
    )


def feed_organisation(feed: FeedToken):
    """The organisation whose records make up the feed (None for a person outside them)."""
    if feed.kind == FeedKind.MY_SESSIONS:
        return feed.person.organisation
    return feed.run.organisation if feed.kind == FeedKind.RUN else feed.organisation


def feed_version_key(feed_id: int, nonce: str, organisation_id: int, data_version: int) -> str:
    """Where a feed's version is kept: under the feed, its organisation and that one's data
    version, and today's date (the "My sessions" window moves by the day)."""
    return f"courses:feed-version:{feed_id}:{nonce}:{organisation_id}:{data_version}:{timezone.localdate()}"


def _version_key(feed: FeedToken) -> str | None:
    organisation = feed_organisation(feed)
    if organisation is None:
        return None
    return feed_version_key(feed.pk, feed.nonce, organisation.pk, organisation.data_version)


def cached_feed_version(feed: FeedToken) -> FeedVersion | None:
    """The feed's version if the cache has it. It is kept under the organisation's data
    version and today's date: every change to the sessions, runs, enrolments, make-ups or
    courses of the feed bumps the organisation's version (jour_core/versions.py), and the "My
    sessions" window moves by the day. No query."""
    key = _version_key(feed)
    return None if key is None else cache.get(key)


def _remember_version(feed: FeedToken, version: FeedVersion) -> None:
    """Keep ``version`` under its organisation's data version, when that version is bumped by
    every change to the feed: not when some of its sessions are of another organisation's runs
    (she has moved, and still leads or takes part in a run of her earlier organisation: a change
    there bumps that one's version only). Such a feed is worked out afresh at every request."""
    organisation = feed_organisation(feed)
    if organisation is None or not version.organisation_ids <= {organisation.pk}:
        return
    cache.set(_version_key(feed), version, FEED_CACHE_SECONDS)


def current_feed_version(feed: FeedToken) -> FeedVersion:
    """The feed's version, from the cache or else from ``feed_version`` (then kept): what a
    conditional request needs to answer 304, without reading the sessions' rows."""
    version = cached_feed_version(feed)
    if version is None:
        version = feed_version(feed, feed_sessions(feed))
        _remember_version(feed, version)
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
            "pk",
            "kind",
            "nonce",
            "token_hash",
            "person__is_active",
            "person__organisation_id",
            "person__organisation__data_version",
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
    feed_id, kind, nonce, token_hash, is_active, organisation_id, data_version = row
    if kind != FeedKind.MY_SESSIONS or not is_active or data_version is None:
        return None
    if not hmac.compare_digest(token_hash, wanted):
        return None
    return cache.get(feed_version_key(feed_id, nonce, organisation_id, data_version))


#: How long a built calendar is kept (it is keyed on the feed's version, so a change to its
#: sessions is never served stale; the time only bounds the memory).
FEED_CACHE_SECONDS = 24 * 60 * 60


def calendar_cache_key(version: FeedVersion, base_url: str) -> str:
    """A built calendar depends on the feed's version, the site's address and the language."""
    raw = f"{version.etag}|{base_url}|{translation.get_language()}"
    return "courses:feed:" + hashlib.sha256(raw.encode()).hexdigest()


def feed_calendar(feed: FeedToken, version: FeedVersion | None, base_url: str) -> tuple[FeedVersion, bytes]:
    """The feed's version and calendar. A calendar is built once per version, address and
    language, then taken from the cache (calendar apps that never send If-None-Match ask for
    it every few minutes). To build it, one query reads the sessions with all their events
    need, and the version (the ETag) is worked out from the same rows, so the two always
    agree; it replaces ``version``, known or not."""
    if version is not None:
        body = cache.get(calendar_cache_key(version, base_url))
        if body is not None:
            return version, body
    rows = event_rows(feed_sessions(feed))
    version = version_of_rows(feed, rows)
    _remember_version(feed, version)
    body = write_calendar(rows, feed_name(feed), base_url)
    cache.set(calendar_cache_key(version, base_url), body, FEED_CACHE_SECONDS)
    return version, body


# Building -----------------------------------------------------------------------------------------


def with_titles_and_lessons(sessions: QuerySet) -> QuerySet:
    """Sessions with their run and course, their unit's title and their lesson page's path,
    in one query. The lesson is the course page's child of the session's unit: its path is
    the course's and one step more, so it is looked up as a range of the path's index (as a
    prefix, ``LIKE path || '%'``, PostgreSQL read every page for every session: 9 ms of the
    feed's 23 sessions at the umbrella scale)."""
    unit_title = CourseUnit.objects.filter(
        course_id=OuterRef("run__course_id"), number=OuterRef("unit_number")
    ).values("title")[:1]
    course_path = OuterRef("run__course__path")
    last_step = LessonPage.alphabet[-1] * LessonPage.steplen
    lesson_path = (
        LessonPage.objects.live()
        .filter(
            path__gt=course_path,
            path__lte=Concat(course_path, Value(last_step), output_field=CharField()),
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


#: What a session's event needs, and what its feed's version is made of (``version_of_rows``).
EVENT_FIELDS = (
    "pk",
    "uid",
    "sequence",
    "status",
    "cancel_reason",
    "unit_number",
    "unit_title",
    "lesson_path",
    "starts_at",
    "ends_at",
    "updated_at",
    "run__title",
    "run__location",
    "run__updated_at",
    "run__organisation_id",
    "run__course__title",
    "run__course__last_published_at",
)


def event_rows(sessions: QuerySet) -> list:
    """``sessions`` as rows (named tuples of ``EVENT_FIELDS``) in order of time. One query."""
    return list(with_titles_and_lessons(sessions).values_list(*EVENT_FIELDS, named=True))


def lesson_url(url_path: str | None, base_url: str) -> str | None:
    """The public address of a page from its Wagtail url_path (site root paths are cached)."""
    if not url_path:
        return None
    for root in Site.get_site_root_paths():
        if url_path.startswith(root.root_path):
            return base_url.rstrip("/") + "/" + url_path[len(root.root_path) :]
    return None


def build_calendar(sessions: QuerySet, name: str, base_url: str) -> bytes:
    """The calendar for ``sessions``, with the VTIMEZONE of Europe/Stockholm. One query."""
    return write_calendar(event_rows(sessions), name, base_url)


# Writing ----------------------------------------------------------------------------------------
# The calendar is written as text here, line by line, rather than through the icalendar
# library's objects: its properties, parameters and types took 9.5 ms for the 23 events of the
# umbrella benchmark's feed, this 1.0 ms. The library still writes the VTIMEZONE (the rules of
# daylight-saving time, kept per year range) and parses every feed in the tests. The text is
# the library's, byte for byte (checked on 775 feeds of the umbrella data): the same
# properties in the same order, TEXT escaped and lines folded as it does (RFC 5545, sections
# 3.1 and 3.3.11), but for a backslash before an N, which stays as written (the library made
# it a line break).


def write_calendar(rows: list, name: str, base_url: str) -> bytes:
    """The calendar of ``rows`` (from ``event_rows``). A row whose local times fall outside
    the dates a person may enter (written before the bounds, or by hand) is left out rather
    than fail the feed for all its subscribers. No query."""
    local = timezone.get_current_timezone()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        _text("PRODID", PRODID),
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        _text("X-WR-CALNAME", name),
        _text("X-WR-TIMEZONE", settings.TIME_ZONE),
    ]
    events: list[str] = []
    shown = []
    for row in rows:
        try:
            start, end = row.starts_at.astimezone(local), row.ends_at.astimezone(local)
        except (OverflowError, ValueError):
            continue
        if EARLIEST_DATE <= start.date() <= LATEST_DATE and EARLIEST_DATE <= end.date() <= LATEST_DATE:
            events += _event_lines(row, start, end, base_url)
            shown.append(row)
    if shown:
        first = min(row.starts_at for row in shown).date()
        last = max(row.ends_at for row in shown).date()
        lines.append(
            _vtimezone(
                local.key,
                datetime.date(max(first.year - 1, EARLIEST_DATE.year), 1, 1),
                datetime.date(min(last.year + 2, LATEST_DATE.year + 1), 1, 1),
            )
        )
    lines += events
    lines.append("END:VCALENDAR\r\n")
    return "\r\n".join(lines).encode()


def _event_lines(row, start: datetime.datetime, end: datetime.datetime, base_url: str) -> list[str]:
    """The VEVENT of a session's row: its local times in Europe/Stockholm (TZID), its UID
    stable and its SEQUENCE growing, STATUS (and the title) saying when it is cancelled."""
    cancelled = row.status == SessionStatus.CANCELLED
    if row.unit_number and row.unit_title:
        summary = f"{row.run__course__title} – {row.unit_number}. {row.unit_title}"
    else:
        summary = f"{row.run__course__title} – {row.run__title}"
    description = [row.run__title]
    if cancelled:
        # In the title too: calendar apps that ignore STATUS still show it, struck or not.
        summary = pgettext("calendar event title", "CANCELLED: %(title)s") % {"title": summary}
        description.insert(0, _("Cancelled: %(reason)s") % {"reason": row.cancel_reason})
    url = lesson_url(row.lesson_path, base_url)
    if url is not None:
        description.append(_("Material: %(url)s") % {"url": url})
    stamp = _utc(row.updated_at)
    lines = [
        "BEGIN:VEVENT",
        _text("SUMMARY", summary),
        f"DTSTART;TZID={start.tzinfo.key}:{_local(start)}",
        f"DTEND;TZID={end.tzinfo.key}:{_local(end)}",
        f"DTSTAMP:{stamp}",
        _text("UID", f"{row.uid}@jourutbildning"),
        f"SEQUENCE:{row.sequence}",
        "CLASS:PRIVATE",
        _text("DESCRIPTION", "\n".join(description)),
        f"LAST-MODIFIED:{stamp}",
    ]
    if row.run__location:
        lines.append(_text("LOCATION", row.run__location))
    lines += ["STATUS:CANCELLED" if cancelled else "STATUS:CONFIRMED", "TRANSP:OPAQUE"]
    if url is not None:
        lines.append(_fold("URL:" + url))
    lines.append("END:VEVENT")
    return lines


def _local(moment: datetime.datetime) -> str:
    """A DATE-TIME on the clock of its time zone (RFC 5545, 3.3.5, form 3)."""
    day = f"{moment.year:04}{moment.month:02}{moment.day:02}"
    return f"{day}T{moment.hour:02}{moment.minute:02}{moment.second:02}"


def _utc(moment: datetime.datetime) -> str:
    """A DATE-TIME in UTC (RFC 5545, 3.3.5, form 2)."""
    return _local(moment.astimezone(datetime.UTC)) + "Z"


def _text(name: str, value: str) -> str:
    """A property of type TEXT: backslash, semicolon and comma escaped, line breaks as ``\\n``
    (RFC 5545, 3.3.11), other control characters left out (TEXT may not hold them: one vertical
    tab pasted from a word processor made strict clients refuse the whole feed), the line
    folded."""
    escaped = CONTROL_CHARACTERS.sub(
        "",
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n"),
    )
    return _fold(f"{name}:{escaped}")


#: What TEXT may not hold (RFC 5545, 3.3.11): the control characters but tab (line breaks are
#: escaped before).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

#: A line is folded before it reaches this many octets.
FOLD_AT = 75


def _fold(line: str) -> str:
    """``line`` folded as the icalendar library folds (RFC 5545, 3.1): at most 74 octets
    before each line break, never inside a UTF-8 character, and not right after a backslash
    or a caret (some clients misread an escape split across lines)."""
    if len(line) < FOLD_AT and line.isascii():
        return line
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode())
        if current and size + width >= FOLD_AT:
            carried = current.pop() if len(current) > 1 and current[-1] in "\\^" else ""
            parts.append("".join(current))
            current = [carried] if carried else []
            size = len(carried)
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


@functools.lru_cache(maxsize=64)
def _vtimezone(tzid: str, first: datetime.date, last: datetime.date) -> str:
    """The VTIMEZONE of ``tzid`` from ``first`` to ``last``, written by the icalendar library
    (once per process and range: working out the transitions takes milliseconds)."""
    return Timezone.from_tzid(tzid, first_date=first, last_date=last).to_ical().decode().rstrip("\r\n")


def feed_name(feed: FeedToken) -> str:
    if feed.kind == FeedKind.RUN:
        return feed.run.title
    if feed.kind == FeedKind.ORGANISATION:
        return feed.organisation.name
    return _("My sessions")
