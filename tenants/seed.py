"""The last step of the demo city: the platform's jobs run once over the demo data.

For each demo tenant, the workflows its seeded events started — the CMS push, the product
content sync, the purchases of bookings and subscriptions, the POI revenue refresh — are run to
the end (relayed and driven here, as a worker would), then every POI's commerce summary and the
day's snapshot are taken (the 01:00 UTC job); last month's platform-commission invoices are
issued (the 1st-of-month job). Running it again changes nothing.
"""
import time

from django_tenants.utils import schema_context

from content.revenue import snapshot
from tenants import billing
from tenants.demo import DEMO_TENANTS
from tenants.models import Tenant

ORDER = 90
SETTLED_WORKFLOWS = ("CMSCommercePush", "ProductCatalogSync", "ProductCMSSync", "ProductPurchase",
                     "ProductPurchaseCancellation", "POIRevenueRefresh")
SETTLE_SECONDS = 60


def settle_workflows(tenant, *, types=SETTLED_WORKFLOWS, timeout: float = SETTLE_SECONDS) -> int:
    """Relay the tenant's outbox and drive its runs of `types` until none is left to do (a run a
    running worker holds is waited for). Returns how many runs finished here."""
    from workflows import engine, relay
    from workflows.models import FINAL_STATUSES, WorkflowRun

    deadline, finished = time.monotonic() + timeout, 0
    while time.monotonic() < deadline:
        relay.process_outbox(tenant_schema=tenant.schema_name)
        open_runs = list(WorkflowRun.objects.filter(tenant_schema=tenant.schema_name, workflow_type__in=types)
                         .exclude(status__in=FINAL_STATUSES).values_list("workflow_id", flat=True))
        if not open_runs:
            break
        waiting = False
        for workflow_id in open_runs:
            outcome = engine.advance(workflow_id)
            finished += outcome in FINAL_STATUSES
            waiting |= outcome == "busy"
        if waiting:
            time.sleep(0.2)  # leased by a worker, or waiting for its retry: give it a moment
    return finished


def seed_platform(ctx):
    tenants = list(Tenant.objects.filter(slug__in=[demo.slug for demo in DEMO_TENANTS]).order_by("slug"))
    for tenant in tenants:
        with schema_context(tenant.schema_name):
            runs = settle_workflows(tenant)
            pois = snapshot()
        ctx.say(f"  {tenant.slug}: {runs} workflow run(s) finished, {pois} POI commerce summar"
                f"{'y' if pois == 1 else 'ies'} and today's snapshot")
    period = billing.Period.previous()
    run = billing.generate_monthly_invoices(period, tenants=tenants)
    ctx.say(f"  platform invoices for {period}: {len(run.created)} issued, {len(run.existing)} already there")
    ctx.notes.append(f"Platform invoices for {period}: http://localhost:8000/admin/api/platform/invoices "
                     f"(Bearer ADMIN_API_TOKEN) and the platform admin")
