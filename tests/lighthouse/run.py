"""``make lighthouse``: Lighthouse on the production server, in Debian's Chromium.

1. the site of ``make load`` (``loadtest/run.py``'s functions): a throw-away SQLite database in a
   temporary directory (``migrate``, ``seed_demo``, ``collectstatic``), gunicorn on a free port of
   127.0.0.1 with ``lms.settings.load`` (production, DEBUG off, over plain HTTP), so the static
   files are whitenoise's: compressed, hashed and long-cached;
2. a volunteer and the coordinator log in with an HTTP client, the coordinator with her
   two-step verification as a person does it (she sets up her authenticator: the key read off
   the page, the current code typed); their session cookies go to Lighthouse as a header;
3. Lighthouse (``tests/lighthouse/package.json``, installed with ``npm ci``) on each page
   LIGHTHOUSE_RUNS times (3), in turns, performance and accessibility, with its default settings
   (a mid-range phone on a slow 4G network, simulated); each score is the median of the runs.
   LIGHTHOUSE_PAGES (names from THRESHOLDS, space-separated) measures some of them;
4. a table of the scores, the audits that cost points, and the verdict against THRESHOLDS.

Exits 1 when a score is below its threshold. The reports are kept in
``test-artifacts/lighthouse/`` (``<page>-<run>.json``); gunicorn is stopped at the end and the
temporary directory removed.
"""

from __future__ import annotations

import base64
import http.cookiejar
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from loadtest.run import (  # noqa: E402
    Started,
    free_port,
    guarded,
    manage,
    prepare_site,
    site_env,
    start_gunicorn,
    step,
    wait_until_up,
)

HERE = Path(__file__).resolve().parent
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
REPORTS = ROOT / "test-artifacts" / "lighthouse"
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
PASSWORD = "jourdemo-2026"  # the published demo login (home/demo_content.py)
VOLUNTEER = "volontar1@example.org"
COORDINATOR = "samordnare@example.org"

# The lowest score each page may have, per category (out of 100). The register is Wagtail's admin
# (its scripts: README "Pages in a browser"), held to less for performance.
MEMBER_PAGES = {"performance": 90, "accessibility": 100}
THRESHOLDS = {
    "home": MEMBER_PAGES,
    "course": MEMBER_PAGES,
    "login": MEMBER_PAGES,
    "my-training": MEMBER_PAGES,
    "register": {"performance": 80, "accessibility": 100},
}

# The demo's course page and the coordinator's register for the last held session of the run in
# progress (as the browser tests take it), asked of the throw-away site's database.
FIND_PATHS = """
import json
from django.urls import reverse
from django.utils import timezone
from courses.models import CoursePage, Session
course = CoursePage.objects.get(slug="studiecirkel")
session = (
    Session.objects.filter(starts_at__lt=timezone.now(), run__enrolments__status="enrolled")
    .distinct().order_by("-starts_at").first()
)
print(json.dumps({"course": course.url, "register": reverse("courses_session_register", args=[session.pk])}))
"""


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    who: str | None  # the email of the person signed in, None for nobody


class Browser:
    """An HTTP client with its own cookies, for the logins Lighthouse cannot type."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(self.base_url + path, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def post(self, path: str, fields: dict[str, str]) -> tuple[str, str]:
        url, page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None:
            raise RuntimeError(f"no form with a CSRF token at {url}")
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), **fields}).encode()
        request = urllib.request.Request(url, data=data, headers={"Referer": url})  # noqa: S310
        with self.opener.open(request, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.cookies)


def current_code(secret: str) -> str:
    """The code an authenticator app shows now for the key ``secret`` (base32)."""
    from django_otp.oath import TOTP

    return f"{TOTP(base64.b32decode(secret + '=' * (-len(secret) % 8))).token():06d}"


def sign_in(base_url: str, email: str) -> str:
    """Log ``email`` in through the login form (and, when asked, set up her authenticator and
    type its code); the Cookie header of her session."""
    browser = Browser(base_url)
    url, page = browser.post("/accounts/login/", {"username": email, "password": PASSWORD})
    if "/konto/tvastegsverifiering/ny/" in url:
        secret = re.search(r'<code id="otp-secret">([A-Z2-7]+)</code>', page)
        if secret is None:
            raise RuntimeError("the two-step set-up page shows no key")
        path = urllib.parse.urlsplit(url)
        url, page = browser.post(f"{path.path}?{path.query}", {"token": current_code(secret.group(1))})
    if "/accounts/login/" in url or "/konto/" in url:
        raise RuntimeError(f"{email} could not log in (ended at {url})")
    return browser.cookie_header()


def pages_of(env: dict[str, str]) -> list[Page]:
    paths = json.loads(manage(env, "shell", "-c", FIND_PATHS, output=True).strip().splitlines()[-1])
    return [
        Page("home", "/", None),
        Page("course", paths["course"], None),
        Page("login", "/accounts/login/", None),
        Page("my-training", "/min-utbildning/", VOLUNTEER),
        Page("register", paths["register"], COORDINATOR),
    ]


class LighthouseRuntimeError(RuntimeError):
    """Lighthouse could not record the page load (e.g. Chromium's trace had no navigation start,
    NO_NAVSTART); Lighthouse itself says to run it again."""


def lighthouse(url: str, output: Path, cookie: str | None, attempts: int = 3) -> dict:
    """One Lighthouse run of ``url``; its report (also written to ``output``). A run that could
    not record the page load is run again, at most ``attempts`` times in all, each retry
    printed; a page that answers wrongly (a redirect) fails at once."""
    for attempt in range(1, attempts + 1):
        try:
            return lighthouse_once(url, output, cookie)
        except LighthouseRuntimeError as error:
            if attempt == attempts:
                raise
            print(f"    run again ({attempt}/{attempts}): {str(error).strip().splitlines()[-1]}", flush=True)
    raise AssertionError("unreachable")


def lighthouse_once(url: str, output: Path, cookie: str | None) -> dict:
    output.unlink(missing_ok=True)
    command = [
        str(LIGHTHOUSE),
        url,
        "--only-categories=performance,accessibility",
        f"--chrome-flags={CHROME_FLAGS}",
        "--output=json",
        f"--output-path={output}",
        "--quiet",
    ]
    if cookie:
        command.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0 or not output.exists():
        raise LighthouseRuntimeError(
            f"lighthouse failed on {url} ({done.returncode}):\n{done.stderr[-3000:]}"
        )
    report = json.loads(output.read_text(encoding="utf-8"))
    if report.get("runtimeError"):
        raise LighthouseRuntimeError(f"lighthouse on {url}: {report['runtimeError']}")
    if report["finalDisplayedUrl"] != url:
        raise RuntimeError(f"lighthouse asked for {url} and was sent to {report['finalDisplayedUrl']}")
    return report


def scores(report: dict) -> dict[str, int]:
    return {name: round(category["score"] * 100) for name, category in report["categories"].items()}


METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "speed-index": "SI",
}


def failed_audits(report: dict, category: str, limit: int = 4) -> list[str]:
    """The audits of ``category`` that did not pass, other than the metrics: for accessibility
    what costs points, for performance where the time goes (most saved first)."""
    audits = report["audits"]
    failed = [
        audits[ref["id"]]
        for ref in report["categories"][category]["auditRefs"]
        if ref["id"] not in METRICS
        and audits[ref["id"]]["score"] is not None
        and audits[ref["id"]]["score"] < 1
        and audits[ref["id"]]["scoreDisplayMode"] in ("binary", "numeric", "metricSavings")
    ]
    failed.sort(key=lambda audit: (-sum((audit.get("metricSavings") or {}).values()), audit["score"]))
    return [
        f"{audit['id']}{': ' + audit['displayValue'] if audit.get('displayValue') else ''}"
        for audit in failed[:limit]
    ]


def explain(name: str, report: dict) -> None:
    """A page's metrics and failed audits, from its median run."""
    audits = report["audits"]
    metrics = ", ".join(f"{short} {audits[key]['displayValue']}" for key, short in METRICS.items())
    print(f"\n{name} (its median run): {metrics}".replace("\xa0", " "))
    for category in ("accessibility", "performance"):
        for audit in failed_audits(report, category):
            print(f"  {category}: {audit}".replace("\xa0", " "))


def measure(pages: list[Page], base_url: str, cookies: dict[str, str], runs: int) -> dict[str, list[dict]]:
    """Every page ``runs`` times, in turns (each page's runs spread over the whole measurement)."""
    shutil.rmtree(REPORTS, ignore_errors=True)
    REPORTS.mkdir(parents=True)
    reports: dict[str, list[dict]] = {page.name: [] for page in pages}
    for run in range(1, runs + 1):
        for page in pages:
            step(f"lighthouse {page.name} ({run}/{runs}): {page.path}")
            output = REPORTS / f"{page.name}-{run}.json"
            report = lighthouse(base_url + page.path, output, cookies.get(page.who))
            reports[page.name].append(report)
            print(f"    {scores(report)}", flush=True)
    return reports


def verdict(reports: dict[str, list[dict]]) -> int:
    """The table of median scores, each page's metrics and failed audits; 0 when every
    threshold is met, 1 otherwise."""
    header = f"{'page':<14} {'performance':>11} {'accessibility':>13}   each run's performance"
    print("\n" + header + "\n" + "-" * len(header))
    failures = []
    for name, runs in reports.items():
        medians = {
            category: round(statistics.median(scores(report)[category] for report in runs))
            for category in ("performance", "accessibility")
        }
        each = ", ".join(str(scores(report)["performance"]) for report in runs)
        print(f"{name:<14} {medians['performance']:>11} {medians['accessibility']:>13}   {each}")
        failures += [
            f"{name} {category} {medians[category]} < {lowest}"
            for category, lowest in THRESHOLDS[name].items()
            if medians[category] < lowest
        ]
    print(
        "(the median of the runs; at least:",
        "; ".join(
            f"{name} " + ", ".join(f"{category} {lowest}" for category, lowest in limits.items())
            for name, limits in THRESHOLDS.items()
        )
        + ")",
    )
    for name, runs in reports.items():
        explain(name, sorted(runs, key=lambda report: scores(report)["performance"])[len(runs) // 2])
    print(f"\n{'FAILED: ' + '; '.join(failures) if failures else 'OK: every threshold is met.'}")
    return 1 if failures else 0


def main() -> int:
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} is missing: run `make lighthouse` (or `npm ci` in {HERE})")
    runs = int(os.environ.get("LIGHTHOUSE_RUNS", "3"))
    only = set(os.environ.get("LIGHTHOUSE_PAGES", "").split())
    if only - THRESHOLDS.keys():
        sys.exit(
            f"LIGHTHOUSE_PAGES: no page {' '.join(sorted(only - THRESHOLDS.keys()))}; the pages: {' '.join(THRESHOLDS)}"
        )
    tmp = Path(tempfile.mkdtemp(prefix="lms-lighthouse-"))
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = site_env(tmp, "lighthouse.sqlite3", base_url, PYTHONUNBUFFERED="1")

    def body(started: Started) -> int:
        step(f"database and static files in {tmp}")
        prepare_site(env)
        pages = [page for page in pages_of(env) if not only or page.name in only]
        step(f"gunicorn on {base_url}")
        server = start_gunicorn(env, tmp, port, workers=2)
        started.append((server, "gunicorn"))
        wait_until_up(f"{base_url}/accounts/login/", server)
        cookies = {email: sign_in(base_url, email) for email in (VOLUNTEER, COORDINATOR)}
        return verdict(measure(pages, base_url, cookies, runs))

    return guarded("lighthouse", tmp, body)


if __name__ == "__main__":
    sys.exit(main())
