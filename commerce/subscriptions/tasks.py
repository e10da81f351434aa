"""Subscription jobs (Celery)."""
from celery import shared_task

from cityos.tasks import TenantTask


@shared_task(base=TenantTask, name="commerce.expire_subscriptions")
def expire_subscriptions() -> int:
    """End the task's tenant's subscriptions whose period is over and that do not renew."""
    from commerce.subscriptions.services import expire_due

    return expire_due()
