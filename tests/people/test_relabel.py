"""The plugins' app labels became ``jour_people``, ``jour_courses``, ``jour_certifications`` and
``jour_quality`` (jour_core/relabel.py). A database made by the last commit with the old labels,
with its demo data, moves to the new ones with ``manage.py jour_relabel`` and then ``migrate``,
every row kept; on SQLite, and on PostgreSQL when the suite runs there (DATABASE_URL)."""

from __future__ import annotations

import django
import pytest
from django.db import connection

from jour_core.relabel import RelabelRefused, plan, renamed_apps
from people.moving import email_problems
from tests.old_checkout import ROOT, checkout, manage, row_counts, skip_or_fail_without
from tests.scratch_database import scratch_database

#: The last commit with the old labels (``people``, ``courses``, ...).
BEFORE = "3c78d006dfa9ed3aed45452a25ad32ee442ad82c"
OLD = ("people", "courses", "certifications", "quality")


def test_the_renamed_apps_are_the_four_plugins():
    assert sorted(renamed_apps()) == [(old, f"jour_{old}") for old in sorted(OLD)]


@pytest.mark.django_db
def test_a_database_on_the_new_labels_has_nothing_to_relabel():
    assert plan() == []


@pytest.mark.django_db
def test_a_sites_own_app_called_people_is_never_taken_for_the_plugin():
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES ('people', '0001_initial', %s), "
            "('people', '0002_person_page', %s)",
            ["2025-01-01 00:00:00+00:00"] * 2,
        )
    with pytest.raises(RelabelRefused, match="0002_person_page"):
        plan()


def test_the_move_lists_every_user_who_cannot_log_in_by_email():
    problems = email_problems(
        [
            (1, "admin", "Admin@Example.org"),
            (2, "anna", "anna@example.org "),
            (3, "anna2", "ANNA@example.org"),
            (4, "nobody", ""),
            (5, "typo", "typo.example.org"),
            (6, "bo", "bo@example.org"),
        ]
    )
    assert problems == [
        "user 4 ('nobody'): no email address",
        "user 5 ('typo'): 'typo.example.org' is not an email address",
        "users 2 ('anna'), 3 ('anna2'): the same email address anna@example.org (case aside)",
    ]


@pytest.fixture
def database_url(tmp_path):
    """A new, empty database: a SQLite file, or a PostgreSQL database beside the suite's."""
    with scratch_database("relabel", tmp_path) as url:
        yield url


@pytest.mark.slow
@pytest.mark.skipif(
    django.VERSION >= (6, 0),
    reason="the last commit with the old labels pinned Django<5.3: no database was made by it on "
    "Django 6.0 (it does not run there on PostgreSQL); the Django 5.2 runs move one",
)
def test_a_database_made_under_the_old_labels_moves_to_the_new_ones_with_every_row(tmp_path, database_url):
    skip_or_fail_without(BEFORE)
    before_code = checkout(BEFORE, tmp_path / "before")
    manage(before_code, database_url, "migrate", "--noinput")
    manage(before_code, database_url, "seed_demo")
    before = row_counts(before_code, database_url)
    assert before["people_user"] > 0 and before["courses_attendance"] > 0

    assert "Moved 'people' to 'jour_people'" in manage(ROOT, database_url, "jour_relabel")
    manage(ROOT, database_url, "migrate", "--noinput")
    assert "Nothing to relabel" in manage(ROOT, database_url, "jour_relabel")
    after = row_counts(ROOT, database_url)

    for table, count in before.items():
        label = table.split("_", 1)[0]
        moved = f"jour_{table}" if label in OLD else table
        if table in ("django_migrations", "django_content_type", "auth_permission"):
            assert after[moved] >= count, table
        else:
            assert after.get(moved) == count, table
    assert not [t for t in after if t.split("_", 1)[0] in OLD], "a table kept its old name"
    # The demo's coordinator logs in as before, with her role's permissions on the new labels.
    script = (
        "from django.contrib.auth import authenticate; from django.test import RequestFactory; "
        "u = authenticate(RequestFactory().post('/'), username='samordnare@example.org', "
        "password='jourdemo-2026'); "
        "print(u.has_perm('jour_people.view_person'), u.has_perm('jour_courses.change_attendance'))"
    )
    assert "True True" in manage(ROOT, database_url, "shell", "-c", script)
    manage(ROOT, database_url, "check")
