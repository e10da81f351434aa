"""Platform admin screens: sync entries, webhook receipts, issued credentials (public schema)."""
from django.contrib import admin, messages

from cityos.admin_sites import platform_admin
from integrations import sync
from integrations.models import IssuedCredential, SyncEntry, SyncStatus, WebhookReceipt


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


@admin.register(SyncEntry, site=platform_admin)
class SyncEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "tenant_id", "system", "direction", "entity_type", "entity_id", "status",
                    "retry_count", "error_class", "external_id")
    list_filter = ("system", "status", "direction", "tenant_id", "entity_type")
    search_fields = ("entity_id", "external_id", "error_message", "correlation_id", "payload_hash")
    date_hierarchy = "created_at"
    actions = ["retry_selected"]

    @admin.action(description="Retry the selected failed syncs now")
    def retry_selected(self, request, queryset):
        ids = queryset.filter(status__in=(SyncStatus.FAILED, SyncStatus.RETRYING)).values_list("pk", flat=True)
        counts = sync.retry_entries(ids)
        self.message_user(request, f"Retried {counts['retried']}: {counts['succeeded']} succeeded, "
                                   f"{counts['retrying']} will retry, {counts['failed']} failed.",
                          messages.SUCCESS if not counts["failed"] else messages.WARNING)


@admin.register(WebhookReceipt, site=platform_admin)
class WebhookReceiptAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "system", "event_type", "status", "tenant_id", "event_id", "events_written",
                    "duplicates")
    list_filter = ("system", "status", "tenant_id", "event_type")
    search_fields = ("event_id", "event_type", "detail")
    date_hierarchy = "received_at"

    @admin.display(description="outbox events")
    def events_written(self, receipt):
        return ", ".join(signal["event_type"] for signal in receipt.signals) or "—"


@admin.register(IssuedCredential, site=platform_admin)
class IssuedCredentialAdmin(ReadOnlyAdmin):
    list_display = ("issued_at", "tenant_id", "credential_type", "credential_id", "status", "status_list",
                    "status_index", "revoked_at")
    list_filter = ("credential_type", "status", "tenant_id")
    search_fields = ("credential_id", "subject_did")
