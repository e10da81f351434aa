"""Celery tasks of inventory (run inside the tenant schema they were enqueued for)."""
import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="commerce.release_expired_reservations")
def release_expired_reservations() -> int:
    """Give back the stock of abandoned checkouts whose holds expired."""
    from commerce.inventory.services import release_expired

    released = release_expired()
    if released:
        logger.info("released %d reserved units of expired checkouts", released)
    return released
