"""Give every table the demo data leaves empty at least one row, with the previous release's own
code (run by tests/upgrade/test_upgrade_from_previous_release.py as ``manage.py shell`` in that
release's tree, after ``migrate``, ``seed_demo`` and ``db_worker --batch``).

Written for the previous release's models and functions (CHANGELOG.md "Releases", the last line):
when a release adds a table, cutting the next release means adding its rows here. Rows are made
the way the site makes them (the project's functions where there is one: a certificate, a frozen
report, a feed token, a pending import) so that they are the rows a real database holds.
"""

from __future__ import annotations

import datetime
import io

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import timezone

COORDINATOR = "samordnare@example.org"
VOLUNTEER = "volontar1@example.org"
OTHER_VOLUNTEER = "volontar2@example.org"


def user(email):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(email=email)


def fill_people() -> None:
    """The register's history, a direct permission, a pending import, a session."""
    from people.importing import keep_pending_import

    volunteer = user(VOLUNTEER)
    volunteer.last_name = f"{volunteer.last_name}-Ek"
    volunteer.save()  # simple-history: jour_people_historicaluser
    volunteer.user_permissions.add(Permission.objects.get(codename="view_person"))
    coordinator = user(COORDINATOR)
    data = "email,first_name,last_name\nny@example.org,Ny,Volontär\n".encode()
    keep_pending_import(data, "nya.csv", coordinator.organisation, coordinator)
    session = SessionStore()
    session["_auth_user_id"] = str(volunteer.pk)
    session.create()


def fill_courses() -> None:
    """A calendar feed token and a session reminder."""
    from courses.ical import feed_token
    from courses.models import Enrolment, FeedKind, SessionReminder

    enrolment = (
        Enrolment.objects.filter(person__email=VOLUNTEER)
        .select_related("person", "run")
        .order_by("pk")
        .first()
    )
    feed_token(enrolment.person, FeedKind.MY_SESSIONS)
    session = enrolment.run.sessions.order_by("starts_at").first()
    SessionReminder.objects.create(session=session, person=enrolment.person, starts_at=session.starts_at)


def fill_certifications() -> None:
    """A certificate (and its history), a reminder sent, a frozen report."""
    from certifications.certificates import issue_certificate
    from certifications.models import Qualification, ReminderSent
    from certifications.report import competence_report, freeze_report
    from courses.models import Completion

    completion = Completion.objects.filter(flagged=False).order_by("pk").first()
    certificate = issue_certificate(completion, by=user(COORDINATOR))
    assert certificate is not None, "no certificate issued"
    qualification = Qualification.objects.exclude(expires_on=None).order_by("pk").first()
    ReminderSent.objects.create(
        qualification=qualification, days_before=30, expires_on=qualification.expires_on
    )
    coordinator = user(COORDINATOR)
    year = timezone.localdate().year - 1
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    report = competence_report(coordinator.organisation, start, end)
    freeze_report(report, coordinator.organisation, False, coordinator)


def fill_quality() -> None:
    """A frozen annual review."""
    from quality.review import freeze_review, quality_review

    coordinator = user(COORDINATOR)
    year = timezone.localdate().year - 1
    review = quality_review(coordinator.organisation, year)
    freeze_review(review, coordinator.organisation, coordinator)


def fill_security() -> None:
    """django-axes' attempts, lockout expiry and logs; an authenticator (django-otp)."""
    from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
    from django_otp.plugins.otp_totp.models import TOTPDevice

    common = {"user_agent": "upgrade-test", "ip_address": "127.0.0.1", "http_accept": "*/*", "path_info": "/"}
    attempt = AccessAttempt.objects.create(
        username=OTHER_VOLUNTEER, get_data="", post_data="", failures_since_start=2, **common
    )
    AccessAttemptExpiration.objects.create(
        access_attempt=attempt, expires_at=timezone.now() + datetime.timedelta(minutes=15)
    )
    AccessFailureLog.objects.create(username=OTHER_VOLUNTEER, locked_out=False, **common)
    AccessLog.objects.create(username=VOLUNTEER, session_hash="0" * 64, **common)
    TOTPDevice.objects.create(user=user(OTHER_VOLUNTEER), name="telefon", confirmed=True)


def small_png() -> bytes:
    from PIL import Image as PillowImage

    out = io.BytesIO()
    PillowImage.new("RGB", (8, 8), (120, 40, 90)).save(out, "PNG")
    return out.getvalue()


def fill_media() -> None:
    """A document and an image with tags and a rendition, an embed, an uploaded file, a
    collection restricted to a group."""
    from wagtail.documents.models import Document
    from wagtail.embeds.models import Embed
    from wagtail.images.models import Image
    from wagtail.models import Collection, CollectionViewRestriction, UploadedFile

    coordinator = user(COORDINATOR)
    collection = (
        Collection.objects.exclude(depth=1).order_by("pk").first() or Collection.get_first_root_node()
    )
    document = Document(title="Tystnadslöfte", collection=collection, uploaded_by_user=coordinator)
    document.file.save("tystnadslofte.txt", ContentFile(b"Jag lovar."), save=False)
    document.save()
    document.tags.add("mall")
    logo = ImageFile(io.BytesIO(small_png()), name="logga.png")
    image = Image.objects.create(
        title="Logga", collection=collection, uploaded_by_user=coordinator, file=logo
    )
    image.get_rendition("fill-4x4")
    Embed.objects.create(url="https://example.org/video", hash="0" * 32, type="video", html="<p>video</p>")
    upload = UploadedFile(
        for_content_type=ContentType.objects.get_for_model(Image), uploaded_by_user=coordinator
    )
    upload.file.save("halvvags.png", ContentFile(small_png()))
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.order_by("pk").first())


def fill_pages() -> None:
    """A comment and its reply, a subscription, a page restricted to a group, a form
    submission, a workflow under way, a log entry of a model, what Wagtail's editor keeps."""
    from wagtail.admin.models import Admin, EditingSession, FormState
    from wagtail.contrib.forms.models import FormSubmission
    from wagtail.log_actions import log
    from wagtail.models import (
        Comment,
        CommentReply,
        Page,
        PageSubscription,
        PageViewRestriction,
        Workflow,
        WorkflowContentType,
    )

    coordinator = user(COORDINATOR)
    page = Page.objects.filter(depth__gt=1).order_by("pk").first().specific
    revision = page.save_revision(user=coordinator)
    comment = Comment.objects.create(
        page=page, user=coordinator, text="Stämmer datumet?", contentpath="title", revision_created=revision
    )
    CommentReply.objects.create(comment=comment, user=user(VOLUNTEER), text="Ja.")
    PageSubscription.objects.create(page=page, user=coordinator, comment_notifications=True)
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.order_by("pk").first())
    FormSubmission.objects.create(page=page, form_data={"namn": "Anna"})
    workflow = Workflow.objects.order_by("pk").first()
    workflow.start(page, coordinator)
    WorkflowContentType.objects.create(
        workflow=workflow, content_type=ContentType.objects.get(app_label="jour_quality", model="action")
    )
    log(instance=coordinator.organisation, action="wagtail.edit", user=coordinator)
    Admin.objects.create()
    page_type = ContentType.objects.get_for_model(page)
    EditingSession.objects.create(
        user=coordinator, content_type=page_type, object_id=str(page.pk), last_seen_at=timezone.now()
    )
    FormState.objects.create(
        user=coordinator,
        content_type=page_type,
        object_id=str(page.pk),
        data="title=Ny",
        last_updated_at=timezone.now(),
    )


def fill_wagtail_users() -> None:
    """A site permission, an API token, a user profile."""
    from wagtail.models import APIToken, GroupSitePermission, Site
    from wagtail.users.models import UserProfile

    coordinator = user(COORDINATOR)
    GroupSitePermission.objects.create(
        group=Group.objects.order_by("pk").first(),
        site=Site.objects.get(is_default_site=True),
        permission=Permission.objects.get(codename="change_site", content_type__app_label="wagtailcore"),
    )
    APIToken.objects.create(user=coordinator, name="kalender", key_hash="0" * 64, prefix="0000")
    profile = UserProfile.get_for_user(coordinator)
    profile.preferred_language = "sv"
    profile.save()


FILLS = (
    fill_people,
    fill_courses,
    fill_certifications,
    fill_quality,
    fill_security,
    fill_media,
    fill_pages,
    fill_wagtail_users,
)

if __name__ == "__main__":
    for fill in FILLS:
        fill()
