"""Security headers on every page, the admin included, and the deployment checklist."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from courses.ical import feed_token, token_of
from courses.models import FeedKind
from tests.auth import sign_in

ROOT = Path(__file__).resolve().parents[2]


def assert_security_headers(response, url):
    policy = response.get("Content-Security-Policy", "")
    assert "default-src 'self'" in policy, url
    assert re.search(r"script-src 'self'( 'nonce-[^']+')?(;|$)", policy), (url, policy)
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0], url
    # No page may be framed: the policy says what X-Frame-Options says (DENY).
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy, url
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["Referrer-Policy"] == "same-origin", url
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        assert response["X-Frame-Options"] == "DENY", url


@pytest.fixture
def site(db):
    from django.core.management import call_command

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


def test_public_member_and_feed_responses_carry_the_headers(client, site):
    from people.models import User

    for url in ["/", reverse("login"), reverse("password_reset"), "/no-such-page/"]:
        assert_security_headers(client.get(url), url)
    volunteer = User.objects.get(email="volontar1@example.org")
    sign_in(client, volunteer)
    assert_security_headers(client.get(reverse("my_training")), "my_training")
    feed = reverse("courses_calendar_feed", args=[token_of(feed_token(volunteer, FeedKind.MY_SESSIONS))])
    assert_security_headers(client.get(feed), feed)


def test_admin_pages_carry_the_headers_and_their_inline_scripts_the_nonce(client, site):
    from courses.models import CourseRun
    from people.models import User

    sign_in(client, User.objects.get(email="samordnare@example.org"))
    run = CourseRun.objects.first()
    for url in [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_pages:edit", args=[run.course_id]),
        f"/admin/runs/edit/{run.pk}/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_security_headers(response, url)
        html = response.content.decode()
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
        inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)([^>]*)>", html)
        for attributes in inline:
            assert nonce and f'nonce="{nonce.group(1)}"' in attributes, (url, attributes)


@override_settings(
    SECURE_HSTS_SECONDS=31_536_000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True
)
def test_https_responses_carry_hsts(client, db):
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_deployment_checklist_passes_with_the_production_settings():
    # The browser tests' conftest sets DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment
    # never has it, so the check runs without it.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = dict(
        inherited,
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="jour.example.org",
        DJANGO_SETTINGS_MODULE="lms.settings.production",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def directives(response) -> dict[str, str]:
    policy = re.sub(r" 'nonce-[^']+'", "", response["Content-Security-Policy"])
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def test_only_wagtails_previews_may_be_framed_and_only_by_the_site_itself(client, site):
    """The page editor shows its preview in an iframe: those responses (and only those) say
    frame-ancestors 'self', as their X-Frame-Options says SAMEORIGIN; the rest of the policy
    is the same as everywhere."""
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

    from courses.models import LessonPage
    from people.models import User

    sign_in(client, User.objects.get(email="samordnare@example.org"))
    lesson = LessonPage.objects.first()
    editor = client.get(reverse("wagtailadmin_pages:edit", args=[lesson.pk]))
    assert editor["X-Frame-Options"] == "DENY"
    assert directives(editor)["frame-ancestors"] == "'none'"

    # The editor posts the form to the preview URL, then its iframe loads that URL.
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[lesson.pk])
    data = nested_form_data(
        {
            "title": "Förhandsvisad träff",
            "slug": lesson.slug,
            "unit_number": lesson.unit_number or 1,
            "summary": lesson.summary,
            "body": streamfield([]),
            "comments": inline_formset([]),
        }
    )
    assert client.post(preview_url, data).json() == {"is_valid": True, "is_available": True}
    preview = client.get(preview_url + "?in_preview_panel=true")
    assert preview.status_code == 200 and "Förhandsvisad träff" in preview.content.decode()
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert directives(preview)["frame-ancestors"] == "'self'"
    assert {**directives(preview), "frame-ancestors": "'none'"} == directives(editor)

    # A block's preview in the block chooser, the other view Wagtail marks SAMEORIGIN.
    block = next(iter(LessonPage.body.field.stream_block.child_blocks.values()))
    block_preview = client.get(reverse("wagtailadmin_block_preview") + f"?id={block.definition_prefix}")
    assert block_preview.status_code == 200
    assert block_preview["X-Frame-Options"] == "SAMEORIGIN"
    assert directives(block_preview)["frame-ancestors"] == "'self'"

    # A public page never may be framed.
    assert directives(client.get(lesson.url))["frame-ancestors"] == "'none'"
