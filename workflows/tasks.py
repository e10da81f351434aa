"""Celery tasks of the outbox relay and the engine. Every body is idempotent (acks_late: a task
of a killed worker may run again); the database decides what is left to do."""
from celery import shared_task
from django_tenants.utils import get_public_schema_name, schema_context

from workflows import conf, engine, kicks, relay, services, sweeper


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
