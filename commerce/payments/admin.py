from django.contrib import admin

from commerce.payments.models import Payment, PaymentAttempt, Refund


class RefundInline(admin.TabularInline):
    model = Refund
    fk_name = "payment"
    extra = 0
    fields = ["amount", "reason", "note", "external_id", "created_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Money moves through the payment services (capture, refund); here it is read."""

    list_display = ["payment_intent_id", "order", "provider", "status", "amount", "captured_amount",
                    "refunded_amount", "created_at"]
    list_filter = ["provider", "status", "currency_code"]
    search_fields = ["payment_intent_id", "order__id", "order__email"]
    raw_id_fields = ["order"]
    readonly_fields = ["amount", "captured_amount", "refunded_amount", "data"]
    inlines = [RefundInline]


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = ["id", "order", "amount", "reason", "external_id", "created_at"]
    list_filter = ["reason"]
    search_fields = ["order__id", "external_id"]
    raw_id_fields = ["order", "payment"]


@admin.register(PaymentAttempt)
class PaymentAttemptAdmin(admin.ModelAdmin):
    list_display = ["cart_id", "provider", "amount", "currency_code", "succeeded", "decline_code", "created_at"]
    list_filter = ["succeeded", "provider", "decline_code"]
    search_fields = ["cart_id", "payment_intent_id"]
    date_hierarchy = "created_at"


# -- the workflows' money records ------------------------------------------------------------------

from commerce.payments.models import (  # noqa: E402
    Dispute, EscrowHold, Installment, InstallmentPlan, ReconciliationReport,
)


class ReadOnlyRecordAdmin(admin.ModelAdmin):
    """Written by services and workflows; staff read them here and act through the admin API."""

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EscrowHold)
class EscrowHoldAdmin(ReadOnlyRecordAdmin):
    list_display = ["id", "order", "vendor_order", "amount", "currency_code", "status", "release_after", "released_at"]
    list_filter = ["status", "currency_code"]
    search_fields = ["id", "order__id", "vendor_order__id", "vendor_order__vendor__name"]


class InstallmentInline(admin.TabularInline):
    model = Installment
    extra = 0
    fields = ["sequence", "amount", "due_at", "status", "attempts", "payment_intent_id", "paid_at", "last_error"]
    readonly_fields = fields
    can_delete = False


@admin.register(InstallmentPlan)
class InstallmentPlanAdmin(ReadOnlyRecordAdmin):
    list_display = ["id", "order", "count", "interval", "total", "paid_total", "currency_code", "status", "created_at"]
    list_filter = ["status", "interval", "currency_code"]
    search_fields = ["id", "order__id", "order__email"]
    inlines = [InstallmentInline]


@admin.register(Installment)
class InstallmentAdmin(ReadOnlyRecordAdmin):
    list_display = ["plan", "sequence", "amount", "due_at", "status", "attempts", "paid_at"]
    list_filter = ["status"]
    search_fields = ["plan__id", "plan__order__id", "payment_intent_id"]


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyRecordAdmin):
    list_display = ["id", "order", "gateway_dispute_id", "amount", "currency_code", "reason", "status",
                    "evidence_due_by", "closed_at"]
    list_filter = ["status", "reason", "currency_code"]
    search_fields = ["id", "gateway_dispute_id", "order__id", "payment_intent_id"]
    date_hierarchy = "created_at"


@admin.register(ReconciliationReport)
class ReconciliationReportAdmin(ReadOnlyRecordAdmin):
    list_display = ["date", "balanced", "payments_checked", "refunds_checked", "discrepancy_count", "created_at"]
    list_filter = ["balanced"]
    date_hierarchy = "date"

    @admin.display(description="discrepancies")
    def discrepancy_count(self, report):
        return len(report.discrepancies or [])
