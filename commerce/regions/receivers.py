"""Tenant defaults of the commerce engine, created when a tenant is provisioned."""
from django.dispatch import receiver

from tenants.signals import tenant_provisioned


@receiver(tenant_provisioned, dispatch_uid="commerce.tenant_defaults")
def create_commerce_defaults(sender, tenant, **kwargs):
    from commerce.regions.services import ensure_tenant_defaults

    ensure_tenant_defaults(tenant)
