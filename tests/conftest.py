"""Session-wide test infrastructure.

- A private redis-server (free port) for the whole session; settings and the Celery app point at
  it, so tests never touch another process's Redis and may stop and restart it.
- The test database (created by pytest-django) gets the platform tenant and two tenants, `alpha`
  and `beta`, provisioned once; tests run inside a transaction that is rolled back (`db`), or with
  committed writes (`live_db`) when another process (a worker, a server) must see them.
- `worker`: a real Celery worker process on the test database, started on first use.
"""
import pytest
from django.conf import settings
from django.db import connection, connections

from cityos.celery import app as celery_app
from tests.support.processes import RedisServer, WorkerProcess, database_url
from tests.support.tenants import PLATFORM_HOST, TEST_TENANTS, host_client, provision_test_tenants


def pytest_collection_modifyitems(items):
    """Database tests may use every alias: the sandbox adapters write through `sandbox`, a
    connection of their own that commits outside the test's transaction, like a real system.

    `live_db` tests are marked too: pytest-django creates the test database only for the aliases
    that marked tests ask for, so a run selecting only `live_db` tests would otherwise write into
    the configured database. `_django_db_marker` below keeps them out of the wrapping transaction.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        fixtures = set(getattr(item, "fixturenames", ()))
        if marker is None and not {"db", "transactional_db", "live_db"} & fixtures:
            continue
        kwargs = dict(marker.kwargs) if marker else {}
        if "databases" not in kwargs:
            kwargs["databases"] = "__all__"
            item.add_marker(pytest.mark.django_db(*(marker.args if marker else ()), **kwargs), append=False)


@pytest.fixture(autouse=True)
def _django_db_marker(request):
    """pytest-django's fixture of this name, except that `live_db` tests commit for real."""
    if "live_db" in request.fixturenames:
        return
    if request.node.get_closest_marker("django_db"):
        request.getfixturevalue("_django_db_helper")


def _point_at_redis(url: str) -> None:
    settings.REDIS_URL = url
    settings.CELERY_BROKER_URL = url
    celery_app.conf.update(broker_url=url, result_backend=url)


@pytest.fixture(scope="session", autouse=True)
def redis_server():
    server = RedisServer().start()
    _point_at_redis(server.url(0))
    yield server
    server.close()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, redis_server):
    from tenants.services import ensure_platform_tenant

    with django_db_blocker.unblock():
        ensure_platform_tenant()
        provision_test_tenants()
        connection.set_schema_to_public()
    yield
    for conn in connections.all():  # the sandbox alias holds its own connection to the test database
        conn.close()


@pytest.fixture(autouse=True)
def _public_schema_between_tests():
    yield
    connection.set_schema_to_public()


@pytest.fixture
def live_db(django_db_setup, django_db_blocker):
    """Database access without a wrapping transaction: writes commit and other processes see them.
    Tests using it create uniquely named data and must not assume empty tables."""
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()


@pytest.fixture
def tenant_a(django_db_setup, django_db_blocker):
    from tenants.models import Tenant

    with django_db_blocker.unblock():
        return Tenant.objects.get(slug="alpha")


@pytest.fixture
def tenant_b(django_db_setup, django_db_blocker):
    from tenants.models import Tenant

    with django_db_blocker.unblock():
        return Tenant.objects.get(slug="beta")


@pytest.fixture
def client_a():
    return host_client(TEST_TENANTS["alpha"])


@pytest.fixture
def client_b():
    return host_client(TEST_TENANTS["beta"])


@pytest.fixture
def platform_client():
    return host_client(PLATFORM_HOST)


@pytest.fixture
def admin_token_headers():
    return {"HTTP_AUTHORIZATION": f"Bearer {settings.ADMIN_API_TOKEN}"}


@pytest.fixture(scope="session")
def test_database_url(django_db_setup):
    return database_url(connection.settings_dict)


@pytest.fixture(scope="session")
def worker(test_database_url, redis_server):
    """A real Celery worker on the test database and the session's Redis (started once)."""
    process = WorkerProcess(database_url=test_database_url, redis_url=redis_server.url(0)).start()
    yield process
    process.stop()
