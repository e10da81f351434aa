"""Periodic content jobs (Celery beat)."""
from datetime import timedelta

SCHEDULES = {
    # Go-live and expiry times set in the CMS take effect within five minutes.
    "content-publish-scheduled": {
        "task": "content.publish_scheduled",
        "schedule": timedelta(minutes=5),
        "per_tenant": True,
    },
}
