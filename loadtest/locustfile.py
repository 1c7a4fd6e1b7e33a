"""Locust scenarios for ``make load`` (run by ``loadtest/run.py`` against a local gunicorn).

Volunteers log in, open *Min utbildning* and fetch their calendar feed (the link is read from
the page), then fetch it again with ``If-None-Match``, which must be answered 304. Coordinators
and board members log in and open the admin's start page, the clearance board and the
competence report. Every unexpected status, redirect to a login or two-factor screen, or page
without its expected content counts as a failure.
"""

from __future__ import annotations

import html
import os
import random
import re

from locust import HttpUser, between, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "jourdemo-2026")
VOLUNTEERS = ["volontar1@example.org", "volontar2@example.org"]
STAFF = ["samordnare@example.org", "styrelse@example.org"]

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FEED_INPUT = re.compile(r'id="feed-url"[^>]*value="([^"]+)"')


class Member(HttpUser):
    abstract = True
    wait_time = between(0.5, 2)
    logins: list[str] = []
    #: How many users of this process have finished ``on_start`` (their login): loadtest/saturation.py
    #: measures a step only once every user it spawned has.
    started = 0

    def on_start(self) -> None:
        self.email = random.choice(self.logins)  # noqa: S311
        self.login()
        Member.started += 1

    def login(self) -> None:
        with self.client.get("/accounts/login/", name="login (GET)", catch_response=True) as page:
            match = CSRF_INPUT.search(page.text or "")
            if page.status_code != 200 or match is None:
                page.failure(f"login page: status {page.status_code}, CSRF token found: {bool(match)}")
                return
        with self.client.post(
            "/accounts/login/",
            data={"username": self.email, "password": PASSWORD, "csrfmiddlewaretoken": match.group(1)},
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="login (POST)",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or not response.history:
                response.failure(f"login of {self.email}: status {response.status_code}, no redirect")
            elif "/accounts/login/" in response.url or "/konto/" in response.url:
                response.failure(f"login of {self.email} ended on {response.url}")

    def get_page(self, path: str, name: str, must_contain: str | None = None) -> str | None:
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200:
                where = response.headers.get("Location", "")
                response.failure(f"{path}: status {response.status_code} {where}".strip())
                return None
            if must_contain and must_contain not in response.text:
                response.failure(f"{path}: {must_contain!r} not on the page")
                return None
            return response.text


class Volunteer(Member):
    weight = 3
    logins = VOLUNTEERS

    def on_start(self) -> None:
        self.feed_path: str | None = None
        self.etag: str | None = None
        super().on_start()

    @task(3)
    def my_training(self) -> None:
        text = self.get_page("/min-utbildning/", "/min-utbildning/", must_contain='id="feed-url"')
        if text:
            match = FEED_INPUT.search(text)
            if match:
                url = html.unescape(match.group(1))
                self.feed_path = "/" + url.split("://", 1)[-1].split("/", 1)[-1]

    @task(2)
    def calendar_feed(self) -> None:
        if self.feed_path is None:
            self.my_training()
            if self.feed_path is None:
                return
        name = "/kurser/kalender/[token].ics"
        with self.client.get(self.feed_path, name=name, catch_response=True) as response:
            if response.status_code != 200 or "BEGIN:VCALENDAR" not in response.text:
                response.failure(f"feed: status {response.status_code}")
                return
            if not response.headers.get("Content-Type", "").startswith("text/calendar"):
                response.failure(f"feed: content type {response.headers.get('Content-Type')}")
                return
            self.etag = response.headers.get("ETag")
            if not self.etag:
                response.failure("feed: no ETag")
                return
        with self.client.get(
            self.feed_path,
            name=f"{name} (If-None-Match, 304)",
            headers={"If-None-Match": self.etag},
            catch_response=True,
        ) as response:
            if response.status_code != 304:
                response.failure(f"conditional feed request: status {response.status_code}, expected 304")
            elif response.content:
                response.failure("304 with a body")


class Staff(Member):
    weight = 1
    logins = STAFF

    @task(2)
    def admin_home(self) -> None:
        self.get_page("/admin/", "/admin/")

    @task(2)
    def clearance_board(self) -> None:
        self.get_page("/admin/competence/clearance/", "/admin/competence/clearance/")

    @task(1)
    def competence_report(self) -> None:
        self.get_page("/admin/competence/report/", "/admin/competence/report/")
