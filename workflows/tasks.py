"""Celery tasks of the outbox relay and the engine. Every body is idempotent (acks_late: a task
of a killed worker may run again); the database decides what is left to do."""
import logging

from celery import shared_task
from django_tenants.utils import get_public_schema_name, schema_context

from workflows import conf, engine, kicks, relay, services, sweeper

logger = logging.getLogger("cityos.workflows")


@shared_task(name="workflows.relay_outbox", acks_late=True, ignore_result=True)
def relay_outbox() -> dict:
    """Relay due outbox events (kicked after commit by `emit`, and by beat)."""
    with schema_context(get_public_schema_name()):
        counts = relay.process_outbox(max_batches=conf.get("WORKFLOW_RELAY_MAX_BATCHES"))
        if counts["batches"] >= conf.get("WORKFLOW_RELAY_MAX_BATCHES") and relay.more_due():
            kicks.kick_relay()  # yield the worker, continue in a fresh task
    return counts


@shared_task(name="workflows.advance", acks_late=True, ignore_result=True)
def advance(workflow_id: str) -> str:
    """Drive one run until it parks or finishes."""
    return engine.advance(workflow_id)


@shared_task(name="workflows.advance_many", acks_late=True, ignore_result=True)
def advance_many(workflow_ids: list[str]) -> dict:
    """Drive several runs one after the other (a chunk of a backlog; see kicks.kick_runs)."""
    outcomes = {}
    for workflow_id in workflow_ids:
        try:
            outcomes[workflow_id] = engine.advance(workflow_id)
        except Exception:  # one broken run must not hold up the rest of the chunk
            logger.exception("advancing %s failed", workflow_id)
            outcomes[workflow_id] = "error"
    return outcomes


@shared_task(name="workflows.resume_due_runs", acks_late=True, ignore_result=True)
def resume_due_runs() -> int:
    with schema_context(get_public_schema_name()):
        return sweeper.resume_due_runs()


@shared_task(name="workflows.start_scheduled", acks_late=True, ignore_result=True)
def start_scheduled(workflow_type: str) -> int:
    with schema_context(get_public_schema_name()):
        return len(services.start_scheduled(workflow_type))


@shared_task(name="workflows.prune_signals", ignore_result=True)
def prune_signals() -> int:
    with schema_context(get_public_schema_name()):
        return sweeper.prune_signals()
