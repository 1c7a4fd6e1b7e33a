"""A database built by the previous release (CHANGELOG.md "Releases", the last line), with rows in
every table, upgrades to the current code with every row intact; and the previous release's code
still runs on the upgraded database (a rolling restart: the new code migrates, old processes
still serve for a while). On SQLite, and on PostgreSQL when the suite runs there (DATABASE_URL).

The previous release's tree is extracted with ``git archive`` and run with this environment's
Python and packages (its requirements are the current ones, or older ranges they still meet).
It builds the database: ``migrate``, ``seed_demo``, ``db_worker --batch`` (the queued tasks: the
search and reference indexes, the email) and ``fill_every_table.py`` (a row for each table the
demo leaves empty). The current code reads every row (``fingerprint.py``: a hash a row, over the
columns the table had before), runs ``jour_relabel`` and ``migrate``, and reads them again; the
two must hold the same rows. What the people see (``snapshot.py``: the coordinator's login, the
board, a feed, qualifications and attendance) is read by the old code before, and by the current
code and the old code again after, and must be the same.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from tests.old_checkout import ROOT, checkout, commit_known, manage, row_counts, run_script
from tests.scratch_database import scratch_database

HERE = Path(__file__).resolve().parent
RELEASE_LINE = re.compile(r"^\| (v\d+\.\d+\.\d+) \| (\d{4}-\d{2}-\d{2}) \| ([0-9a-f]{40}) \|$", re.MULTILINE)

#: Tables the previous release's database may leave empty, each with the reason. None: every
#: table, Wagtail's, axes', django-otp's, the task queue's, simple-history's and the sessions'
#: included, gets a row (fill_every_table.py).
LEFT_EMPTY: dict[str, str] = {}

#: Tables ``migrate`` adds rows to by itself (the current code's migrations, content types,
#: permissions, and the admin roles' permissions, set after every migrate): rows may be added,
#: none may change or go.
GROWING = {"django_migrations", "django_content_type", "auth_permission", "auth_group_permissions"}


def releases() -> list[tuple[str, str]]:
    """The (tag, commit) of every release in CHANGELOG.md's table, oldest first."""
    return [(tag, commit) for tag, _date, commit in RELEASE_LINE.findall((ROOT / "CHANGELOG.md").read_text())]


def release_commit(tag: str, recorded: str) -> str:
    """The commit of the release ``tag``: the tag's, which must be the one recorded; without the
    tag (a clone without tags), the recorded one; without either, a failure saying what to do."""
    tagged = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{tag}^{{commit}}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if tagged.returncode == 0:
        assert tagged.stdout.strip() == recorded, (
            f"CHANGELOG.md records {recorded} for {tag}, the tag names {tagged.stdout}"
        )
        return recorded
    if commit_known(recorded):
        return recorded
    pytest.fail(
        f"neither the tag {tag} nor its commit {recorded} (CHANGELOG.md) is in this checkout: "
        "fetch them (git fetch --tags --unshallow)"
    )


def differences(before: dict, after: dict) -> list[str]:
    """What ``after`` lost or changed of ``before`` (fingerprint.py's), naming the tables and
    the rows' primary keys."""
    problems = []
    for table, was in before.items():
        now = after.get(table)
        if now is None:
            problems.append(f"{table}: the table is gone (it had {len(was['rows'])} rows)")
        elif now["missing"]:
            problems.append(f"{table}: its columns {', '.join(now['missing'])} are gone")
        else:
            problems += row_differences(table, was["rows"], now["rows"])
    return problems


def row_differences(table: str, was: list, now: list) -> list[str]:
    gone = Counter(map(tuple, was)) - Counter(map(tuple, now))
    added = Counter(map(tuple, now)) - Counter(map(tuple, was))
    changed = {key for _, key in gone} & {key for _, key in added} - {""}
    found = {
        "changed": changed,
        "gone": {key for _, key in gone} - changed,
        "added": set() if table in GROWING else {key for _, key in added} - changed,
    }
    return [
        f"{table}: {len(keys)} of {len(was)} rows {what} (keys {', '.join(sorted(keys, key=lambda k: (len(k), k))[:10])})"
        for what, keys in found.items()
        if keys
    ]


def fingerprint(url: str, out: Path, columns_of: Path | None = None, **env: str) -> dict:
    run_script(
        ROOT, url, HERE / "fingerprint.py", str(out), *([str(columns_of)] if columns_of else []), **env
    )
    return json.loads(out.read_text())


def snapshot(where: Path, url: str, out: Path, on: str | None = None, **env: str) -> dict:
    run_script(where, url, HERE / "snapshot.py", str(out), *([on] if on else []), **env)
    return json.loads(out.read_text())


def build_old_database(old: Path, url: str) -> None:
    """The previous release's database: its migrations, the demo, the queued tasks done, and a
    row in every table the demo leaves empty, all made by its own code."""
    manage(old, url, "migrate", "--noinput")
    manage(old, url, "seed_demo")
    manage(old, url, "db_worker", "--batch")
    run_script(old, url, HERE / "fill_every_table.py")
    empty = {table for table, rows in row_counts(old, url).items() if rows == 0}
    assert empty == set(LEFT_EMPTY), f"tables without a row: {sorted(empty - set(LEFT_EMPTY))}"


def test_the_releases_are_listed_oldest_first_with_a_section_each():
    listed = releases()
    assert listed, "CHANGELOG.md lists no release"
    versions = [tuple(int(n) for n in tag[1:].split(".")) for tag, _ in listed]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)
    text = (ROOT / "CHANGELOG.md").read_text()
    for tag, _ in listed:
        assert re.search(rf"^## {re.escape(tag[1:])} — \d{{4}}-\d{{2}}-\d{{2}}$", text, re.MULTILINE), tag


def test_without_the_tag_the_recorded_commit_is_taken_and_without_either_it_fails():
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert release_commit("v999.0.0", head.stdout.strip()) == head.stdout.strip()
    with pytest.raises(pytest.fail.Exception, match="git fetch --tags --unshallow"):
        release_commit("v999.0.0", "0" * 40)


def test_a_lost_or_changed_row_a_dropped_column_or_table_is_named():
    before = {
        "a": {"columns": ["id", "x"], "rows": [["h1", "1"], ["h2", "2"]], "missing": []},
        "b": {"columns": ["id", "y"], "rows": [["h3", "1"]], "missing": []},
        "c": {"columns": ["id"], "rows": [["h4", "1"]], "missing": []},
        "auth_permission": {"columns": ["id"], "rows": [["h5", "1"]], "missing": []},
    }
    after = {
        "a": {"columns": ["id", "x"], "rows": [["h1", "1"], ["h9", "2"], ["h8", "3"]], "missing": []},
        "b": {"columns": ["id"], "rows": [["h7", "1"]], "missing": ["y"]},
        "auth_permission": {"columns": ["id"], "rows": [["h5", "1"], ["h6", "2"]], "missing": []},
    }
    assert differences(before, after) == [
        "a: 1 of 2 rows changed (keys 2)",
        "a: 1 of 2 rows added (keys 3)",
        "b: its columns y are gone",
        "c: the table is gone (it had 1 rows)",
    ]
    assert differences(before, before) == []


@pytest.mark.django_db
def test_the_fingerprint_of_a_changed_row_names_it(org_a, org_b):
    """fingerprint.py as the upgrade test runs it (here in the test's own database): a changed
    row is named by its table and key, and nothing else differs."""
    from people.models import Organisation, User
    from tests.upgrade.fingerprint import fingerprints

    before = fingerprints()
    columns = {table: read["columns"] for table, read in before.items()}
    assert fingerprints(columns) == before
    Organisation.objects.filter(pk=org_a.pk).update(name="Ändrad")
    after = fingerprints(columns)
    table, rows = Organisation._meta.db_table, len(before[Organisation._meta.db_table]["rows"])
    assert differences(before, after) == [f"{table}: 1 of {rows} rows changed (keys {org_a.pk})"]
    assert User._meta.db_table in before


@pytest.fixture
def database_url(tmp_path):
    with scratch_database("upgrade", tmp_path) as url:
        yield url


@pytest.mark.slow
def test_a_database_of_the_previous_release_upgrades_with_every_row(tmp_path, database_url):
    tag, recorded = releases()[-1]
    old = checkout(release_commit(tag, recorded), tmp_path / tag)
    media = {"MEDIA_ROOT": str(old / "media")}  # one site's files, whichever code serves
    build_old_database(old, database_url)
    seen = snapshot(old, database_url, tmp_path / "seen-before.json")
    before = fingerprint(database_url, tmp_path / "before.json", **media)
    assert {table: len(read["rows"]) for table, read in before.items()} == row_counts(ROOT, database_url)

    manage(ROOT, database_url, "jour_relabel", **media)
    manage(ROOT, database_url, "migrate", "--noinput", **media)
    after = fingerprint(database_url, tmp_path / "after.json", tmp_path / "before.json", **media)
    lost = differences(before, after)
    assert not lost, "the upgrade lost or changed rows:\n" + "\n".join(lost)

    now = snapshot(ROOT, database_url, tmp_path / "seen-after.json", seen["on"], **media)
    assert seen["login"] == {
        "logged_in": True,
        "permissions": ["jour_people.view_person", "jour_courses.change_attendance"],
    }
    assert seen["board"]["page"] == 200 and seen["board"]["rows"] and seen["feed"]["events"]
    assert seen["qualifications"] and seen["attendance"]
    for part in ("login", "board", "feed", "qualifications", "attendance"):
        assert now[part] == seen[part], part

    # A rolling restart: the previous release's code still runs on the upgraded database, and
    # shows the people what it showed them before.
    manage(old, database_url, "check")
    still = snapshot(old, database_url, tmp_path / "seen-old-after.json", seen["on"], **media)
    for part in ("login", "board", "feed", "qualifications", "attendance"):
        assert still[part] == seen[part], f"the previous release's {part} after the upgrade"
    read = (
        "from django.apps import apps; print(sum(len(m._base_manager.all()[:50]) for m in apps.get_models()))"
    )
    assert int(manage(old, database_url, "shell", "-v", "0", "-c", read).split()[-1]) > 0
