"""Admin screens of the outbox and of workflow runs with their steps.

The platform admin sees every tenant's rows; a tenant's admin sees its own (TenantScopedAdmin),
read-only apart from the operations: process or replay events, cancel or resume runs.
"""
from django.contrib import admin, messages
from django.db import connection
from django.utils.html import format_html

from cityos.admin_sites import TenantScopedAdmin, platform_admin
from cityos.errors import ServiceError
from workflows import relay, services
from workflows.models import RELAYABLE, EventOutbox, OutboxStatus, StepRun, WorkflowRun, WorkflowSignal


class ReadOnlyMixin:
    """System records: viewed and operated on, never edited by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TenantOperatorMixin:
    """On a tenant's admin the site admits only that tenant's members; they may view and operate."""

    def has_view_permission(self, request, obj=None):
        return True

    def has_module_permission(self, request):
        return True

    def has_operate_permission(self, request):
        return True


class PlatformOperatorMixin:
    def has_operate_permission(self, request):
        return bool(request.user.is_superuser)


def _scope(request) -> str | None:
    schema = connection.schema_name
    return None if schema == "public" else schema


# -- outbox ----------------------------------------------------------------------------------------

class EventOutboxAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "tenant_id", "event_type", "aggregate", "status", "retry_count", "note_or_error",
                    "processed_at"]
    list_filter = ["status", "event_type", "tenant_id"]
    search_fields = ["=id", "aggregate_id", "correlation_id", "event_type", "note"]
    date_hierarchy = "created_at"
    actions = ["process_now", "replay_dead_letters"]
    readonly_fields = [f.name for f in EventOutbox._meta.fields]
    list_per_page = 50

    @admin.display(description="aggregate")
    def aggregate(self, event):
        return f"{event.aggregate_type}:{event.aggregate_id}"

    @admin.display(description="note / error")
    def note_or_error(self, event):
        return event.error_message or event.note

    @admin.action(description="Process the selected events now", permissions=["operate"])
    def process_now(self, request, queryset):
        ids = list(queryset.filter(status__in=RELAYABLE).values_list("id", flat=True))
        if not ids:
            self.message_user(request, "None of the selected events is pending or failed.", messages.WARNING)
            return
        counts = relay.process_outbox(event_ids=ids, tenant_schema=_scope(request))
        self.message_user(request, "Relayed: {delivered} delivered, {runs_started} runs started, {signals} signals, "
                                   "{failed} failed, {dead_lettered} dead-lettered.".format(**counts))

    @admin.action(description="Replay the selected dead letters", permissions=["operate"])
    def replay_dead_letters(self, request, queryset):
        ids = list(queryset.filter(status=OutboxStatus.DEAD_LETTER).values_list("id", flat=True))
        count = services.replay_dead_letters(ids=ids, tenant_schema=_scope(request))
        self.message_user(request, f"{count} dead-lettered events queued again.")


# -- runs -------------------------------------------------------------------------------------------

class StepRunInline(admin.TabularInline):
    model = StepRun
    extra = 0
    can_delete = False
    fields = ["generation", "step", "kind", "attempt", "status", "started_at", "duration_ms", "error_class",
              "error_message", "idempotency_key"]
    readonly_fields = fields
    ordering = ["id"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return True


class WorkflowRunAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["workflow_id", "workflow_type", "tenant_id", "status_badge", "current_step", "progress",
                    "created_at", "updated_at"]
    list_filter = ["status", "workflow_type", "tenant_id", "trigger_event"]
    search_fields = ["workflow_id", "correlation_id", "causation_id"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in WorkflowRun._meta.fields]
    inlines = [StepRunInline]
    actions = ["cancel_runs", "resume_runs"]
    list_per_page = 50

    @admin.display(description="status", ordering="status")
    def status_badge(self, run):
        colour = {"completed": "#2e7d32", "failed": "#c62828", "compensated": "#ef6c00", "cancelled": "#616161",
                  "waiting": "#1565c0", "compensating": "#ef6c00"}.get(run.status, "#37474f")
        return format_html('<b style="color:{}">{}</b>', colour, run.get_status_display())

    @admin.display(description="progress")
    def progress(self, run):
        return f"{run.progress_percentage} % ({min(run.step_index, run.total_steps)}/{run.total_steps})"

    def _each(self, request, queryset, operation, done):
        ok, refused = 0, []
        for run in queryset:
            try:
                operation(run.workflow_id, tenant_schema=run.tenant_schema)
                ok += 1
            except ServiceError as exc:
                refused.append(f"{run.workflow_id}: {exc.message}")
        self.message_user(request, f"{ok} runs {done}.")
        if refused:
            self.message_user(request, "Refused: " + "; ".join(refused[:10]), messages.WARNING)

    @admin.action(description="Cancel the selected runs (compensating their completed steps)",
                  permissions=["operate"])
    def cancel_runs(self, request, queryset):
        self._each(request, queryset, services.cancel, "asked to cancel")

    @admin.action(description="Resume the selected runs now", permissions=["operate"])
    def resume_runs(self, request, queryset):
        self._each(request, queryset, services.resume, "resumed")


class WorkflowSignalAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "tenant_id", "name", "key", "workflow_id"]
    list_filter = ["name", "tenant_id"]
    search_fields = ["key", "workflow_id", "name"]
    readonly_fields = [f.name for f in WorkflowSignal._meta.fields]


# Platform admin: every tenant.
for model, model_admin in ((EventOutbox, EventOutboxAdmin), (WorkflowRun, WorkflowRunAdmin),
                           (WorkflowSignal, WorkflowSignalAdmin)):
    platform_admin.register(model, type(f"Platform{model_admin.__name__}", (PlatformOperatorMixin, model_admin), {}))
    # A tenant's admin: its own rows only.
    admin.site.register(model, type(f"Tenant{model_admin.__name__}",
                                    (TenantOperatorMixin, model_admin, TenantScopedAdmin), {}))
