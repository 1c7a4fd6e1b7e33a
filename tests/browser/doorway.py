"""The live server's doorway for the browser tests (conftest.py): see Doorway."""

import threading


class Doorway:
    """The live server's way in: it counts the requests in flight and, between tests, turns new
    ones away before they reach Django.

    A page closed at the end of a test can still have a request on its way: the check-in
    screen's poll, the page editor's ping, a beacon sent as the page unloads. Served after the
    test, such a request writes into the database while it is flushed and put back for the next
    test (on SQLite the live server even shares the test's connection), and that next test fails
    at its set-up. So each test shuts the door and waits for the requests inside to finish.
    """

    def __init__(self, app):
        self.app = app
        self.is_open = True
        self.in_flight = 0
        self.changed = threading.Condition()

    def __call__(self, environ, start_response):
        with self.changed:
            if not self.is_open:
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"Between two tests."]
            self.in_flight += 1
        try:
            result = self.app(environ, start_response)
        except BaseException:
            self.leave()
            raise
        return Leaving(result, self.leave)

    def leave(self) -> None:
        with self.changed:
            self.in_flight -= 1
            self.changed.notify_all()

    def open(self) -> None:
        with self.changed:
            self.is_open = True

    def shut(self, timeout: float = 30) -> None:
        with self.changed:
            self.is_open = False
            if not self.changed.wait_for(lambda: self.in_flight == 0, timeout):
                raise AssertionError(f"{self.in_flight} request(s) still served {timeout} s on")


class Leaving:
    """A response's body that tells the doorway when the server has closed it (Django's
    request_finished runs in that close)."""

    def __init__(self, result, leave):
        self.result, self.leave = result, leave

    def __iter__(self):
        return iter(self.result)

    def close(self) -> None:
        try:
            if hasattr(self.result, "close"):
                self.result.close()
        finally:
            self.leave()
