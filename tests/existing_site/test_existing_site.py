"""The plugins arrive in a Wagtail site that already exists, by the README's recipe.

tests/existing_site/project is such a site, "oldsite": made with ``wagtail start`` and grown
since, with apps of its own labelled ``people`` and ``courses`` (the plugins' packages' names),
users on ``auth.User`` who own and revised its pages, uploaded its documents and belong to its
groups, English and German but no Swedish, and a ``base.html`` that wraps its content. The test
copies it into a temporary directory, migrates and fills it with its original settings
(``manage.py seed_oldsite``), then follows the README's section block by block (the blocks read
from the README): the install (``plugin_venv``), the settings and URL blocks appended as they
stand, and its commands (move the users, migrate, check). Afterwards the site's pages, its
users' old passwords, groups and permissions, its editors' admin and the plugins' screens must
work, and every page, revision, document, comment and log entry must belong to the same person
as before. On SQLite, and on PostgreSQL too when ``DATABASE_URL`` names a server (a fresh
database is made there for the site and dropped afterwards).
"""

import json
import shutil
from pathlib import Path

import pytest

from tests.readme_recipe import command_lines, output, readme_blocks, run
from tests.scratch_database import postgresql_server, scratch_postgresql

HERE = Path(__file__).resolve().parent
BEFORE = [
    "home page",
    "child page",
    "course listing",
    "person page",
    "search",
    "document download",
    "old passwords",
    "groups and permissions",
    "editor's dashboard",
    "editor edits the home page",
    "editor edits a child page",
    "editor's page explorer",
    "page history",
    "administrator's dashboard",
    "users screen",
    "host's snippets",
    "django admin",
]
AFTER = [
    *BEFORE[:8],
    "address as she writes it",
    *BEFORE[8:],
    "people register",
    "clearance board",
    "plugin course page",
]


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request):
    """The site's database: an SQLite file beside its manage.py, or a fresh PostgreSQL database
    on the server of ``DATABASE_URL`` (dropped afterwards)."""
    if request.param == "sqlite":
        yield None
        return
    if not postgresql_server():
        pytest.skip("PostgreSQL: set DATABASE_URL to a server (CI does)")
    with scratch_postgresql("oldsite") as url:
        yield url


def existing_site(plugin_venv, database_url, tmp_path, *seed_options: str):
    """The site copied into ``tmp_path`` (its own requirements installed), migrated and filled
    with its original settings: (its directory, the environment to run it in)."""
    site = tmp_path / "oldsite"
    shutil.copytree(
        HERE / "project", site, ignore=shutil.ignore_patterns("__pycache__", "db.sqlite3", "media")
    )
    for script in ["site_facts.py", "visit_site.py"]:
        shutil.copy(HERE / script, site / f"_{script}")
    env = dict(plugin_venv.env)
    if database_url:
        env["DATABASE_URL"] = database_url
    output([plugin_venv.python, "-m", "pip", "--quiet", "install", "-r", "requirements.txt"], site, env)
    output([plugin_venv.python, "manage.py", "migrate", "--noinput"], site, env)
    output([plugin_venv.python, "manage.py", "seed_oldsite", *seed_options], site, env)
    return site, env


def visit(plugin_venv, site, env) -> list[str]:
    """The checks of visit_site.py that passed, in order (it stops at the first failure)."""
    result = run([plugin_venv.python, "_visit_site.py"], site, env)
    return [line.removeprefix("OK ") for line in result.stdout.splitlines() if line.startswith("OK ")]


def facts(plugin_venv, site, env) -> dict:
    """site_facts.py's JSON: who owns, wrote and may do what, by email address."""
    return json.loads(run([plugin_venv.python, "_site_facts.py"], site, env).stdout)


def apply_settings_and_urls(site: Path) -> None:
    """The README's settings and URL blocks, appended as they stand."""
    _, settings_block, urls_block, _ = readme_blocks()
    for path, (_, code) in [
        (site / "oldsite" / "settings" / "base.py", settings_block),
        (site / "oldsite" / "urls.py", urls_block),
    ]:
        path.write_text(path.read_text() + "\n" + code)


@pytest.mark.slow
def test_the_plugins_arrive_in_an_existing_site_as_the_readme_says(plugin_venv, database_url, tmp_path):
    site, env = existing_site(plugin_venv, database_url, tmp_path)
    assert visit(plugin_venv, site, env) == BEFORE
    before = facts(plugin_venv, site, env)
    assert before["accounts"]["erika@oldsite.example"]["groups"] == ["Editors"]

    apply_settings_and_urls(site)
    outputs = []
    for command in command_lines(readme_blocks()[3]):
        assert command[:2] == ["python", "manage.py"]
        outputs.append(output([plugin_venv.python, *command[1:]], site, env))
    migrated = "\n".join(outputs)
    # The plugins' migrations ran; the site's own people and courses were left as they were.
    assert "Applying jour_courses.0001_initial... OK" in migrated
    assert "Applying people." not in migrated and "Applying courses." not in migrated
    assert "System check identified no issues" in outputs[-1]

    after = facts(plugin_venv, site, env)
    schema_before, schema_after = before.pop("schema"), after.pop("schema")
    assert after == before
    assert set(schema_before["migrations"]) < set(schema_after["migrations"])
    assert {"jour_people.0001_initial", "jour_quality.0001_initial"} < set(schema_after["migrations"])
    assert visit(plugin_venv, site, env) == AFTER


@pytest.mark.slow
def test_the_users_do_not_move_while_addresses_are_missing_or_shared(plugin_venv, database_url, tmp_path):
    site, env = existing_site(plugin_venv, database_url, tmp_path, "--email-problems")
    before = facts(plugin_venv, site, env)
    originals = {path: path.read_text() for path in site.glob("oldsite/*.py")}
    originals.update({path: path.read_text() for path in site.glob("oldsite/settings/*.py")})

    apply_settings_and_urls(site)
    moves = [command for command in command_lines(readme_blocks()[3]) if "jour_move_users" in command]
    assert moves, f"the README's commands do not move the users: {readme_blocks()[3][1]}"
    for move in moves:  # the README's dry run, then the move
        result = run([plugin_venv.python, *move[1:]], site, env, check=False)
        said = (result.stdout + result.stderr).lower()
        assert result.returncode != 0, said
        # Both problems are listed: two accounts sharing an address (case aside), one without.
        assert "erika@oldsite.example" in said and "erika2" in said and "noaddress" in said, said

    # Nothing changed: back on its own settings, the site works as before.
    for path, text in originals.items():
        path.write_text(text)
    assert facts(plugin_venv, site, env) == before
    assert visit(plugin_venv, site, env) == BEFORE
