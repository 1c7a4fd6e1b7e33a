"""The plugins in a second host: tests/plugin_host is a minimal Wagtail project (Wagtail's apps
plus people, courses and certifications; no home, no lms; its own urls.py and base.html). A fresh
database is migrated from zero and the plugins' pages are served there."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_plugins_migrate_and_serve_their_pages_in_another_host(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.plugin_host.settings",
        "PLUGIN_HOST_DB": str(tmp_path / "host.sqlite3"),
        "PLUGIN_HOST_MEDIA": str(tmp_path / "media"),
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "tests.plugin_host.serve_pages"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    served = [line.removeprefix("OK ") for line in result.stdout.splitlines() if line.startswith("OK ")]
    assert served == [
        "course page",
        "lesson page",
        "attendance register",
        "clearance board",
        "member calendar feed",
        "report screen",
        "register links to the person page",
        "person page",
        "person page invitation",
        "evaluation form",
        "evaluation answered",
        "evaluation results",
        "certificate download",
        "certificate check",
        "django admin refused",
        "django admin",
        "django admin group list",
    ]
