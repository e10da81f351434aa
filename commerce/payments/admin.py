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
