"""Which tenant an external call or webhook belongs to.

Every object the platform creates in an external system carries the tenant's slug (Stripe
metadata `cityos_tenant`, ERPNext field `cityos_tenant`, Fleetbase order `meta.cityos_tenant`,
the Walt.id status callback's query), so a webhook about it can be routed back to that tenant.
"""
from django.db import connection
from django_tenants.utils import get_public_schema_name

TENANT_KEY = "cityos_tenant"
REFERENCE_KEY = "cityos_reference"


def current_schema() -> str:
    return getattr(connection, "schema_name", None) or get_public_schema_name()


def current_slug() -> str:
    """The slug of the tenant whose schema the connection is in ("public" for the platform)."""
    from workflows.outbox import tenant_slug

    schema = current_schema()
    if schema == get_public_schema_name():
        return "public"
    return tenant_slug(schema)


def schema_for_slug(slug: str | None) -> str | None:
    """The schema of the active tenant `slug`, or None when no such tenant serves."""
    if not slug or not isinstance(slug, str):
        return None
    from tenants.models import Tenant

    return Tenant.objects.serving().filter(slug=slug).values_list("schema_name", flat=True).first()


def with_tenant(metadata: dict | None) -> dict:
    """`metadata` plus the current tenant's slug, as every created object carries it."""
    return {**(metadata or {}), TENANT_KEY: current_slug()}
