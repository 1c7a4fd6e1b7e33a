"""An earlier commit's code, extracted with ``git archive``, run against a database of its own
with this environment's Python (the same requirements): tests/people/test_relabel.py (the last
commit with the old labels) and tests/upgrade/ (the previous release)."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def commit_known(commit: str) -> bool:
    """Whether this checkout's history has ``commit`` (a hash, a tag, any revision)."""
    found = subprocess.run(["git", "cat-file", "-e", f"{commit}^{{commit}}"], cwd=ROOT, capture_output=True)
    return found.returncode == 0


def checkout(commit: str, where: Path) -> Path:
    """The tree of ``commit`` extracted into ``where`` (made if need be)."""
    where.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive.stdout, check=True)
    return where


#: ``manage.py`` started on a clock set to ``sys.argv[1]`` (ticking on from there).
ON_THE_CLOCK = (
    "import datetime, runpy, sys, time_machine; "
    "time_machine.travel(datetime.datetime.fromisoformat(sys.argv[1]), tick=True).start(); "
    "sys.argv = ['manage.py', *sys.argv[2:]]; runpy.run_path('manage.py', run_name='__main__')"
)


def manage(where: Path, url: str, *args: str, **env: str) -> str:
    """``manage.py ARGS`` of the code at ``where`` on the database ``url`` (development
    settings, media files under ``where``), on the test's clock (``tests/conftest.py``: a
    subprocess does not inherit it); its output, or a failure with both streams."""
    environment = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "PYTHONPATH"}}
    environment |= {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
        "MEDIA_ROOT": str(where / "media"),
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", ON_THE_CLOCK, datetime.datetime.now(datetime.UTC).isoformat(), *args],
        cwd=where,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, f"{where}: manage.py {' '.join(args)}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def run_script(where: Path, url: str, script: Path, *args: str, **env: str) -> str:
    """The Python file ``script`` run as ``__main__`` by the code at ``where`` (its Django set
    up, as ``manage.py shell`` does), with ``args`` as its ``sys.argv[1:]``."""
    argv = [str(script), *args]
    code = f"import runpy, sys; sys.argv = {argv!r}; runpy.run_path({str(script)!r}, run_name='__main__')"
    return manage(where, url, "shell", "-v", "0", "-c", code, **env)


def row_counts(where: Path, url: str) -> dict[str, int]:
    """Rows per table, counted by the code at ``where`` (home/backups.py ``table_row_counts``)."""
    script = (
        "import json; from django.db import connection; from home.backups import table_row_counts; "
        "print(json.dumps(table_row_counts(connection)))"
    )
    return json.loads(manage(where, url, "shell", "-v", "0", "-c", script).strip().splitlines()[-1])


def skip_or_fail_without(commit: str) -> None:
    """A checkout without ``commit`` (a shallow clone, a wheel's sources) skips; CI, which
    clones the whole history, fails."""
    if not commit_known(commit):
        if os.environ.get("CI"):
            pytest.fail(f"the checkout has no commit {commit} (CI clones the whole history)")
        pytest.skip(f"a checkout without commit {commit} (e.g. a wheel's sources)")
