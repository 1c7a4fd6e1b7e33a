"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium).

They skip when Chromium is missing on a newcomer's machine, but never in CI (CI=true): there
a missing browser fails the run. Screenshots go to test-artifacts/screenshots/.
"""

import base64
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.browser.doorway import Doorway

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# Playwright's sync API runs an event loop in this thread; the ORM calls in the tests are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # The live server sees only committed data: each test commits, then the database is
            # flushed and the migrations' rows (Wagtail's root page, site, locale, the role
            # groups) are restored from the snapshot taken when the test database was made.
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture(scope="session")
def browser(django_db_setup):
    if not CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI: apt-get install chromium")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs the tests in a greenlet, where Django's per-context connection
    # objects are new ones: hand them the snapshot of the migrated database that the test
    # database was created with, so that serialized rollback can restore it after each flush.
    snapshot = getattr(connections["default"], "_test_serialized_contents", None)
    with sync_playwright() as playwright:
        if snapshot is not None:
            connections["default"]._test_serialized_contents = snapshot
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def demo(transactional_db):
    """The demo data, committed so that the live server sees it."""
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture(scope="session")
def doorway(live_server) -> Doorway:
    server = live_server.thread.httpd
    doorway = Doorway(server.get_app())
    server.set_app(doorway)
    return doorway


@pytest.fixture
def page(browser, live_server, doorway, demo):
    doorway.open()
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Every page, the admin included, runs under the Content-Security-Policy: anything the
    # browser blocks shows up as a console error and fails the test.
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text)
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()
    doorway.shut()
    assert not blocked, f"blocked by the Content-Security-Policy: {blocked}"


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page, email: str, password: str = "jourdemo-2026", admin: bool = False) -> None:
    page.goto("/admin/login/" if admin else "/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    if "/konto/tvastegsverifiering/ny/" in page.url:
        # Coordinators, the board and administrators set up their authenticator at the first
        # login: read the key off the page like an app would and type the current code.
        secret = page.locator("#otp-secret").inner_text().strip()
        page.fill("#id_token", current_code(secret))
        page.locator("form button[type=submit]").last.click()
        page.wait_for_load_state()


def current_code(secret: str) -> str:
    from django_otp.oath import TOTP

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{TOTP(key).token():06d}"


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical accessibility violations on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def last_held_session():
    """The demo's run in progress: its sixth session, the last one held."""
    from django.utils import timezone

    from courses.models import Session

    return (
        Session.objects.filter(
            unit_number=6, starts_at__lt=timezone.now(), run__enrolments__status="enrolled"
        )
        .distinct()
        .order_by("-starts_at")
        .first()
    )
