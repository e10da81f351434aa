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
