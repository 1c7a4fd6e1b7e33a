import datetime

import pytest

from courses.attendance import enrol
from tests.factories import PersonFactory, make_course, make_run

#: A Thursday; a run's eight weekly sessions from here end 2026-04-23, all in the past.
FIRST = datetime.date(2026, 3, 5)
#: A Thursday after the suite's frozen moment (tests/conftest.py): a run from here has every
#: session to come, at 18:00.
COMING = datetime.date(2026, 12, 3)


@pytest.fixture
def course(org_a):
    """The study circle of organisation A: eight units of 2.5 hours, every unit counts."""
    return make_course(org_a)


@pytest.fixture
def run(course):
    return make_run(course, FIRST, title="Studiecirkel VT 2026")


@pytest.fixture
def coming_anna(org_a):
    return PersonFactory(first_name="Anna", last_name="Ahl", email="anna@example.org", organisation=org_a)


@pytest.fixture
def coming_run(org_a, coming_anna):
    """A run of organisation A whose sessions are all to come, with Anna enrolled (apologies,
    check-in)."""
    run = make_run(make_course(org_a), COMING, title="Studiecirkel VT 2027")
    enrol(run, [coming_anna])
    return run


@pytest.fixture
def coming_session(coming_run):
    return coming_run.sessions.order_by("starts_at").first()
