"""The Celery app: Redis broker, tenant-aware base task, worker heartbeat, beat schedule registry.

Every task defined with `@app.task` (or `shared_task`) uses `cityos.tasks.TenantTask`: it records
the tenant schema and correlation id of whoever enqueued it and runs inside that schema.
Periodic jobs are declared by each app in `<app>/schedules.py` (see `cityos.schedules`).
"""
import os
import socket
import threading

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_ready, worker_shutdown

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cityos.settings")

app = Celery("cityos", task_cls="cityos.tasks:TenantTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _install_beat_schedule(sender, **kwargs):
    from cityos.schedules import collect_schedules

    sender.conf.beat_schedule = collect_schedules()


@task_prerun.connect
@task_postrun.connect
def _close_old_connections(sender=None, **kwargs):
    """Around each task, close the connections that are broken or older than CONN_MAX_AGE — as
    Django does around each request — and keep the others (see CELERY_DB_REUSE_MAX)."""
    from django.db import close_old_connections, connection

    if getattr(getattr(sender, "request", None), "is_eager", False) or connection.in_atomic_block:
        return  # run inline by its caller, inside the caller's transaction
    close_old_connections()


_heartbeat_stop = threading.Event()


def _heartbeat_loop(hostname: str) -> None:
    from django.conf import settings

    from cityos.health import WORKER_KEY_PREFIX, redis_client

    key = f"{WORKER_KEY_PREFIX}{hostname}"
    ttl = settings.WORKER_HEARTBEAT_TTL
    while not _heartbeat_stop.is_set():
        try:
            redis_client().set(key, os.getpid(), ex=ttl)
        except Exception:  # Redis down: /health reports it; keep trying
            pass
        _heartbeat_stop.wait(ttl / 5)


@worker_ready.connect
def _start_heartbeat(sender=None, **kwargs):
    hostname = getattr(sender, "hostname", None) or f"celery@{socket.gethostname()}"
    threading.Thread(target=_heartbeat_loop, args=(hostname,), daemon=True, name="cityos-heartbeat").start()


@worker_shutdown.connect
def _stop_heartbeat(sender=None, **kwargs):
    _heartbeat_stop.set()
    try:
        from cityos.health import WORKER_KEY_PREFIX, redis_client

        hostname = getattr(sender, "hostname", None) or f"celery@{socket.gethostname()}"
        redis_client().delete(f"{WORKER_KEY_PREFIX}{hostname}")
    except Exception:
        pass
