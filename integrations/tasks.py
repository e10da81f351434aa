"""Celery tasks of the integrations layer (run from beat; see `integrations/schedules.py`).

They run in the public schema: sync entries and webhook deliveries name their own tenant, and the
work for each runs inside that tenant's schema.
"""
import logging

from celery import shared_task

from integrations import registry, sync
from integrations.sandbox import webhooks as sandbox_webhooks

logger = logging.getLogger(__name__)


@shared_task(name="integrations.retry_failed_syncs")
def retry_failed_syncs() -> dict:
    counts = sync.retry_due()
    logger.info("retried failed syncs: %s", counts)
    return counts


@shared_task(name="integrations.reconcile")
def reconcile() -> dict:
    return sync.reconcile()


@shared_task(name="integrations.purge_completed")
def purge_completed() -> dict:
    counts = sync.purge_completed()
    logger.info("purged completed integration records: %s", counts)
    return counts


@shared_task(name="integrations.sandbox_tick")
def sandbox_tick() -> dict:
    """Let time pass in the sandboxes: move due deliveries along, deliver queued webhooks."""
    moved = []
    if registry.mode("fleetbase") == "sandbox":
        moved = registry.get("fleetbase").advance_due()
    delivered = sandbox_webhooks.deliver_pending()
    return {"deliveries_advanced": len(moved), "webhooks_delivered": len(delivered)}


@shared_task(name="integrations.circuit_states", ignore_result=False)
def circuit_states() -> dict:
    """Each system's circuit as this worker sees it (diagnostics: the state is shared through Redis)."""
    from integrations.circuit import breaker

    return {system: breaker(system).snapshot() for system in registry.SYSTEMS}
