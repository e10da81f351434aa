"""GET /health: database, Redis and Celery worker status, plus one entry per external adapter.

200 when the platform can serve (database, Redis and at least one worker up), otherwise 503 with
`failing` naming the parts that are down. Adapters are reported but do not fail the check: an
ERPNext outage degrades the platform (work queues up in the outbox), it does not stop it.
"""
import time

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse

from integrations import registry as adapter_registry

WORKER_KEY_PREFIX = "cityos:worker:"


def redis_client(url: str | None = None) -> redis.Redis:
    return redis.Redis.from_url(url or settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)


def _timed(check):
    started = time.perf_counter()
    try:
        detail = check() or {}
        return {"ok": True, "latency_ms": round((time.perf_counter() - started) * 1000, 2), **detail}
    except Exception as exc:  # a health check reports every failure rather than raising it
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _redis():
    redis_client().ping()


def _workers():
    keys = sorted(k.decode() for k in redis_client().scan_iter(f"{WORKER_KEY_PREFIX}*"))
    workers = [k[len(WORKER_KEY_PREFIX):] for k in keys]
    if not workers:
        raise RuntimeError("no Celery worker has sent a heartbeat in the last "
                           f"{settings.WORKER_HEARTBEAT_TTL} s")
    return {"workers": workers}


def health_view(request):
    checks = {"database": _timed(_database), "redis": _timed(_redis)}
    checks["celery"] = _timed(_workers) if checks["redis"]["ok"] else {
        "ok": False, "error": "unknown: Redis is unreachable"}
    failing = [name for name, result in checks.items() if not result["ok"]]
    adapters = adapter_registry.health_report()
    degraded = [name for name, result in adapters.items() if not result.get("healthy", True)]
    body = {
        "status": "fail" if failing else ("degraded" if degraded else "ok"),
        "failing": failing,
        "checks": checks,
        "adapters": adapters,
    }
    return JsonResponse(body, status=503 if failing else 200)
