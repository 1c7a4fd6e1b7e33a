"""How long "Forgot your password?" takes to answer for a known and an unknown address.

``.venv/bin/python loadtest/reset_timing.py`` (RESET_ROUNDS, 100 by default): a throw-away
SQLite database with the demo data, gunicorn on 127.0.0.1 (settings ``lms.settings.load``) and
a local SMTP server in this process that accepts every message; then RESET_ROUNDS requests for
a known address (a demo volunteer) and as many for an unknown one, alternating, each a fresh
form (GET, then the timed POST, from sending it to having read the redirect to the "sent"
page, which is not followed). gunicorn runs one worker, so the untimed GET of the next round
waits for any mail still being sent. Prints the median and the 90th percentile of each, in ms, and
how many messages the SMTP server received. The rate limits are raised for the run
(``PASSWORD_RESETS_PER_ADDRESS``, ``PASSWORD_RESETS_PER_ACCOUNT``): every request would come
from 127.0.0.1 for the same account.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import socketserver
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import BIN, ROOT, free_port, manage, site_env, stop, wait_until_up

KNOWN = "volontar1@example.org"
UNKNOWN = "ingen.alls@example.org"


class SMTPSink(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's SMTP backend: accept and count every message."""

    received = 0

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 sink")
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 sink")
            elif command == "DATA":
                self.reply("354 go on")
                while self.rfile.readline() not in (b".\r\n", b""):
                    pass
                SMTPSink.received += 1
                self.reply("250 queued")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


def timed_reset(base_url: str, email: str) -> float:
    """Seconds from sending the POST to having read the whole answer."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    url = f"{base_url}/accounts/password-reset/"
    with opener.open(url, timeout=30) as response:  # the form and its CSRF cookie
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.read()).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token.decode(), "email": email}).encode()
    request = urllib.request.Request(url, data=data, headers={"Referer": url})  # noqa: S310
    start = time.perf_counter()
    try:
        opener.open(request, timeout=30)
    except urllib.error.HTTPError as answer:  # the redirect to "sent", not followed
        answer.read()
        elapsed = time.perf_counter() - start
        if answer.code != 302 or not answer.headers["Location"].endswith("/password-reset/sent/"):
            raise RuntimeError(f"the reset answered {answer.code} {answer.headers['Location']}") from None
        return elapsed
    raise RuntimeError("the reset did not answer with a redirect")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def describe(name: str, seconds: list[float]) -> str:
    ms = sorted(value * 1000 for value in seconds)
    p90 = ms[int(len(ms) * 0.9) - 1]
    return f"{name:<8} n={len(ms):<4} median {statistics.median(ms):6.1f} ms   p90 {p90:6.1f} ms"


def main() -> int:
    rounds = int(os.environ.get("RESET_ROUNDS", "100"))
    tmp = Path(tempfile.mkdtemp(prefix="lms-reset-"))
    port, smtp_port = free_port(), free_port()
    base_url = f"http://127.0.0.1:{port}"
    smtp = socketserver.ThreadingTCPServer(("127.0.0.1", smtp_port), SMTPSink)
    threading.Thread(target=smtp.serve_forever, daemon=True).start()
    env = site_env(
        tmp,
        "reset.sqlite3",
        base_url,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        PASSWORD_RESETS_PER_ADDRESS=str(10 * rounds),
        PASSWORD_RESETS_PER_ACCOUNT=str(10 * rounds),
    )
    server = None
    try:
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "seed_demo")
        manage(env, "collectstatic", "--noinput", "-v", "0")
        log = open(tmp / "gunicorn.log", "w", encoding="utf-8")  # noqa: SIM115
        server = subprocess.Popen(  # noqa: S603
            [str(BIN / "gunicorn"), "lms.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until_up(f"{base_url}/accounts/login/", server)
        for _ in range(5):  # warm up both paths
            timed_reset(base_url, KNOWN)
            timed_reset(base_url, UNKNOWN)
        time.sleep(0.5)
        before = SMTPSink.received
        known, unknown = [], []
        for _ in range(rounds):
            known.append(timed_reset(base_url, KNOWN))
            unknown.append(timed_reset(base_url, UNKNOWN))
        time.sleep(0.5)  # enqueued after the last answer
        manage(env, "db_worker", "--batch", "--no-startup-delay", "--no-reload", "-v", "0")  # the mail
        print(describe("known", known))
        print(describe("unknown", unknown))
        print(f"messages received: {SMTPSink.received - before} (expected {rounds})")
        return 0
    finally:
        stop(server, "gunicorn")
        smtp.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
