"""The browser tests' doorway (tests/browser/doorway.py): between two tests no request reaches
Django, and shutting waits for the ones already inside."""

import threading
import time

import pytest

from tests.browser.doorway import Doorway


def call(doorway: Doorway, path: str = "/") -> tuple[str, bytes]:
    statuses = []
    body = doorway({"PATH_INFO": path}, lambda status, headers: statuses.append(status))
    content = b"".join(body)
    if hasattr(body, "close"):
        body.close()
    return statuses[0], content


def test_an_open_doorway_passes_requests_through():
    doorway = Doorway(lambda environ, start: (start("200 OK", []), [environ["PATH_INFO"].encode()])[1])
    assert call(doorway, "/mitt/") == ("200 OK", b"/mitt/")
    assert doorway.in_flight == 0


def test_a_shut_doorway_turns_requests_away_until_it_opens():
    reached = []
    doorway = Doorway(lambda environ, start: (reached.append(1), start("200 OK", []), [b"ok"])[2])
    doorway.shut()
    assert call(doorway)[0] == "503 Service Unavailable"
    assert reached == []
    doorway.open()
    assert call(doorway) == ("200 OK", b"ok")


def test_shutting_waits_for_the_request_inside_to_be_closed():
    inside, release = threading.Event(), threading.Event()
    closed: list[float] = []

    class Body(list):
        def close(self):
            closed.append(time.monotonic())

    def app(environ, start):
        inside.set()
        release.wait(5)
        start("200 OK", [])
        return Body([b"ok"])

    doorway = Doorway(app)
    served = threading.Thread(target=call, args=(doorway,))
    served.start()
    assert inside.wait(5)
    threading.Timer(0.2, release.set).start()
    doorway.shut()
    shut_at = time.monotonic()
    served.join(5)
    assert closed and closed[0] <= shut_at
    assert doorway.in_flight == 0


def test_shutting_names_a_request_that_never_ends():
    inside, release = threading.Event(), threading.Event()

    def app(environ, start):
        inside.set()
        release.wait(5)
        start("200 OK", [])
        return [b"ok"]

    doorway = Doorway(app)
    served = threading.Thread(target=call, args=(doorway,))
    served.start()
    assert inside.wait(5)
    with pytest.raises(AssertionError, match="1 request"):
        doorway.shut(timeout=0.1)
    release.set()
    served.join(5)
