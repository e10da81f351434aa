"""Tenant provisioning: schema, domain, Wagtail site and root page, app defaults.

New schemas are cloned from `settings.TENANT_BASE_SCHEMA`, a migrated template schema that no
tenant owns. `ensure_template_schema()` creates it or brings it up to date first, so a clone
always carries every tenant migration.
"""
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists

from cityos.errors import Conflict, InvalidInput
from tenants.models import Domain, Plan, ResidencyZone, Status, Tenant, TenantMembership, schema_name_for, validate_slug
from tenants.signals import tenant_provisioned
from tenants.staff import grant_cms_permissions, staff_group

logger = logging.getLogger(__name__)

# One provisioning at a time per database: the template schema is shared.
_PROVISION_LOCK_KEY = 0x43495459  # "CITY"


@dataclass
class ProvisionResult:
    tenant: Tenant
    created: bool
    message: str


def _advisory_lock():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [_PROVISION_LOCK_KEY])


def _advisory_unlock():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [_PROVISION_LOCK_KEY])


def template_needs_migration(schema: str) -> bool:
    with schema_context(schema):
        executor = MigrationExecutor(connection)
        return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def ensure_template_schema(verbosity: int = 0) -> bool:
    """Create or migrate the template schema; returns True when it had to change."""
    schema = settings.TENANT_BASE_SCHEMA
    if not schema_exists(schema):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{schema}"')
        changed = True
    else:
        changed = template_needs_migration(schema)
    if changed:
        logger.info("migrating the tenant template schema %s", schema)
        call_command("migrate_schemas", schema_name=schema, tenant=True, interactive=False, verbosity=verbosity)
    connection.set_schema_to_public()
    return changed


def ensure_platform_tenant() -> Tenant:
    """The public schema as a tenant row, so the platform host resolves like any other."""
    with schema_context(get_public_schema_name()):
        tenant, _ = Tenant.objects.get_or_create(
            schema_name=get_public_schema_name(),
            defaults={"slug": "platform", "name": "CityOS Platform", "plan": Plan.ENTERPRISE},
        )
        for host in {settings.PLATFORM_DOMAIN, "127.0.0.1"}:
            Domain.objects.get_or_create(domain=host, defaults={"tenant": tenant, "is_primary": host == settings.PLATFORM_DOMAIN})
    return tenant


def _validate_request(slug: str, domain: str, name: str, plan: str, residency_zone: str) -> None:
    fields = {}
    try:
        validate_slug(slug)
    except ValidationError as exc:
        fields["slug"] = exc.messages
    if not name.strip():
        fields["name"] = ["A tenant needs a name."]
    if not domain or " " in domain or "/" in domain:
        fields["domain"] = ["A domain is a bare host name such as market.example.com."]
    if plan not in Plan.values:
        fields["plan"] = [f"One of {', '.join(Plan.values)}."]
    if residency_zone not in ResidencyZone.values:
        fields["residency_zone"] = [f"One of {', '.join(ResidencyZone.values)}."]
    if fields:
        raise InvalidInput("The tenant cannot be provisioned as asked.", fields=fields)


def provision_tenant(slug: str, *, domain: str, name: str, plan: str = Plan.STARTER,
                     default_currency: str | None = None, default_locale: str = "en",
                     timezone: str = "Asia/Riyadh", residency_zone: str = ResidencyZone.GCC,
                     owner=None) -> ProvisionResult:
    """Create a tenant with everything it needs to serve. Running it again changes nothing."""
    _validate_request(slug, domain, name, plan, residency_zone)
    connection.set_schema_to_public()
    existing = Tenant.objects.filter(slug=slug).first()
    if existing is not None:
        return ProvisionResult(existing, False, f"Tenant '{slug}' already exists (schema {existing.schema_name}); nothing changed.")
    holder = Domain.objects.filter(domain=domain).select_related("tenant").first()
    if holder is not None:
        raise Conflict(f"The domain {domain} already belongs to tenant '{holder.tenant.slug}'.",
                       code="domain_taken", fields={"domain": ["Already in use."]})

    _advisory_lock()
    try:
        ensure_template_schema()
        tenant = Tenant(
            schema_name=schema_name_for(slug), slug=slug, name=name.strip(), plan=plan,
            status=Status.ACTIVE, default_currency=(default_currency or settings.DEFAULT_CURRENCY).upper(),
            default_locale=default_locale, timezone=timezone, residency_zone=residency_zone,
        )
        tenant.save(verbosity=0)  # clones the template schema
    finally:
        _advisory_unlock()

    try:
        with transaction.atomic():
            Domain.objects.create(domain=domain, tenant=tenant, is_primary=True)
            if owner is not None:
                TenantMembership.objects.get_or_create(user=owner, tenant=tenant, defaults={"role": "owner"})
            with schema_context(tenant.schema_name):
                setup_site(tenant, domain)
                tenant_provisioned.send(sender=Tenant, tenant=tenant)
    except Exception:
        connection.set_schema_to_public()
        tenant.delete(force_drop=True)
        raise
    connection.set_schema_to_public()
    logger.info("provisioned tenant %s", slug, extra={"tenant": slug, "domain": domain})
    return ProvisionResult(tenant, True, f"Provisioned tenant '{slug}' at {domain} (schema {tenant.schema_name}).")


def setup_site(tenant: Tenant, domain: str) -> None:
    """Inside the tenant schema: locales, a home page under the root, and the Wagtail Site."""
    from wagtail.models import Locale, Page, Site

    from content.models import HomePage

    default_locale, _ = Locale.objects.get_or_create(language_code=tenant.default_locale)
    for code, _label in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.get_or_create(language_code=code)

    root = Page.get_first_root_node()
    # Wagtail's first migration leaves a generic "Welcome" page; the tenant gets its own home.
    for child in root.get_children():
        if child.specific_class is Page:
            child.delete()
    root.refresh_from_db()
    home = HomePage.objects.filter(depth=2, locale=default_locale).first()
    if home is None:
        home = root.add_child(instance=HomePage(title=tenant.name, slug="home", locale=default_locale))
        home.save_revision().publish()
    Site.objects.all().delete()
    Site.objects.create(hostname=domain, port=80, root_page=home, is_default_site=True, site_name=tenant.name)
    grant_cms_permissions(staff_group())


def set_status(tenant: Tenant, status: str, reason: str = "") -> Tenant:
    if status not in Status.values:
        raise InvalidInput("Unknown tenant status.", fields={"status": [f"One of {', '.join(Status.values)}."]})
    tenant.status = status
    tenant.suspended_reason = reason if status == Status.SUSPENDED else ""
    with schema_context(get_public_schema_name()):
        tenant.save(update_fields=["status", "suspended_reason", "updated_at"])
    return tenant
