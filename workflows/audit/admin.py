"""The audit log in the platform admin (every tenant) and in each tenant's admin (its own rows)."""
from django.contrib import admin

from cityos.admin_sites import TenantScopedAdmin, platform_admin
from workflows.admin import ReadOnlyMixin, TenantOperatorMixin
from workflows.audit.models import AuditEntry


class AuditEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "tenant_id", "action", "entity_type", "entity_id", "outcome", "summary",
                    "workflow_type"]
    list_filter = ["action", "outcome", "entity_type", "workflow_type", "tenant_id"]
    search_fields = ["entity_id", "workflow_id", "correlation_id", "summary"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in AuditEntry._meta.fields]


platform_admin.register(AuditEntry, AuditEntryAdmin)
admin.site.register(AuditEntry, type("TenantAuditEntryAdmin", (TenantOperatorMixin, AuditEntryAdmin, TenantScopedAdmin),
                                     {}))
