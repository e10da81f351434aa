"""Tunables of the outbox relay and the engine.

Each is read at use time from Django settings when set there (tests override them with the
`settings` fixture), otherwise from the environment variable of the same name, otherwise the
default below. Worker processes started by tests receive them as environment variables.
"""
import os

from django.conf import settings

_DEFAULTS = {
    # Celery queue of the relay/engine tasks; empty = Celery's default queue.
    "WORKFLOW_TASK_QUEUE": "",
    # Beat intervals (seconds) of the outbox sweep and of the due-run sweep.
    "WORKFLOW_RELAY_INTERVAL": 2.0,
    "WORKFLOW_SWEEP_INTERVAL": 2.0,
    # Events claimed per relay transaction, and batches per relay task before it re-queues itself.
    "WORKFLOW_RELAY_BATCH": 200,
    "WORKFLOW_RELAY_MAX_BATCHES": 25,
    # Backoff of an event whose dispatch failed: base * 2^(retry-1), capped.
    "WORKFLOW_OUTBOX_BACKOFF": 2.0,
    "WORKFLOW_OUTBOX_BACKOFF_MAX": 300.0,
    # A step's lease lasts its timeout plus this grace; a run whose lease lapsed is resumed.
    "WORKFLOW_LEASE_GRACE": 30.0,
    "WORKFLOW_STEP_TIMEOUT": 30.0,
    # The sweeper re-sends a run's task only if none was sent in the last this-many seconds.
    "WORKFLOW_REKICK_AFTER": 30.0,
    # Seconds one task may keep executing a run before yielding the worker (it re-queues the run).
    "WORKFLOW_TASK_BUDGET": 60.0,
    # After a failed attempt to reach the broker, skip further attempts for this long (the sweeps
    # pick the work up): a Redis outage must not slow every request down.
    "WORKFLOW_KICK_COOLDOWN": 5.0,
    # Runs per task when a backlog of runs is kicked at once (see kicks.kick_runs).
    "WORKFLOW_KICK_CHUNK": 10,
    # Retry delays shorter than this are scheduled as a delayed task; longer ones by the sweeper.
    "WORKFLOW_COUNTDOWN_MAX": 60.0,
    "WORKFLOW_SIGNAL_RETENTION_DAYS": 30,
    "WORKFLOW_HISTORY_KEEP": 20,
    # Extra modules holding workflow definitions (comma separated), imported at start-up.
    "WORKFLOW_MODULES": "",
}


def get(name: str):
    default = _DEFAULTS[name]
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name)
    if value is None or value == "":
        return default
    if isinstance(default, bool):
        return str(value).lower() in ("1", "true", "yes", "on")
    if isinstance(default, int) and not isinstance(default, bool):
        return int(value)
    if isinstance(default, float):
        return float(value)
    return value


def task_options() -> dict:
    queue = get("WORKFLOW_TASK_QUEUE")
    return {"queue": queue} if queue else {}
