"""The distribution, installed as a stranger would: build the wheel, install it into a fresh
virtual environment (the ``plugin_venv`` fixture, tests/readme_recipe.py) with a project made by
``wagtail start``, follow the README's section "Add the plugins to your own Wagtail site" block
by block (its code blocks are read from the README, so the two cannot drift apart), then run its
commands (``migrate`` and ``check``).

It needs PyPI (a minute or two with a warm pip cache). Without network it skips, except in CI.
"""

import shlex
from pathlib import Path

import pytest

from tests.readme_recipe import command_lines, output, readme_blocks


def test_readme_section_has_the_steps():
    languages = [language for language, _ in readme_blocks()]
    assert languages == ["sh", "python", "python", "sh"]


@pytest.mark.slow
def test_the_wheel_installs_into_a_fresh_wagtail_project_as_the_readme_says(plugin_venv, tmp_path):
    _, settings_block, urls_block, manage = readme_blocks()
    env, bin_dir = plugin_venv.env, plugin_venv.bin
    # 1. Install: the README's commands ran in plugin_venv, with this checkout as the repository.
    output([bin_dir / "wagtail", "start", "mysite"], tmp_path, env)
    site = tmp_path / "mysite"

    # 2. and 3. Settings and URLs: the README's blocks appended as they stand.
    assert "INSTALLED_APPS" in settings_block[1] and "urlpatterns" in urls_block[1]
    for path, (_, code) in [
        (site / "mysite" / "settings" / "base.py", settings_block),
        (site / "mysite" / "urls.py", urls_block),
    ]:
        path.write_text(path.read_text() + "\n" + code)

    # The plugins come from the installed wheel, with their templates and translations.
    located = output(
        [bin_dir / "python", "-c", "import courses, people, certifications; print(courses.__file__)"],
        site,
        env,
    )
    installed = Path(located.strip().splitlines()[-1]).parent
    assert "site-packages" in str(installed)
    assert (installed / "templates" / "jour_courses" / "course_page.html").exists()
    assert (installed / "locale" / "sv" / "LC_MESSAGES" / "django.mo").exists()
    assert (installed / "static" / "courses" / "admin.css").exists()

    # 4. Migrate and check, as the README says.
    outputs = {}
    for command in command_lines(manage):
        assert command[:2] == ["python", "manage.py"]
        outputs[shlex.join(command)] = output([bin_dir / "python", *command[1:]], site, env)
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
    assert "/kurser/kalender/x.ics" in output(
        [bin_dir / "python", "manage.py", "shell", "-c", script], site, env
    )
    script = "from django.urls import reverse; print(reverse('quality_evaluation', args=[7, 0]))"
    assert "/kvalitet/utvardering/7/0/" in output(
        [bin_dir / "python", "manage.py", "shell", "-c", script], site, env
    )
    # Two-step verification as the README sets it up: its screens and its middleware.
    script = (
        "from django.conf import settings; from django.urls import reverse; "
        "print(reverse('jour_core_otp_setup')); "
        "print('jour_core.middleware.RequireTwoFactorMiddleware' in settings.MIDDLEWARE)"
    )
    answer = output([bin_dir / "python", "manage.py", "shell", "-c", script], site, env)
    assert "/konto/tvastegsverifiering/ny/" in answer and "True" in answer
