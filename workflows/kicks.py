"""Sending the relay and run tasks to the broker — best effort, never failing or stalling the caller.

The database is the source of truth: a task that cannot be sent (Redis down, broker restarted and
its queues lost) only delays the work until the beat sweeps find it (pending events, due runs).
So sending gives up fast — one connection attempt with a short timeout — and after a failure
stops trying for `WORKFLOW_KICK_COOLDOWN` seconds, so an outage costs a web request at most one
short attempt instead of Celery's connection retries.
"""
import logging
import time
from dataclasses import dataclass

from cityos import logging as log_context
from cityos.tasks import CORRELATION_HEADER, TENANT_HEADER
from workflows import conf

logger = logging.getLogger("cityos.workflows")

_blocked_until = 0.0


@dataclass(frozen=True)
class Kick:
    task_name: str
    args: tuple = ()
    schema: str = "public"
    countdown: float | None = None


def _publish(kicks: list[Kick]) -> int:
    from cityos.celery import app

    correlation_id = log_context.correlation_id()
    queue_options = conf.task_options()
    with app.pool.acquire(block=True, timeout=1) as conn:
        try:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=1)
            producer = app.amqp.Producer(conn, auto_declare=False)
            for kick in kicks:
                options = dict(queue_options)
                if kick.countdown:
                    options["countdown"] = kick.countdown
                headers = {TENANT_HEADER: kick.schema}
                if correlation_id:
                    headers[CORRELATION_HEADER] = correlation_id
                app.send_task(kick.task_name, args=kick.args, headers=headers, producer=producer, retry=False,
                              ignore_result=True, **options)
        except Exception:
            conn.close()  # a half-dead pooled connection must not be reused as is
            raise
    return len(kicks)


def send(kicks: list[Kick]) -> int:
    """Send the tasks; returns how many were sent (0 when the broker is unreachable)."""
    global _blocked_until
    if not kicks:
        return 0
    if time.monotonic() < _blocked_until:
        return 0
    try:
        return _publish(kicks)
    except Exception as exc:  # the sweeps recover whatever was not sent
        _blocked_until = time.monotonic() + conf.get("WORKFLOW_KICK_COOLDOWN")
        logger.warning("could not reach the broker (%s: %s); the beat sweeps will pick the work up",
                       type(exc).__name__, exc)
        return 0


def reset_cooldown() -> None:
    global _blocked_until
    _blocked_until = 0.0


def kick_relay() -> int:
    return send([Kick("workflows.relay_outbox")])


def kick_runs(runs, countdown: float | None = None) -> int:
    """`runs`: (workflow_id, tenant_schema) pairs; one task each (best latency, most parallelism).

    A backlog (more than two chunks' worth, as when the relay drains many events at once) is
    sent in chunks of WORKFLOW_KICK_CHUNK runs per task instead: publishing a task costs more than
    the relay spends on an event, and a chunk still spreads over the workers."""
    runs = list(runs)
    chunk = max(1, conf.get("WORKFLOW_KICK_CHUNK"))
    if countdown is None and len(runs) > 2 * chunk:
        kicks = []
        for start in range(0, len(runs), chunk):
            part = runs[start:start + chunk]
            kicks.append(Kick("workflows.advance_many", ([workflow_id for workflow_id, _ in part],), part[0][1]))
        return send(kicks) and len(runs)
    return send([Kick("workflows.advance", (workflow_id,), schema, countdown) for workflow_id, schema in runs])
