"""Beat jobs of the marketplace: the daily payout run (seeds 003 §4.3.2 WF-010 "Scheduled (daily)")."""
from celery.schedules import crontab

SCHEDULES = {
    "marketplace-request-payouts": {
        "task": "marketplace.request_due_payouts",
        "schedule": crontab(hour=3, minute=0),
        "per_tenant": True,
    },
}
