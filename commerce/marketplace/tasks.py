"""Celery tasks of the marketplace (run inside the tenant schema they were enqueued for)."""
import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="marketplace.request_due_payouts")
def request_due_payouts() -> int:
    """A payout (`payout.requested` → VendorPayout) for every vendor with a payable balance."""
    from commerce.marketplace.services import request_due_payouts as request

    payouts = request()
    if payouts:
        logger.info("requested %d vendor payouts", len(payouts))
    return len(payouts)
