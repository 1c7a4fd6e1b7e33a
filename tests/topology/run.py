"""The production topology, tested (``make topology``; a step of ``.ci/run``; not collected by
pytest): PostgreSQL, redis-server and gunicorn with three workers on the loopback address, with
the production settings, set up the way README "Run it in production" says.

It follows the guide rather than its own recipe: the environment is deploy/jour.env.example's
(every variable it sets must be named there), and the processes are the ExecStart lines of
deploy/jour-web.service and deploy/jour-worker.service, with /srv/jour replaced by this checkout,
its virtual environment by the one running this script, and the port by a free one. The client
sends what nginx would (X-Forwarded-Proto: https, X-Forwarded-For), so HTTPS redirects and
Secure cookies stay on; it keeps the cookies itself. The coordinator signs in with her password
and a TOTP code read off the set-up page, as her phone would.

Proves, printing what it saw:
(a) a session cancelled and attendance marked through one worker are seen at once by the
    register, the clearance board and a participant's feed served by each of the others;
(b) a feed's ETag is the same from every worker;
(c) failed logins spread over the workers lock the account on every worker;
(d) /readyz is 503 while redis-server is stopped and 200 again once it is back, while /, the
    board and a feed keep answering 200; /healthz answers;
(e) with nginx on the machine (CI installs it), deploy/nginx.conf in front (its own ports, a
    self-signed certificate, this run's static directory): plain HTTP is redirected, pages and
    /readyz (from the machine itself) come through with nginx's request id, a hashed static file is served from disk
    compressed and cached for a year, a feed comes compressed.

Which worker answered: the client sends its own X-Request-ID and reads the pid from the JSON
access line with that id. Needs DATABASE_URL (a PostgreSQL server; a database of its own is
made and dropped) and redis-server. Exits 1 on any failure; stops what it started.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import html
import http.client
import json
import os
import re
import secrets
import shlex
import shutil
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.redis_server import RedisServer, available, free_port  # noqa: E402

DEPLOY = ROOT / "deploy"
WORKERS = 3
HOST = "127.0.0.1"
CLIENT_ADDRESS = "198.51.100.20"
ATTACKER_ADDRESS = "203.0.113.66"


class Failure(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise Failure(message)
    print(f"  ok: {message}")


# The guide's files ------------------------------------------------------------------------------


def env_example() -> tuple[dict[str, str], set[str]]:
    """deploy/jour.env.example: the variables it sets, and every variable it names."""
    values, named = {}, set()
    for line in (DEPLOY / "jour.env.example").read_text().splitlines():
        match = re.fullmatch(r"(#?)([A-Z][A-Z0-9_]*)=(.*)", line.strip())
        if match:
            named.add(match[2])
            if not match[1]:
                values[match[2]] = match[3]
    return values, named


def exec_start(unit: str, port: int) -> list[str]:
    """A unit's ExecStart, for this checkout, this virtual environment and this port."""
    (line,) = [line for line in (DEPLOY / unit).read_text().splitlines() if line.startswith("ExecStart=")]
    command = line.removeprefix("ExecStart=")
    command = command.replace("/srv/jour/.venv", sys.prefix).replace("/srv/jour", str(ROOT))
    return shlex.split(command.replace(f"{HOST}:8000", f"{HOST}:{port}"))


# The client -------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    request_id: str
    pid: int = 0

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class Client:
    """A browser behind nginx: X-Forwarded-Proto https, its own address, its own cookies."""

    port: int
    log: Path
    address: str = CLIENT_ADDRESS
    cookies: dict[str, str] = field(default_factory=dict)
    # on_every_worker asks several at once through one client: its cookies are shared.
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def request(self, method: str, path: str, data: dict | None = None) -> Response:
        request_id = "topology-" + secrets.token_hex(8)
        headers = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.address,
            "X-Request-ID": request_id,
        }
        with self.lock:
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True)
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"https://{HOST}"}
            headers["Referer"] = f"https://{HOST}{path}"
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        with self.lock:
            for value in answer.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    if morsel.value and morsel["max-age"] != "0":
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)
        response = Response(answer.status, dict(answer.headers), answer.read(), request_id)
        connection.close()
        check_quiet(response.headers.get("X-Request-ID") == request_id, "the request id comes back")
        response.pid = pid_of(self.log, request_id)
        return response

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> Response:
        data = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data}
        return self.request("POST", path, data)


def check_quiet(condition: bool, message: str) -> None:
    if not condition:
        raise Failure(message)


def pid_of(log: Path, request_id: str) -> int:
    """The pid of the worker that logged the access line of ``request_id``."""
    deadline = time.monotonic() + 5
    needle = f'"request_id": "{request_id}"'
    while time.monotonic() < deadline:
        for line in log.read_text(errors="replace").splitlines():
            if needle in line and '"jour_core.access"' in line:
                return json.loads(line)["pid"]
        time.sleep(0.05)
    raise Failure(f"no JSON access line for request {request_id} in {log}")


def on_every_worker(fetch, what: str) -> list[Response]:
    """Ask with ``fetch()`` until each of the workers has answered; their answers, one each.

    The requests go out ``WORKERS`` at a time. One after another, a fast answer (a kept page)
    leaves the worker that gave it first back at accept(), and the kernel may hand it every
    next connection: CI once saw 200 board requests in a row answered by one worker. A busy
    worker cannot take the next connection, so asking several at once reaches the others.
    """
    answers: dict[int, Response] = {}
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for _ in range(100):
            for response in pool.map(lambda _: fetch(), range(WORKERS)):
                answers.setdefault(response.pid, response)
            if len(answers) == WORKERS:
                print(f"  {what}: answered by workers {sorted(answers)}")
                return list(answers.values())
    raise Failure(f"{what}: only workers {sorted(answers)} answered in {100 * WORKERS} requests")


# Signing in -------------------------------------------------------------------------------------


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238's code of a base32 secret (an authenticator app's)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = struct.pack(">Q", int((at or time.time()) // 30))
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def sign_in_coordinator(client: Client, email: str, password: str) -> None:
    client.get("/accounts/login/")
    response = client.post("/accounts/login/", {"username": email, "password": password})
    check(response.status == 302, "the coordinator's password is taken")
    # The next page she opens sends her to set up her authenticator (RequireTwoFactorMiddleware).
    setup = response.headers["Location"]
    while "/konto/tvastegsverifiering/ny/" not in setup and setup.startswith("/"):
        setup = client.get(setup).headers.get("Location", "")
    check("/konto/tvastegsverifiering/ny/" in setup, "she is sent to set up her authenticator")
    page = client.get(setup)
    secret = re.search(r'id="otp-secret"[^>]*>\s*([A-Z2-7 ]+?)\s*<', page.text)
    check_quiet(secret is not None, "the set-up page shows the key")
    response = client.post(setup, {"token": totp(secret[1].replace(" ", ""))})
    check(response.status == 302, "her first TOTP code is taken: signed in with two factors")


def form_fields(page: str, form_marker: str) -> dict[str, str]:
    """The named inputs, selects and textareas of the form that contains ``form_marker``."""
    form = next(f for f in re.findall(r"<form.*?</form>", page, re.S) if form_marker in f)
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if name and (not kind or kind[1] not in ("radio", "checkbox", "submit") or "checked" in tag):
            fields[name[1]] = html.unescape(value[1]) if value else ""
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        selected = re.search(r'<option value="([^"]*)"[^>]*selected', options)
        fields[name] = selected[1] if selected else ""
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        fields[name] = html.unescape(text.strip())
    return fields


# The stack --------------------------------------------------------------------------------------


@dataclass
class Stack:
    tmp: Path
    admin_url: str
    database: str = field(default_factory=lambda: f"topology_jour_{os.getpid()}")
    port: int = field(default_factory=free_port)
    processes: list[subprocess.Popen] = field(default_factory=list)
    nginx_config: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # With a password, as the guide sets it up (the cache holds pickles Django loads).
        self.redis = RedisServer(self.tmp / "redis", password=secrets.token_hex(16))
        self.log = self.tmp / "gunicorn.log"
        self.log.touch()

    @property
    def database_url(self) -> str:
        return urllib.parse.urlsplit(self.admin_url)._replace(path=f"/{self.database}").geturl()

    def environment(self) -> dict[str, str]:
        """deploy/jour.env.example, with this machine's values for what differs."""
        values, named = env_example()
        ours = {
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": HOST,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis.url,
            "MEDIA_ROOT": str(self.tmp / "media"),
            "STATIC_ROOT": str(self.tmp / "static"),
            "WAGTAILADMIN_BASE_URL": f"https://{HOST}",
            # Nothing listens there: the worker's mail fails and is retried, harmlessly.
            "EMAIL_HOST": HOST,
            "EMAIL_PORT": str(free_port()),
            # Successful health probes too (at DEBUG), so that their worker is known.
            "ACCESS_LOG_LEVEL": "DEBUG",
        }
        unnamed = set(ours) - named
        check_quiet(not unnamed, f"deploy/jour.env.example does not name {sorted(unnamed)}")
        keep = {k: os.environ[k] for k in ("PATH", "LANG", "LC_ALL", "TMPDIR") if k in os.environ}
        # HOME: gunicorn's control socket (~/.gunicorn) of its own.
        return keep | values | ours | {"HOME": str(self.tmp), "PYTHONUNBUFFERED": "1"}

    def create_database(self) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{self.database}"')

    def drop_database(self) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def manage(self, *arguments: str) -> str:
        python = exec_start("jour-worker.service", self.port)[0]
        result = subprocess.run(
            [python, str(ROOT / "manage.py"), *arguments],
            cwd=ROOT,
            env=self.environment(),
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise Failure(f"manage.py {' '.join(arguments)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def start(self, unit: str) -> None:
        log = self.log.open("ab")
        command = exec_start(unit, self.port)
        print(f"  starting {unit}: {shlex.join(command)}")
        self.processes.append(
            subprocess.Popen(command, cwd=ROOT, env=self.environment(), stdout=log, stderr=log)
        )

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=2)
                connection.request("GET", "/healthz", headers={"Host": HOST})
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise Failure(f"gunicorn did not answer /healthz within 60 s; see {self.log}")

    def stop(self) -> None:
        if self.nginx_config:
            subprocess.run(["nginx", *self.nginx_config, "-s", "stop"], check=False)
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        self.redis.stop()


LOOKUP = """
import json
from django.utils import timezone
from certifications.models import QualificationType
from courses.models import Attendance, Session
now = timezone.now()
held = (Session.objects.filter(unit_number=6, starts_at__lt=now, run__enrolments__status="enrolled")
        .distinct().order_by("-starts_at").first())
marked = set(Attendance.objects.filter(session=held).values_list("person_id", flat=True))
enrolment = (held.run.enrolments.filter(status="enrolled").exclude(person_id__in=marked)
             .select_related("person").order_by("person__email").first())
upcoming = held.run.sessions.filter(starts_at__gt=now, status="scheduled").order_by("starts_at").first()
person = enrolment.person
pledge = QualificationType.objects.get(organisation=person.organisation, name="Tystnadslöfte")
print(json.dumps({"held": held.pk, "upcoming": upcoming.pk, "person": person.pk, "email": person.email,
                  "name": f"{person.first_name} {person.last_name}", "pledge": pledge.pk,
                  "today": timezone.localdate().isoformat()}))
"""


# The proofs -------------------------------------------------------------------------------------

BOARD = "/admin/competence/clearance/"


def board_row(page: str, name: str) -> str:
    """The text of the board's row that names ``name`` ("" when there is none)."""
    for row in re.findall(r"<tr.*?</tr>", page, re.S):
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split())
        if name in text:
            return text
    return ""


def unfolded(response: Response) -> str:
    return response.text.replace("\r\n ", "")


def prove_a_change_is_seen_by_every_worker(
    coordinator: Client, calendar: Client, feed: str, facts: dict
) -> None:
    print("(a) a change through one worker, seen at once by the others")
    register = f"/admin/sessions/{facts['held']}/register/"
    boards = on_every_worker(lambda: coordinator.get(BOARD), "the board, before")
    before = board_row(boards[0].text, facts["name"])
    on_every_worker(lambda: calendar.get(feed), "the feed, before")
    on_every_worker(lambda: coordinator.get(register), "the register, before")

    marked = coordinator.post(register, {f"mark-{facts['person']}": "present"})
    check(marked.status == 302, f"worker {marked.pid} marked {facts['name']} present (POST {register})")
    edit = f"/admin/sessions/{facts['upcoming']}/edit/"
    fields = form_fields(coordinator.get(edit).text, 'name="cancel_reason"')
    reason = f"Topologitest {secrets.token_hex(4)}"
    cancelled = coordinator.post(edit, fields | {"status": "cancelled", "cancel_reason": reason})
    check(
        cancelled.status == 302, f"worker {cancelled.pid} cancelled session {facts['upcoming']} ({reason!r})"
    )

    qualify = "/admin/competence/qualifications/new/"
    fields = form_fields(coordinator.get(qualify).text, 'name="issued_on"')
    today = datetime.date.fromisoformat(facts["today"])
    pledge = {"person": facts["person"], "type": facts["pledge"], "issued_on": facts["today"]}
    pledge["expires_on"] = (today + datetime.timedelta(days=365)).isoformat()
    added = coordinator.post(qualify, fields | pledge)
    check(added.status == 302, f"worker {added.pid} added the pledge (Tystnadslöfte) to {facts['name']}")

    mark = re.compile(rf'name="mark-{facts["person"]}" value="present" checked')
    for page in on_every_worker(lambda: coordinator.get(register), "the register, after"):
        check(
            page.status == 200 and bool(mark.search(page.text)),
            f"worker {page.pid}'s register shows the mark",
        )
    rows = {
        page.pid: board_row(page.text, facts["name"])
        for page in on_every_worker(lambda: coordinator.get(BOARD), "the board, after")
    }
    print(f"  board row before: {before!r}")
    print(f"  board row after:  {next(iter(rows.values()))!r}")
    check(
        len(set(rows.values())) == 1 and before not in rows.values(),
        f"every worker's board shows the change {sorted(rows)}",
    )
    feeds = on_every_worker(lambda: calendar.get(feed), "the feed, after")
    for answer in feeds:
        check(
            answer.status == 200 and reason in unfolded(answer),
            f"worker {answer.pid}'s feed has the cancellation",
        )
    prove_one_etag(feeds)


def prove_one_etag(feeds: list[Response]) -> None:
    print("(b) a feed's ETag from every worker")
    etags = {answer.pid: answer.headers.get("ETag") for answer in feeds}
    for pid, etag in sorted(etags.items()):
        print(f"  worker {pid}: ETag {etag}")
    check(len(set(etags.values())) == 1 and None not in etags.values(), "one ETag from all workers")


def prove_a_lockout_holds_everywhere(port: int, log: Path, email: str, password: str) -> None:
    print("(c) failed logins over the workers lock the account on every worker")
    attacker = Client(port, log, address=ATTACKER_ADDRESS)
    attacker.get("/accounts/login/")

    # Four at once, so that busy workers leave them to the others; then the fifth.
    def fail(attempt: int) -> tuple[int, int]:
        client = Client(port, log, address=ATTACKER_ADDRESS, cookies=dict(attacker.cookies))
        response = client.post("/accounts/login/", {"username": email, "password": f"wrong-{attempt}"})
        return response.pid, response.status

    with ThreadPoolExecutor(max_workers=4) as pool:
        counted = list(pool.map(fail, range(1, 5)))
    counted.append(fail(5))
    print(f"  five wrong passwords for {email}: (worker, status) {counted}")
    workers = sorted({pid for pid, _ in counted})
    check(len(workers) > 1, f"the failures were counted by workers {workers}")
    check(counted[-1][1] == 429, "the fifth failure locks the account at that address")
    for answer in on_every_worker(
        lambda: attacker.post("/accounts/login/", {"username": email, "password": password}),
        "the right password",
    ):
        check(answer.status == 429, f"worker {answer.pid} refuses the right password (429)")


def prove_redis_outage_degrades(stack: Stack, coordinator: Client, calendar: Client, feed: str) -> None:
    print("(d) redis-server stopped: not ready, still serving; back: ready again")
    anonymous = Client(stack.port, stack.log)
    health = anonymous.get("/healthz")
    check(health.status == 200 and health.body == b"ok", "/healthz answers ok")
    check(anonymous.get("/readyz").status == 200, "/readyz is 200 with Redis up")
    stack.redis.stop()
    stopped = time.monotonic()
    for answer in on_every_worker(lambda: anonymous.get("/readyz"), "/readyz, Redis stopped"):
        checks = json.loads(answer.body)["checks"]
        check(answer.status == 503 and checks["cache"] != "ok", f"worker {answer.pid}: 503 {checks}")
    for what, client, path in (
        ("/", anonymous, "/"),
        ("the board", coordinator, BOARD),
        ("the feed", calendar, feed),
    ):
        for answer in on_every_worker(
            lambda client=client, path=path: client.get(path), f"{what}, Redis stopped"
        ):
            check(answer.status == 200, f"worker {answer.pid} answers {what} (200)")
    stack.redis.start()
    print(f"  redis-server restarted after {time.monotonic() - stopped:.1f} s")
    restarted, ready = time.monotonic(), set()
    while len(ready) < WORKERS and time.monotonic() - restarted < 30:
        answer = anonymous.get("/readyz")
        if answer.status == 200:
            ready.add(answer.pid)
        time.sleep(0.1)
    check(
        len(ready) == WORKERS,
        f"/readyz is 200 again on workers {sorted(ready)} within {time.monotonic() - restarted:.1f} s",
    )
    said = [
        json.loads(line)
        for line in stack.log.read_text().splitlines()
        if '"logger": "jour_core.cache"' in line
    ]
    for line in said:
        print(f"  worker {line['pid']} logged: {line['message']}")
    down = {line["pid"] for line in said if line["message"].startswith("cache unavailable")}
    check(down == set(ready), "each worker logged the outage (once a minute at most) and its end")
    check(stack.redis.password not in stack.log.read_text(), "no log line names Redis's password")


def prove_https_is_required(port: int, log: Path) -> None:
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    connection.request("GET", "/", headers={"Host": HOST})
    answer = connection.getresponse()
    check(
        answer.status == 301 and answer.getheader("Location", "").startswith("https://"),
        "plain HTTP is redirected to HTTPS",
    )


NGINX_MAIN = """worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{}}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/site.conf;
}}
"""


def nginx_site(stack: Stack, http_port: int, https_port: int) -> str:
    """deploy/nginx.conf for this run: its ports, certificate, static directory and gunicorn."""
    site = (DEPLOY / "nginx.conf").read_text()
    replacements = {
        "/etc/letsencrypt/live/jour.example.org": str(stack.tmp / "tls"),
        "listen 443 ssl http2;": f"listen {HOST}:{https_port} ssl http2;",
        "listen 80;": f"listen {HOST}:{http_port};",
        "/srv/jour/static_collected/": str(stack.tmp / "static") + "/",
        "server 127.0.0.1:8000": f"server {HOST}:{stack.port}",
        "server_name jour.example.org;": f"server_name {HOST};",
    }
    for old, new in replacements.items():
        check_quiet(old in site, f"deploy/nginx.conf has {old!r}")
        site = site.replace(old, new)
    return "\n".join(line for line in site.splitlines() if "listen [::]" not in line)


def start_nginx(stack: Stack) -> tuple[int, int]:
    # nginx's workers run as another user (nobody) when it is started as root, as in
    # production (www-data): they must be able to read the static files.
    stack.tmp.chmod(0o755)
    tls = stack.tmp / "tls"
    tls.mkdir()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={HOST}",
         "-keyout", str(tls / "privkey.pem"), "-out", str(tls / "fullchain.pem")],
        check=True,
        capture_output=True,
    )  # fmt: skip
    http_port, https_port = free_port(), free_port()
    (stack.tmp / "site.conf").write_text(nginx_site(stack, http_port, https_port))
    (stack.tmp / "nginx.conf").write_text(NGINX_MAIN.format(tmp=stack.tmp))
    config = ["-c", str(stack.tmp / "nginx.conf"), "-p", str(stack.tmp)]
    subprocess.run(["nginx", "-t", *config], check=True, capture_output=True)
    subprocess.run(["nginx", *config], check=True)
    stack.nginx_config = config
    return http_port, https_port


def through_nginx(port: int, path: str, tls: bool = True, **headers: str) -> tuple[int, dict, bytes]:
    if tls:
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        connection = http.client.HTTPSConnection(HOST, port, timeout=30, context=context)
    else:
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
    connection.request("GET", path, headers={"Host": HOST, **headers})
    answer = connection.getresponse()
    result = answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    connection.close()
    return result


def prove_nginx_in_front(stack: Stack, feed: str) -> None:
    """(e): deploy/nginx.conf in front of the workers, as the guide sets it up."""
    http_port, https_port = start_nginx(stack)
    print(f"  nginx from deploy/nginx.conf on {HOST}:{http_port} and :{https_port}")
    status, headers, _ = through_nginx(http_port, "/", tls=False)
    check(status == 301 and headers["location"].startswith("https://"), "nginx redirects plain HTTP")
    status, headers, _ = through_nginx(https_port, "/")
    request_id = headers.get("x-request-id", "")
    check(
        status == 200 and re.fullmatch(r"[0-9a-f]{32}", request_id) is not None,
        f"a page comes through nginx with nginx's request id {request_id}",
    )
    check(pid_of(stack.log, request_id) > 0, "a worker logged that request id")
    check("strict-transport-security" in headers, "HTTPS as Django sees it: HSTS is sent")
    check(through_nginx(https_port, "/readyz")[0] == 200, "/readyz through nginx from the machine itself")
    manifest = json.loads((stack.tmp / "static" / "staticfiles.json").read_text())["paths"]
    hashed = manifest["wagtailadmin/js/core.js"]
    status, headers, body = through_nginx(https_port, f"/static/{hashed}", **{"Accept-Encoding": "gzip"})
    check(
        status == 200
        and headers.get("content-encoding") == "gzip"
        and "immutable" in headers.get("cache-control", ""),
        f"/static/{hashed} from disk, gzip, cached for a year ({status}, {len(body)} bytes)",
    )
    status, headers, _ = through_nginx(https_port, feed, **{"Accept-Encoding": "gzip"})
    check(status == 200 and headers.get("content-encoding") == "gzip", "a feed through nginx, compressed")


def run(stack: Stack) -> None:
    print(f"Setting up as deploy/ says, in {stack.tmp}")
    stack.create_database()
    stack.redis.start()
    stack.manage("migrate", "--noinput")
    seeded = stack.manage("seed_demo")
    password = re.search(r"password for all: (\S+)\)", seeded)[1]
    stack.manage("collectstatic", "--noinput")
    facts = json.loads(stack.manage("shell", "-c", LOOKUP).strip().splitlines()[-1])
    feed = urllib.parse.urlsplit(stack.manage("calendar_url", "--email", facts["email"]).strip()).path
    stack.start("jour-worker.service")
    stack.start("jour-web.service")
    stack.wait_until_serving()
    prove_https_is_required(stack.port, stack.log)
    coordinator = Client(stack.port, stack.log)
    sign_in_coordinator(coordinator, "samordnare@example.org", password)
    calendar = Client(stack.port, stack.log, address="192.0.2.50")
    prove_a_change_is_seen_by_every_worker(coordinator, calendar, feed, facts)
    prove_a_lockout_holds_everywhere(stack.port, stack.log, "volontar2@example.org", password)
    prove_redis_outage_degrades(stack, coordinator, calendar, feed)
    if shutil.which("nginx"):
        prove_nginx_in_front(stack, feed)
    elif os.environ.get("CI"):
        raise Failure("nginx is missing (CI installs it)")
    else:
        print("  (nginx is not installed: deploy/nginx.conf not tried)")


def main() -> int:
    admin_url = os.environ.get("DATABASE_URL", "")
    if not admin_url.startswith("postgres"):
        print("The topology test needs DATABASE_URL: a PostgreSQL server it may create a database on.")
        return 2
    if not available():
        print("The topology test needs redis-server (apt-get install redis-server).")
        return 2
    with tempfile.TemporaryDirectory(prefix="jour-topology-") as tmp:
        stack = Stack(Path(tmp), admin_url)
        try:
            run(stack)
        except Exception as error:
            print(f"\nFAILED: {error}")
            print("The last lines of the servers' log:")
            print("\n".join(stack.log.read_text(errors="replace").splitlines()[-40:]))
            return 1
        finally:
            stack.stop()
            stack.drop_database()
    print("\nThe production topology: all proofs passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
