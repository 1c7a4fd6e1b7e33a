import datetime

import pytest

from tests.factories import make_course, make_run

#: A Thursday; a run's eight weekly sessions from here end 2026-04-23, all in the past.
FIRST = datetime.date(2026, 3, 5)


@pytest.fixture
def course(org_a):
    """The study circle of organisation A: eight units of 2.5 hours, every unit counts."""
    return make_course(org_a)


@pytest.fixture
def run(course):
    return make_run(course, FIRST, title="Studiecirkel VT 2026")
