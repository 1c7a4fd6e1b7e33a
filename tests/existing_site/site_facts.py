"""Run inside the existing site (copied next to its manage.py): print, as JSON, who owns, wrote
and may do what, every user named by her email address. The test compares these facts before
the users move to the plugins' user model and after: they must not change.

    python _site_facts.py > facts.json
"""

import json
import os
import sys

import django

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oldsite.settings.dev")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.migrations.recorder import MigrationRecorder  # noqa: E402
from wagtail.documents.models import Document  # noqa: E402
from wagtail.models import Comment, ModelLogEntry, Page, PageLogEntry  # noqa: E402
from wagtail.users.models import UserProfile  # noqa: E402

from oldsite.courses.models import Enrolment  # noqa: E402
from oldsite.people.models import Person  # noqa: E402


def email(user) -> str | None:
    return user.email.lower() if user is not None else None


def accounts() -> dict:
    """Per user: her id, password hash, flags, groups and direct permissions."""
    return {
        email(user): {
            "id": user.pk,
            "password": user.password,
            "usable_password": user.has_usable_password(),
            "is_active": user.is_active,
            "is_superuser": user.is_superuser,
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "groups": sorted(user.groups.values_list("name", flat=True)),
            "permissions": sorted(
                f"{p.content_type.app_label}.{p.codename}" for p in user.user_permissions.all()
            ),
            "preferred_language": list(
                UserProfile.objects.filter(user=user).values_list("preferred_language", flat=True)
            ),
        }
        for user in get_user_model().objects.order_by("pk")
    }


def pages() -> dict:
    return {
        page.url_path: {
            "id": page.pk,
            "type": type(page.specific).__name__,
            "owner": email(page.owner),
            "locked_by": email(page.locked_by),
            "revisions": [email(revision.user) for revision in page.revisions.order_by("pk")],
            "latest_revision": email(page.latest_revision.user) if page.latest_revision else None,
            "live_revision": email(page.live_revision.user) if page.live_revision else None,
            "has_unpublished_changes": page.has_unpublished_changes,
        }
        for page in Page.objects.filter(depth__gt=1).order_by("path")
    }


def content() -> dict:
    person_type = ContentType.objects.get_for_model(Person)
    return {
        "documents": {d.title: email(d.uploaded_by_user) for d in Document.objects.order_by("pk")},
        "comments": [[c.text, email(c.user)] for c in Comment.objects.order_by("pk")],
        "enrolments": [
            [e.course_page.title, email(e.user), email(e.approved_by)]
            for e in Enrolment.objects.order_by("pk")
        ],
        "people": [[str(p), email(p.account)] for p in Person.objects.order_by("pk")],
        "page_log": [[e.action, email(e.user), e.page_id] for e in PageLogEntry.objects.order_by("pk")],
        "model_log": [
            [e.action, email(e.user), e.content_type_id == person_type.pk, e.object_id]
            for e in ModelLogEntry.objects.order_by("pk")
        ],
    }


def schema() -> dict:
    """The database's tables and the migrations recorded as applied."""
    return {
        "tables": sorted(connection.introspection.table_names()),
        "migrations": sorted(
            f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
        ),
    }


if __name__ == "__main__":
    facts = {"accounts": accounts(), "pages": pages(), **content(), "schema": schema()}
    print(json.dumps(facts, indent=1, sort_keys=True))
