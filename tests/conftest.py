import datetime
import logging
import os
import zoneinfo

import pytest
import time_machine
from django.core.cache import cache

from people.permissions import BOARD_GROUP, COORDINATORS_GROUP
from tests.factories import OrganisationFactory, PersonFactory
from tests.readme_recipe import build_venv, pypi_reachable

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")

#: Every test runs on a clock frozen at a fixed moment (it then ticks on from there), so that no
#: test depends on the day or hour the suite runs. Tests marked ``awkward_moments`` run once at
#: each of the moments below: where a rule about dates or the demo's "now" could slip.
DEFAULT_MOMENT = datetime.datetime(2026, 11, 25, 14, 0, tzinfo=STOCKHOLM)  # a Wednesday afternoon
AWKWARD_MOMENTS = {
    # The evening session's day, before it starts and while it runs.
    "thursday-10.00": datetime.datetime(2026, 11, 26, 10, 0, tzinfo=STOCKHOLM),
    "thursday-20.00": datetime.datetime(2026, 11, 26, 20, 0, tzinfo=STOCKHOLM),
    # The Sunday clocks go back: 02:30 happens twice; this is the first, in summer time.
    "dst-sunday-02.30": datetime.datetime(2026, 10, 25, 0, 30, tzinfo=datetime.UTC),
    # The spring Sunday: 02:00-03:00 does not exist; noon is 23 hours after midnight.
    "dst-spring-sunday-12.00": datetime.datetime(2026, 3, 29, 12, 0, tzinfo=STOCKHOLM),
    "new-years-eve-23.30": datetime.datetime(2026, 12, 31, 23, 30, tzinfo=STOCKHOLM),
}


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "awkward_moments: run the test once at each moment of tests.conftest.AWKWARD_MOMENTS"
    )


def pytest_generate_tests(metafunc):
    if metafunc.definition.get_closest_marker("awkward_moments"):
        metafunc.fixturenames.append("moment")
        metafunc.parametrize("moment", list(AWKWARD_MOMENTS.values()), ids=list(AWKWARD_MOMENTS))


@pytest.fixture(autouse=True)
def clock(request):
    """The frozen clock: ``DEFAULT_MOMENT``, or the test's ``moment`` (``awkward_moments``).
    Yields the traveller, so a test can ``clock.shift(...)`` or ``clock.move_to(...)``."""
    moment = request.node.callspec.params.get("moment") if hasattr(request.node, "callspec") else None
    with time_machine.travel(moment or DEFAULT_MOMENT, tick=True) as traveller:
        yield traveller


@pytest.fixture
def moment(request):
    return request.param


@pytest.fixture(autouse=True)
def _clear_cache():
    """Wagtail caches the site root paths; each test starts from a clean cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def audit_log(caplog):
    """The audit log's lines (jour_core/audit.py): its logger does not propagate (it has its own
    handler), so it is listened to directly. ``[r.getMessage() for r in audit_log.records]``."""
    logger = logging.getLogger("audit")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="audit")
    yield caplog
    logger.removeHandler(caplog.handler)


@pytest.fixture
def org_a(db):
    return OrganisationFactory(slug="jour-a", name="Kvinnojouren A")


@pytest.fixture
def org_b(db):
    return OrganisationFactory(slug="jour-b", name="Tjejjouren B")


@pytest.fixture
def coordinator_a(org_a):
    return PersonFactory(
        email="coord-a@example.org", organisation=org_a, group_staff=True, roles=[COORDINATORS_GROUP]
    )


@pytest.fixture
def coordinator_b(org_b):
    return PersonFactory(
        email="coord-b@example.org", organisation=org_b, group_staff=True, roles=[COORDINATORS_GROUP]
    )


@pytest.fixture
def board_a(org_a):
    return PersonFactory(
        email="board-a@example.org", organisation=org_a, group_board=True, roles=[BOARD_GROUP]
    )


@pytest.fixture
def volunteer_a(org_a):
    return PersonFactory(email="vol-a@example.org", organisation=org_a)


@pytest.fixture
def superuser(db):
    return PersonFactory(email="root@example.org", organisation=None, is_superuser=True)


def pytest_report_header(config):
    import django
    import wagtail
    from django.conf import settings

    database = settings.DATABASES["default"]
    return [
        f"database: {database['ENGINE'].rsplit('.', 1)[-1]} ({database.get('HOST') or database['NAME']})",
        f"Django {django.get_version()}, Wagtail {wagtail.__version__}",
    ]


@pytest.fixture(scope="session")
def plugin_venv(tmp_path_factory):
    """A virtual environment where the README's install block has run (the wheel of this
    checkout and its requirements from PyPI): built once per session, shared by the tests that
    install the plugins into a site. Without PyPI it skips, except in CI."""
    if not os.environ.get("CI") and not pypi_reachable():
        pytest.skip("needs PyPI (runs in CI, which has it)")
    return build_venv(tmp_path_factory.mktemp("plugin-venv"))
