"""Periodic content jobs (Celery beat, UTC; seeds 000 §7 for the POI revenue jobs)."""
from datetime import timedelta

from celery.schedules import crontab

SCHEDULES = {
    # Go-live and expiry times set in the CMS take effect within five minutes.
    "content-publish-scheduled": {
        "task": "content.publish_scheduled",
        "schedule": timedelta(minutes=5),
        "per_tenant": True,
    },
    # `GET /api/cron/snapshot-poi-revenue` (0 1 * * *): full revenue snapshot of every POI.
    "content-snapshot-poi-revenue": {
        "task": "content.snapshot_poi_revenue",
        "schedule": crontab(minute=0, hour=1),
        "per_tenant": True,
    },
    # `GET /api/cron/refresh-poi-summaries` (0 2 * * *): revenue and bookings summaries.
    "content-refresh-poi-summaries": {
        "task": "content.refresh_poi_summaries",
        "schedule": crontab(minute=0, hour=2),
        "per_tenant": True,
    },
}
