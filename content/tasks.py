"""Scheduled publishing of a tenant's content (pages, records with go-live or expiry times)."""
import io

from celery import shared_task
from django.core.management import call_command

from cityos.tasks import TenantTask


@shared_task(base=TenantTask, name="content.publish_scheduled")
def publish_scheduled() -> str:
    """Wagtail's `publish_scheduled` in the task's tenant schema: pages and records whose go-live
    time has come are published, expired ones unpublished (records write their events)."""
    out = io.StringIO()
    call_command("publish_scheduled", stdout=out)
    return out.getvalue()


@shared_task(base=TenantTask, name="content.snapshot_poi_revenue")
def snapshot_poi_revenue() -> int:
    """01:00 UTC: every POI's commerce summary and the day's revenue snapshot (task's tenant)."""
    from content.revenue import snapshot

    return snapshot()


@shared_task(base=TenantTask, name="content.refresh_poi_summaries")
def refresh_poi_summaries() -> int:
    """02:00 UTC: every POI's revenue and bookings summary, recomputed (task's tenant)."""
    from content.revenue import refresh_summaries

    return refresh_summaries()
