from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from cityos.admin_sites import TenantScopedAdmin, platform_admin
from tenants import billing, services
from tenants.models import Domain, PlatformInvoice, PlatformInvoiceStatus, Status, Tenant, TenantMembership


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


class MembershipInline(admin.TabularInline):
    model = TenantMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Tenant, site=platform_admin)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "plan", "status", "residency_zone", "default_currency", "primary_domain", "created_at"]
    list_filter = ["status", "plan", "residency_zone", "default_currency"]
    search_fields = ["slug", "name", "domains__domain"]
    readonly_fields = ["schema_name", "created_at", "updated_at"]
    inlines = [DomainInline, MembershipInline]
    actions = ["suspend", "reactivate"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("domains")

    def has_delete_permission(self, request, obj=None):
        return False  # tenants are suspended, never deleted from the admin

    @admin.action(description="Suspend the selected tenants")
    def suspend(self, request, queryset):
        for tenant in queryset.exclude(schema_name="public"):
            services.set_status(tenant, Status.SUSPENDED, "Suspended by a platform administrator.")
        self.message_user(request, "Suspended.")

    @admin.action(description="Reactivate the selected tenants")
    def reactivate(self, request, queryset):
        for tenant in queryset:
            services.set_status(tenant, Status.ACTIVE)
        self.message_user(request, "Reactivated.")


@admin.register(Domain, site=platform_admin)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "tenant", "is_primary"]
    list_filter = ["is_primary"]
    search_fields = ["domain", "tenant__slug"]


@admin.register(TenantMembership, site=platform_admin)
class TenantMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "tenant", "role", "created_at"]
    list_filter = ["role", "tenant"]
    search_fields = ["user__username", "user__email", "tenant__slug"]
    autocomplete_fields = ["user"]


class PlatformInvoiceAdmin(admin.ModelAdmin):
    """Invoices are issued by the monthly billing job and never edited; only their status moves."""

    list_display = ["number", "tenant", "period", "currency", "gross_revenue", "platform_fee", "vat", "total",
                    "status", "issued_at", "due_at"]
    list_filter = ["status", "period", "currency", "tenant"]
    search_fields = ["number", "tenant__slug", "tenant__name"]
    date_hierarchy = "period_start"
    ordering = ["-period", "tenant__slug"]
    list_select_related = ["tenant"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PlatformInvoice, site=platform_admin)
class PlatformInvoicePlatformAdmin(PlatformInvoiceAdmin):
    actions = ["mark_paid"]

    @admin.action(description="Mark the selected invoices as paid")
    def mark_paid(self, request, queryset):
        paid = 0
        for invoice in queryset.filter(status=PlatformInvoiceStatus.ISSUED):
            billing.mark_paid(invoice.pk)
            paid += 1
        self.message_user(request, f"{paid} invoice(s) marked as paid.")


@admin.register(PlatformInvoice)
class TenantPlatformInvoiceAdmin(TenantScopedAdmin, PlatformInvoiceAdmin):
    """A tenant's own invoices from the platform, on its admin (read only)."""

    tenant_field = "tenant__schema_name"
    list_filter = ["status", "period"]


platform_admin.register(User, UserAdmin)
platform_admin.register(Group, GroupAdmin)
platform_admin.register(TokenProxy, TokenAdmin)
