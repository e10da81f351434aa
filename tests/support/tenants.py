"""Tenants for tests: two ordinary ones provisioned once per session, plus throwaway ones."""
from contextlib import contextmanager

from django.db import connection
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from tenants.models import Tenant
from tenants.services import provision_tenant

PLATFORM_HOST = "localhost"
TEST_TENANTS = {"alpha": "alpha.localhost", "beta": "beta.localhost"}


def provision_test_tenants() -> dict[str, Tenant]:
    tenants = {}
    for slug, domain in TEST_TENANTS.items():
        tenants[slug] = provision_tenant(slug, domain=domain, name=f"Tenant {slug.title()}").tenant
    return tenants


@contextmanager
def in_tenant(tenant: Tenant):
    with schema_context(tenant.schema_name):
        yield
    connection.set_schema_to_public()


def host_client(host: str, **headers) -> APIClient:
    client = APIClient(HTTP_HOST=host, **headers)
    return client


def drop_tenant(slug: str) -> None:
    """Drop a tenant a test made, with the platform invoices that (in production) protect it."""
    from tenants.models import PlatformInvoice

    connection.set_schema_to_public()
    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is not None:
        PlatformInvoice.objects.filter(tenant=tenant).delete()
        tenant.delete(force_drop=True)
