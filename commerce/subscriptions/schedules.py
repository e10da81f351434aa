"""Subscription jobs (Celery beat)."""
from datetime import timedelta

SCHEDULES = {
    "commerce-expire-subscriptions": {
        "task": "commerce.expire_subscriptions",
        "schedule": timedelta(hours=1),
        "per_tenant": True,
    },
}
