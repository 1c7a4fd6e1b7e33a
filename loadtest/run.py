"""``make load``: a bounded load test of the site on the loopback address.

1. a throw-away SQLite database in a temporary directory: ``migrate``, ``seed_demo``,
   ``collectstatic`` (settings ``lms.settings.load``: production with DEBUG off, over plain HTTP);
2. gunicorn on 127.0.0.1 and a free port, waited for until it answers;
3. locust headless (``loadtest/locustfile.py``): LOAD_USERS users (20), spawned LOAD_SPAWN_RATE
   a second (5), for LOAD_SECONDS (60);
4. a summary per endpoint and in total (requests, failures, 50/95/99th percentile in ms).

Exits 1 when any request failed (or none was made). gunicorn is stopped at the end, also on
Ctrl-C or SIGTERM, and the temporary directory is removed (LOAD_KEEP=1 keeps it).
Two-factor authentication is switched off for the run (REQUIRE_2FA=0) so that the coordinator
and board logins reach the admin.
"""

from __future__ import annotations

import csv
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    try:
        return int(value) if value else default
    except ValueError:
        sys.exit(f"{name} must be a whole number, not {value!r}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def step(message: str) -> None:
    print(f"==> {message}", flush=True)


def manage(env: dict[str, str], *args: str, output: bool = False) -> str:
    """``manage.py`` with ``args`` in the site's environment; with ``output``, what it printed
    (else it prints as it goes)."""
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    done = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=output, text=True)  # noqa: S603
    return done.stdout or ""


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {url} within {seconds:.0f} s")


def stop(process: subprocess.Popen | None, name: str) -> None:
    """SIGTERM to the process group, SIGKILL after 10 s."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass
    print(f"==> {name} stopped", flush=True)


def summary(stats_csv: Path) -> tuple[int, int]:
    """Print the table; return (requests, failures) in total."""
    with open(stats_csv, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    header = f"{'endpoint':<52} {'requests':>8} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6} {'req/s':>6}"
    print("\n" + header)
    print("-" * len(header))
    total = (0, 0)
    for row in rows:
        name = row["Name"] if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        requests, failures = int(row["Request Count"]), int(row["Failure Count"])
        if row["Name"] == "Aggregated":
            print("-" * len(header))
            name = "total"
            total = (requests, failures)
        print(
            f"{name[:52]:<52} {requests:>8} {failures:>5} {row['50%']:>6} {row['95%']:>6} "
            f"{row['99%']:>6} {float(row['Requests/s']):>6.1f}"
        )
    print("(latencies in milliseconds)")
    return total


def site_env(tmp: Path, database: str, base_url: str, **extra: str) -> dict[str, str]:
    """The environment of a throw-away site in ``tmp``: production settings over plain HTTP on
    loopback (``lms.settings.load``), a SQLite database of its own (or LOAD_DATABASE_URL's, e.g.
    a PostgreSQL database, when set), a fresh secret."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.load",
        "DATABASE_URL": f"sqlite:///{tmp / database}",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": base_url,
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        **extra,
    }
    if os.environ.get("LOAD_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["LOAD_DATABASE_URL"]
    env.pop("DEBUG", None)
    return env


@dataclass(frozen=True)
class LoadSettings:
    """What the environment asks for: LOAD_USERS, LOAD_SPAWN_RATE, LOAD_SECONDS, LOAD_WORKERS."""

    users: int
    spawn_rate: int
    seconds: int
    workers: int

    @classmethod
    def from_environment(cls) -> LoadSettings:
        return cls(
            users=env_int("LOAD_USERS", 20),
            spawn_rate=env_int("LOAD_SPAWN_RATE", 5),
            seconds=env_int("LOAD_SECONDS", 60),
            workers=env_int("LOAD_WORKERS", 3),
        )


def prepare_site(env: dict[str, str]) -> None:
    """The throw-away site's database (migrated, the demo seeded) and static files."""
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "seed_demo")
    manage(env, "collectstatic", "--noinput", "-v", "0")


def start_gunicorn(env: dict[str, str], tmp: Path, port: int, workers: int) -> subprocess.Popen:
    """gunicorn on 127.0.0.1:``port`` in a session of its own, its output in ``tmp``/gunicorn.log."""
    log = open(tmp / "gunicorn.log", "w", encoding="utf-8")  # noqa: SIM115
    return subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "lms.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--error-logfile",
            "-",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def start_locust(env: dict[str, str], tmp: Path, base_url: str, load: LoadSettings) -> subprocess.Popen:
    """locust headless against ``base_url``, in a session of its own; its statistics go to
    ``tmp``/locust_*.csv, its output to ``tmp``/locust.log."""
    locust_log = open(tmp / "locust.log", "w", encoding="utf-8")  # noqa: SIM115
    return subprocess.Popen(  # noqa: S603
        [
            str(BIN / "locust"),
            "--locustfile",
            str(ROOT / "loadtest" / "locustfile.py"),
            "--headless",
            "--host",
            base_url,
            "--users",
            str(load.users),
            "--spawn-rate",
            str(load.spawn_rate),
            "--run-time",
            f"{load.seconds}s",
            "--stop-timeout",
            "10",
            "--csv",
            str(tmp / "locust"),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env={key: value for key, value in env.items() if key != "DJANGO_SETTINGS_MODULE"},
        stdout=locust_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def verdict(tmp: Path, locust_status: int, server: subprocess.Popen) -> int:
    """Print the summary, the failures and what went wrong; 0 when every request succeeded (and
    there were some), 1 otherwise."""
    requests, failures = summary(tmp / "locust_stats.csv")
    failures_csv = tmp / "locust_failures.csv"
    if failures and failures_csv.exists():
        print("\nFailures:")
        print(failures_csv.read_text(encoding="utf-8"))
    if locust_status != 0:
        print(f"\nlocust exited with status {locust_status}; its output:")
        print((tmp / "locust.log").read_text(encoding="utf-8")[-5000:])
    if server.poll() is not None:
        print(f"gunicorn exited early with status {server.returncode}")
        failures = failures or 1
    ok = requests > 0 and failures == 0 and locust_status == 0
    print(f"\n{'OK' if ok else 'FAILED'}: {requests} requests, {failures} failures.")
    return 0 if ok else 1


def interrupt_on_signals() -> None:
    """SIGTERM and SIGINT raise KeyboardInterrupt, so that ``main`` cleans up."""

    def terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    # Also when started in the background, where SIGINT would otherwise be ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)


#: The processes a run started, with their names, stopped last first when it ends.
Started = list[tuple[subprocess.Popen, str]]


def guarded(what: str, tmp: Path, body: Callable[[Started], int]) -> int:
    """``body(started)``'s exit status; an interruption gives 130, a failure to run 2 (with the
    end of gunicorn's log). Then the processes ``body`` put in ``started`` are stopped and ``tmp``
    is removed (LOAD_KEEP=1 keeps it). Shared by make load, make saturation, make lighthouse."""
    started: Started = []
    interrupt_on_signals()
    try:
        return body(started)
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130
    except (subprocess.CalledProcessError, RuntimeError, OSError) as exc:
        print(f"{what} could not run: {exc}", getattr(exc, "stderr", None) or "", file=sys.stderr)
        log_file = tmp / "gunicorn.log"
        if log_file.exists():
            print(log_file.read_text(encoding="utf-8")[-3000:], file=sys.stderr)
        return 2
    finally:
        for process, name in reversed(started):
            stop(process, name)
        if os.environ.get("LOAD_KEEP"):
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    load = LoadSettings.from_environment()
    tmp = Path(tempfile.mkdtemp(prefix="lms-load-"))
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = site_env(tmp, "load.sqlite3", base_url, REQUIRE_2FA="0", PYTHONUNBUFFERED="1")

    def body(started: Started) -> int:
        step(f"database and static files in {tmp}")
        prepare_site(env)
        step(f"gunicorn ({load.workers} workers) on {base_url}")
        server = start_gunicorn(env, tmp, port, load.workers)
        started.append((server, "gunicorn"))
        wait_until_up(f"{base_url}/accounts/login/", server)
        step(f"locust: {load.users} users, spawn rate {load.spawn_rate}/s, {load.seconds} s")
        locust = start_locust(env, tmp, base_url, load)
        started.append((locust, "locust"))
        return verdict(tmp, locust.wait(), server)

    return guarded("load test", tmp, body)


if __name__ == "__main__":
    sys.exit(main())
