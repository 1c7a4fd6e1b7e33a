"""``make saturation``: where the site saturates, by stepped load (loadtest/run.py's site).

Three loads, each against the same gunicorn (LOAD_WORKERS sync workers, 3), each raised in steps
of users until the 95th percentile of a step passes 500 ms (or the last step is reached):

- ``floor``: a trivial view (``loadtest/urls.py``) at a feed's place in the URLs, through the
  same gunicorn, middleware and token-shaped path, answering 304 with no database query: what
  any answer of this stack costs at least;
- ``feed``: phones polling their calendar feeds with ``If-None-Match`` (304), as every
  subscribed phone does every few minutes, one request a second per user;
- ``mixed``: ``loadtest/locustfile.py``'s volunteers and staff (logins, *My training*, feeds,
  the admin, the clearance board, the report), with their own waits (0.5 to 2 s).

Each step first spawns its new users and waits until every one of them has finished
``on_start`` (a volunteer's or coordinator's login, Argon2 and all; a poller's first request:
each user class counts them, ``locustfile.Member.started``), at most 120 s; then it resets the
statistics and measures for SATURATION_STEP_SECONDS (20), and prints users, requests/s, failures
and the 50th/95th/99th percentile. The logins are kept out of the measured step (a user logs in
once and then works for hours: a step measures the work), but not hidden: the same line gives
how long the users took to start and the figures of their ``on_start`` requests (the login
page and the login itself, count and percentiles), from the statistics before the reset. The
saturation point of a load is its highest throughput with p95 at most 500 ms and no failures.
The site is loadtest/run.py's: a throw-away database (SQLite, or LOAD_DATABASE_URL), the demo
data, ``lms.settings.load`` (production over plain HTTP; REDIS_URL is passed on when set).

Settings: SATURATION_LOADS (floor,feed,mixed), SATURATION_STEPS (users per step, comma
separated), SATURATION_STEP_SECONDS, LOAD_WORKERS. Exits 1 when a load failed outright (errors
at its first step), or when SATURATION_ASSERT=1 and the feed's saturation throughput is under
half the floor's or the mixed load did not hold 100 users at p95 under 500 ms.
"""

from __future__ import annotations

# locust patches the standard library for gevent: it comes first.
from locust import FastHttpUser, constant_throughput, task  # isort: skip
from locust.env import Environment  # isort: skip

import gevent  # isort: skip

import json
import os
import random
import re
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import locustfile
import run

P95_LIMIT_MS = 500
#: At most this long for a step's new users to finish ``on_start`` (log in) before it is measured.
START_SECONDS = 120
DEFAULT_STEPS = {
    "floor": "50,100,150,200,250,300,350,400,500,600",
    "feed": "50,100,150,200,250,300,350,400,500,600",
    "mixed": "10,20,40,60,80,100,120,140,160",
}
TOKENS: list[str] = []


class Poller(FastHttpUser):
    """A phone polling one of the demo people's feeds, about once a second."""

    abstract = True
    wait_time = constant_throughput(1)
    path_template = "/kurser/kalender/{}.ics"
    name = "feed poll (304)"

    #: How many pollers have finished ``on_start`` (their first request), as ``locustfile.Member``.
    started = 0

    def on_start(self) -> None:
        self.path = self.path_template.format(random.choice(TOKENS))  # noqa: S311
        with self.client.get(self.path, name=f"{self.name}: first", catch_response=True) as response:
            self.etag = response.headers.get("ETag", "")
            if response.status_code not in (200, 304) or not self.etag:
                response.failure(f"first request: status {response.status_code}, ETag {self.etag!r}")
        Poller.started += 1

    @task
    def poll(self) -> None:
        with self.client.get(
            self.path, name=self.name, headers={"If-None-Match": self.etag}, catch_response=True
        ) as response:
            if response.status_code != 304:
                response.failure(f"{self.path}: status {response.status_code}, expected 304")


class FeedPoller(Poller):
    abstract = False


class FloorPoller(Poller):
    abstract = False
    path_template = "/kurser/golv/{}.ics"
    name = "floor (304)"


LOADS = {
    "floor": [FloorPoller],
    "feed": [FeedPoller],
    "mixed": [locustfile.Volunteer, locustfile.Staff],
}


@dataclass
class Step:
    load: str
    users: int
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float

    @property
    def holds(self) -> bool:
        return self.requests > 0 and self.failures == 0 and self.p95 <= P95_LIMIT_MS


def measure(load: str, base_url: str, steps: list[int], seconds: int) -> list[Step]:
    """Raise ``load`` through ``steps`` users; stop after the first step that does not hold."""
    env = Environment(user_classes=LOADS[load], host=base_url)
    runner = env.create_local_runner()
    results: list[Step] = []
    already = started(load)  # by the loads measured before, in this process
    try:
        for users in steps:
            env.stats.reset_all()
            runner.start(users, spawn_rate=max(10, users // 2))
            waited = wait_for_start(load, already + users)
            spawning = on_start_figures(env)  # the logins of the step's new users, apart
            env.stats.reset_all()
            gevent.sleep(seconds)
            total = env.stats.total
            step = Step(
                load=load,
                users=users,
                requests=total.num_requests,
                failures=total.num_failures,
                rps=round(total.num_requests / seconds, 1),
                p50=total.get_response_time_percentile(0.5) or 0,
                p95=total.get_response_time_percentile(0.95) or 0,
                p99=total.get_response_time_percentile(0.99) or 0,
            )
            results.append(step)
            print(
                f"{load:<6} {users:>5} users {step.rps:>7.1f} req/s {step.failures:>5} failures "
                f"p50 {step.p50:>6.0f} p95 {step.p95:>6.0f} p99 {step.p99:>6.0f} ms"
                f" | started in {waited:.0f} s: {spawning}",
                flush=True,
            )
            if not step.holds:
                slowest = sorted(
                    (e for e in env.stats.entries.values() if e.num_requests),
                    key=lambda e: -e.get_response_time_percentile(0.95),
                )
                for entry in slowest[:6]:
                    print(
                        f"       {entry.name}: {entry.num_requests} requests, "
                        f"p50 {entry.get_response_time_percentile(0.5):.0f} "
                        f"p95 {entry.get_response_time_percentile(0.95):.0f} ms",
                        flush=True,
                    )
                for error in list(env.stats.errors.values())[:5]:
                    print(f"       {error.occurrences} x {error.name}: {error.error}", flush=True)
                break
    finally:
        runner.quit()
    return results


def started(load: str) -> int:
    """How many users of ``load``'s classes have finished ``on_start`` in this process."""
    return locustfile.Member.started if load == "mixed" else Poller.started


def wait_for_start(load: str, count: int) -> float:
    """Wait until ``count`` users have finished ``on_start`` (at most START_SECONDS); the seconds
    waited."""
    began = time.monotonic()
    while started(load) < count and time.monotonic() - began < START_SECONDS:
        gevent.sleep(0.2)
    if started(load) < count:
        print(f"       {count - started(load)} users had not started after {START_SECONDS} s", flush=True)
    return time.monotonic() - began


def on_start_figures(env: Environment) -> str:
    """The requests the users made in ``on_start`` (the logins, a poller's first request) since
    the statistics were last reset: shown on the step's line, not measured with it."""
    entries = sorted(
        (
            e
            for e in env.stats.entries.values()
            if e.num_requests and (e.name.startswith("login") or e.name.endswith(": first"))
        ),
        key=lambda e: e.name,
    )
    return (
        "; ".join(
            f"{e.name} {e.num_requests}x p50 {e.get_response_time_percentile(0.5):.0f} "
            f"p95 {e.get_response_time_percentile(0.95):.0f} ms, {e.num_failures} failures"
            for e in entries
        )
        or "no on_start requests"
    )


def saturation(results: list[Step]) -> Step | None:
    """The step with the highest throughput that held (p95 within the limit, no failures)."""
    held = [step for step in results if step.holds]
    return max(held, key=lambda step: step.rps) if held else None


def feed_tokens(env: dict[str, str]) -> list[str]:
    """A "My sessions" feed token for every active person of the demo (made on first use)."""
    script = (
        "from people.models import User\n"
        "from courses.ical import feed_token, token_of\n"
        "from courses.models import FeedKind\n"
        "for person in User.objects.filter(is_active=True):\n"
        "    print(token_of(feed_token(person, FeedKind.MY_SESSIONS)))\n"
    )
    out = run.manage(env, "shell", "-c", script, output=True)
    # Django's shell may print other lines first (the models it imported).
    return [line for line in out.split() if re.fullmatch(r"[A-Za-z0-9_-]{43}", line)]


def verdict(summary: dict[str, Step | None], results: dict[str, list[Step]]) -> int:
    print("\nsaturation points (p95 <= 500 ms, no failures):")
    for load, step in summary.items():
        print(f"  {load:<6} " + (f"{step.rps} req/s at {step.users} users" if step else "none held"))
    if any(not steps or not steps[0].requests for steps in results.values()):
        print("FAILED: a load made no requests")
        return 1
    if os.environ.get("SATURATION_ASSERT") != "1":
        return 0
    floor, feed = summary.get("floor"), summary.get("feed")
    mixed_held = [step.users for step in results.get("mixed", []) if step.holds]
    problems = []
    if floor and (feed is None or feed.rps < floor.rps / 2):
        problems.append("a feed poll costs more than twice the floor")
    if "mixed" in results and max(mixed_held, default=0) < 100:
        problems.append("the mixed load did not hold 100 users at p95 under 500 ms")
    for problem in problems:
        print(f"FAILED: {problem}")
    return 1 if problems else 0


def main() -> int:
    loads = [name.strip() for name in os.environ.get("SATURATION_LOADS", "floor,feed,mixed").split(",")]
    seconds = run.env_int("SATURATION_STEP_SECONDS", 20)
    workers = run.env_int("LOAD_WORKERS", 3)
    tmp = Path(tempfile.mkdtemp(prefix="lms-saturation-"))
    port = run.free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = run.site_env(tmp, "load.sqlite3", base_url, REQUIRE_2FA="0", PYTHONUNBUFFERED="1")

    def body(started: run.Started) -> int:
        run.step(f"database and static files in {tmp}")
        run.prepare_site(env)
        TOKENS[:] = feed_tokens(env)
        run.step(f"gunicorn ({workers} workers) on {base_url}; {len(TOKENS)} feeds")
        server = run.start_gunicorn(env, tmp, port, workers)
        started.append((server, "gunicorn"))
        run.wait_until_up(f"{base_url}/accounts/login/", server)
        results: dict[str, list[Step]] = {}
        for load in loads:
            steps = [int(n) for n in os.environ.get("SATURATION_STEPS", DEFAULT_STEPS[load]).split(",")]
            run.step(f"{load}: steps of {steps} users, {seconds} s each")
            results[load] = measure(load, base_url, steps, seconds)
        summary = {load: saturation(steps) for load, steps in results.items()}
        print(json.dumps({load: asdict(step) if step else None for load, step in summary.items()}))
        return verdict(summary, results)

    return run.guarded("saturation test", tmp, body)


if __name__ == "__main__":
    sys.exit(main())
