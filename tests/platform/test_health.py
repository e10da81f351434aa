"""/health reports the database, Redis and Celery workers; 503 names what is down."""
import pytest
from django.conf import settings

from tests.support.processes import RedisServer, wait_for

pytestmark = pytest.mark.django_db


@pytest.mark.worker
def test_health_is_200_with_database_redis_and_a_worker(platform_client, worker):
    response = platform_client.get("/health")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] in ("ok", "degraded")
    assert body["failing"] == []
    assert body["checks"]["database"]["ok"] and body["checks"]["redis"]["ok"]
    assert worker.hostname in body["checks"]["celery"]["workers"]
    assert set(body["adapters"]) == {"stripe", "erpnext", "fleetbase", "waltid"}


def test_health_is_503_naming_redis_when_redis_is_stopped(platform_client, redis_server):
    redis_server.stop()
    try:
        response = platform_client.get("/health")
    finally:
        redis_server.start()
    body = response.json()
    assert response.status_code == 503
    assert "redis" in body["failing"]
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"]["ok"] is False


def test_health_is_503_naming_celery_when_no_worker_is_alive(platform_client, monkeypatch):
    lonely = RedisServer().start()  # a Redis no worker has ever written a heartbeat to
    monkeypatch.setattr(settings, "REDIS_URL", lonely.url())
    try:
        response = platform_client.get("/health")
    finally:
        lonely.close()
    body = response.json()
    assert response.status_code == 503
    assert body["failing"] == ["celery"]
    assert "heartbeat" in body["checks"]["celery"]["error"]


def test_health_is_served_on_tenant_hosts_too(client_a, worker):
    # A Redis restart by an earlier test drops heartbeats until the worker's next beat (≤ 3 s).
    wait_for(lambda: client_a.get("/health").status_code == 200, 20, "a healthy /health on a tenant host")
