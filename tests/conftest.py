import pytest
from django.core.cache import cache

from people.permissions import BOARD_GROUP, COORDINATORS_GROUP
from tests.factories import OrganisationFactory, PersonFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    """Wagtail caches the site root paths; each test starts from a clean cache."""
    cache.clear()
    yield
    cache.clear()


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
    from django.conf import settings

    database = settings.DATABASES["default"]
    return f"database: {database['ENGINE'].rsplit('.', 1)[-1]} ({database.get('HOST') or database['NAME']})"
