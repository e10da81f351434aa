"""Tenants and their domains (public schema). Each tenant owns one PostgreSQL schema."""
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.utils import get_public_schema_name

from cityos.ids import PrefixedIdField

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$")


def validate_slug(value: str) -> None:
    if not SLUG_PATTERN.match(value or ""):
        raise ValidationError(
            "A tenant slug is 3–40 characters: lowercase letters, digits and hyphens, "
            "starting with a letter and not ending with a hyphen."
        )


def schema_name_for(slug: str) -> str:
    return "t_" + slug.replace("-", "_")


class Plan(models.TextChoices):
    FREE = "free", "Free"
    STARTER = "starter", "Starter"
    PROFESSIONAL = "professional", "Professional"
    ENTERPRISE = "enterprise", "Enterprise"


class Status(models.TextChoices):
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"


class ResidencyZone(models.TextChoices):
    """Data residency zones (seeds 003 §7.2)."""

    GCC = "GCC", "GCC — local storage, no cross-border PII (PDPL, DPL)"
    EU = "EU", "EU — EU data centres only (GDPR)"
    MENA = "MENA", "MENA — regional storage preferred"
    APAC = "APAC", "APAC — flexible with consent"
    AMERICAS = "AMERICAS", "Americas — flexible (CCPA, LGPD)"
    GLOBAL = "GLOBAL", "Global — GDPR-aligned minimum"


class TenantQuerySet(models.QuerySet):
    def serving(self):
        """Active tenants with a schema of their own (not the platform itself)."""
        return self.filter(status=Status.ACTIVE).exclude(schema_name=get_public_schema_name())


class Tenant(TenantMixin):
    slug = models.SlugField(max_length=40, unique=True, validators=[validate_slug])
    name = models.CharField(max_length=200)
    plan = models.CharField(max_length=20, choices=Plan.choices, default=Plan.STARTER)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    default_currency = models.CharField(max_length=3, default="SAR")
    default_locale = models.CharField(max_length=10, default="en")
    timezone = models.CharField(max_length=64, default="Asia/Riyadh")
    residency_zone = models.CharField(max_length=10, choices=ResidencyZone.choices, default=ResidencyZone.GCC)
    suspended_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    auto_create_schema = True
    auto_drop_schema = False

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return f"{self.name} ({self.slug})"

    @property
    def is_platform(self) -> bool:
        return self.schema_name == get_public_schema_name()

    @property
    def is_active(self) -> bool:
        return self.status == Status.ACTIVE

    def has_member(self, user) -> bool:
        if user is None or not getattr(user, "pk", None):
            return False
        return self.memberships.filter(user_id=user.pk).exists()

    @property
    def primary_domain(self) -> str | None:
        domain = self.domains.filter(is_primary=True).first()
        return domain.domain if domain else None


class Domain(DomainMixin):
    class Meta:
        ordering = ["domain"]


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Administrator"
    EDITOR = "editor", "Content editor"
    STAFF = "staff", "Staff"
    VIEWER = "viewer", "Viewer"


class TenantMembership(models.Model):
    """A platform user's role in one tenant: what lets them into that tenant's admin and CMS."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tenant_memberships")
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "tenant"], name="one_membership_per_tenant")]
        ordering = ["tenant__slug", "user__username"]

    def __str__(self):
        return f"{self.user} — {self.role} of {self.tenant.slug}"


class PlatformInvoiceStatus(models.TextChoices):
    ISSUED = "issued", "Issued"
    PAID = "paid", "Paid"
    VOID = "void", "Void"


class PlatformInvoice(models.Model):
    """The platform's monthly commission invoice to a tenant (seeds 000 §5): the platform fee on
    the tenant's gross revenue of the month plus VAT on that fee. One per tenant and period;
    written by `tenants.billing` only, never changed once issued (but for its status)."""

    id = PrefixedIdField(prefix="pinv")
    number = models.CharField(max_length=60, unique=True)
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="platform_invoices")
    invoice_type = models.CharField(max_length=30, default="platform-commission", editable=False)
    period = models.CharField(max_length=7, db_index=True, help_text="YYYY-MM")
    period_start = models.DateField()
    period_end = models.DateField(help_text="the period's last day")
    currency = models.CharField(max_length=3)
    gross_revenue = models.DecimalField(max_digits=18, decimal_places=2)
    refunded = models.DecimalField(max_digits=18, decimal_places=2, help_text="refunds of the period's orders so far")
    order_count = models.PositiveIntegerField(default=0)
    sales_by_domain = models.JSONField(default=dict, blank=True)
    fee_rate = models.DecimalField(max_digits=6, decimal_places=4)
    platform_fee = models.DecimalField(max_digits=18, decimal_places=2)
    vat_rate = models.DecimalField(max_digits=6, decimal_places=4)
    vat = models.DecimalField(max_digits=18, decimal_places=2)
    total = models.DecimalField(max_digits=18, decimal_places=2)
    status = models.CharField(max_length=10, choices=PlatformInvoiceStatus.choices, default=PlatformInvoiceStatus.ISSUED)
    issued_at = models.DateTimeField()
    due_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period", "tenant__slug"]
        constraints = [models.UniqueConstraint(fields=["tenant", "period"], name="one_platform_invoice_per_period")]
        indexes = [models.Index(fields=["status", "-period"], name="platform_invoice_status")]

    def __str__(self):
        return f"{self.number} ({self.total} {self.currency})"
