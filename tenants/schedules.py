"""Platform jobs (Celery beat, UTC)."""
from celery.schedules import crontab

SCHEDULES = {
    # `GET /api/cron/generate-monthly-invoices` (0 0 1 * *, seeds 000 §7): platform-commission billing.
    "platform-generate-monthly-invoices": {
        "task": "tenants.generate_monthly_invoices",
        "schedule": crontab(minute=0, hour=0, day_of_month=1),
    },
}
