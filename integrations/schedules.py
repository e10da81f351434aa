"""Beat jobs of the integrations layer (seeds 002 §4.4)."""
from celery.schedules import crontab

SCHEDULES = {
    # Failed sync entries are re-attempted within 30 minutes.
    "integrations-retry-failed-syncs": {"task": "integrations.retry_failed_syncs", "schedule": 30 * 60},
    # Recover syncs a crashed worker left behind; check every system's health.
    "integrations-reconcile": {"task": "integrations.reconcile", "schedule": 6 * 60 * 60},
    # Completed sync records and webhook receipts older than 30 days are purged.
    "integrations-purge-completed": {"task": "integrations.purge_completed", "schedule": crontab(hour=3, minute=30)},
    # Sandboxes: deliveries advance and queued webhooks are delivered.
    "integrations-sandbox-tick": {"task": "integrations.sandbox_tick", "schedule": 5.0},
}
