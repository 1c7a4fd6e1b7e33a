"""The distribution, installed as a stranger would: build the wheel, install it into a fresh
virtual environment with a project made by ``wagtail start``, follow the README's section "Add
the plugins to your own Wagtail site" block by block (its code blocks are read from the README,
so the two cannot drift apart), then ``migrate`` and ``check``.

It needs PyPI (a minute or two with a warm pip cache). Without network it skips, except in CI.
"""

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECTION = "## Add the plugins to your own Wagtail site"


def _pypi_reachable() -> bool:
    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
    except OSError:
        return False
    return True


def readme_blocks() -> list[tuple[str, str]]:
    """(language, code) of every fenced block in the README's plugin section, in order."""
    text = (ROOT / "README.md").read_text()
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(\w+)\n(.*?)```", section, flags=re.DOTALL)


def run(args, cwd, env) -> str:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"{shlex.join(map(str, args))}\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def test_readme_section_has_the_steps():
    languages = [language for language, _ in readme_blocks()]
    assert languages == ["sh", "python", "python", "sh"]


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("CI") and not _pypi_reachable(), reason="needs PyPI (runs in CI, which has it)"
)
def test_the_wheel_installs_into_a_fresh_wagtail_project_as_the_readme_says(tmp_path):
    install, settings_block, urls_block, manage = readme_blocks()
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "PYTHONPATH"}}
    env.pop("DATABASE_URL", None)
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", venv], tmp_path, env)
    bin_dir = venv / "bin"
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)

    # 1. Install: the README's commands, with this checkout as the repository. (setuptools
    # reuses build/ in the tree; a stale copy there could hide a file deleted since.)
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    try:
        for line in install[1].strip().splitlines():
            command = shlex.split(line.replace("/path/to/this/repository", str(ROOT)))
            assert command[0] == "pip"
            run([bin_dir / "python", "-m", "pip", "--quiet", *command[1:]], tmp_path, env)
    finally:  # leave the checkout as it was
        shutil.rmtree(ROOT / "build", ignore_errors=True)
        shutil.rmtree(ROOT / "jour_lms_plugins.egg-info", ignore_errors=True)

    run([bin_dir / "wagtail", "start", "mysite"], tmp_path, env)
    site = tmp_path / "mysite"

    # 2. and 3. Settings and URLs: the README's blocks appended as they stand.
    assert "INSTALLED_APPS" in settings_block[1] and "urlpatterns" in urls_block[1]
    for path, (_, code) in [
        (site / "mysite" / "settings" / "base.py", settings_block),
        (site / "mysite" / "urls.py", urls_block),
    ]:
        path.write_text(path.read_text() + "\n" + code)

    # The plugins come from the installed wheel, with their templates and translations.
    located = run(
        [bin_dir / "python", "-c", "import courses, people, certifications; print(courses.__file__)"],
        site,
        env,
    )
    installed = Path(located.strip().splitlines()[-1]).parent
    assert "site-packages" in str(installed)
    assert (installed / "templates" / "courses" / "course_page.html").exists()
    assert (installed / "locale" / "sv" / "LC_MESSAGES" / "django.mo").exists()
    assert (installed / "static" / "courses" / "admin.css").exists()

    # 4. Migrate and check, as the README says.
    outputs = {}
    for line in manage[1].strip().splitlines():
        command = shlex.split(line)
        assert command[:2] == ["python", "manage.py"]
        outputs[line] = run([bin_dir / "python", *command[1:]], site, env)
    # A new project has no users to move.
    assert "Nothing to move: the database has no users yet." in outputs["python manage.py jour_move_users"]
    for migration in [
        "jour_people.0001_initial",
        "jour_people.0002_user_history",
        "jour_courses.0003_calendar_feeds",
        "jour_certifications.0003_trainingrecord_soft_delete",
        "jour_quality.0004_evaluations",
        "otp_totp.0001_initial",
    ]:
        assert f"Applying {migration}... OK" in outputs["python manage.py migrate"]
    assert "System check identified no issues" in outputs["python manage.py check"]
    # The member URLs are wired in, before Wagtail's pages.
    script = "from django.urls import reverse; print(reverse('courses_calendar_feed', args=['x']))"
    assert "/kurser/kalender/x.ics" in run(
        [bin_dir / "python", "manage.py", "shell", "-c", script], site, env
    )
    script = "from django.urls import reverse; print(reverse('quality_evaluation', args=[7, 0]))"
    assert "/kvalitet/utvardering/7/0/" in run(
        [bin_dir / "python", "manage.py", "shell", "-c", script], site, env
    )
    # Two-step verification as the README sets it up: its screens and its middleware.
    script = (
        "from django.conf import settings; from django.urls import reverse; "
        "print(reverse('jour_core_otp_setup')); "
        "print('jour_core.middleware.RequireTwoFactorMiddleware' in settings.MIDDLEWARE)"
    )
    answer = run([bin_dir / "python", "manage.py", "shell", "-c", script], site, env)
    assert "/konto/tvastegsverifiering/ny/" in answer and "True" in answer
