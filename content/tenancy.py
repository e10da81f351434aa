"""The tenant whose schema the connection is in: its slug, currency and locale for content code."""
from django.conf import settings
from django.db import connection
from django_tenants.utils import get_public_schema_name


def current_tenant():
    """The `Tenant` row of the current schema (None in the public schema or a bare schema)."""
    from tenants.models import Tenant

    schema = connection.schema_name
    if schema == get_public_schema_name():
        return None
    tenant = getattr(connection, "tenant", None)
    if tenant is not None and getattr(tenant, "pk", None) and tenant.schema_name == schema and hasattr(tenant, "slug"):
        return tenant
    return Tenant.objects.filter(schema_name=schema).first()


def tenant_slug() -> str:
    """`cms_tenant_id` of the canonical metadata: the tenant's slug (the schema name as a fallback)."""
    tenant = current_tenant()
    return tenant.slug if tenant is not None else connection.schema_name


def default_currency() -> str:
    """Model default for prices: the tenant's currency, else the platform's."""
    tenant = current_tenant()
    return tenant.default_currency if tenant is not None else settings.DEFAULT_CURRENCY


def default_language() -> str:
    tenant = current_tenant()
    return tenant.default_locale if tenant is not None else settings.LANGUAGE_CODE
