from django.contrib import admin

from commerce.marketplace.models import (
    CommissionRule, CommissionTransaction, Payout, Vendor, VendorOrder, VendorOrderItem, VendorProduct,
)


class VendorProductInline(admin.TabularInline):
    model = VendorProduct
    extra = 0


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = ["name", "handle", "email", "status", "commission_rate", "uses_escrow", "stripe_account_id",
                    "identity_verified_at", "payouts_frozen"]
    list_filter = ["status", "uses_escrow"]
    search_fields = ["name", "handle", "email", "stripe_account_id"]
    readonly_fields = ["frozen_by", "identity_verified_at", "kyc_session_id"]
    inlines = [VendorProductInline]

    @admin.display(boolean=True, description="payouts frozen")
    def payouts_frozen(self, vendor):
        return vendor.payouts_frozen


class VendorOrderItemInline(admin.TabularInline):
    model = VendorOrderItem
    extra = 0
    fields = ["line_item", "quantity", "total", "commission_rate", "commission_amount"]
    readonly_fields = fields
    can_delete = False


class RecordAdmin(admin.ModelAdmin):
    """Written by the marketplace services and the workflows; read here."""

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(VendorOrder)
class VendorOrderAdmin(RecordAdmin):
    list_display = ["id", "order", "vendor", "status", "subtotal", "commission_amount", "net_amount", "currency_code",
                    "delivery_order_id", "created_at"]
    list_filter = ["status", "vendor"]
    search_fields = ["id", "order__id", "vendor__name", "delivery_order_id", "tracking_number"]
    date_hierarchy = "created_at"
    inlines = [VendorOrderItemInline]


@admin.register(CommissionRule)
class CommissionRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "vendor", "category_id", "product_kind", "rate", "flat_fee", "priority", "is_active",
                    "starts_at", "ends_at"]
    list_filter = ["is_active", "product_kind"]
    search_fields = ["name", "vendor__name", "category_id"]


@admin.register(CommissionTransaction)
class CommissionTransactionAdmin(RecordAdmin):
    list_display = ["id", "vendor", "order_id", "kind", "status", "gross", "commission", "net", "currency_code",
                    "payout", "created_at"]
    list_filter = ["status", "kind", "vendor"]
    search_fields = ["id", "order_id", "vendor__name", "reference"]
    date_hierarchy = "created_at"


class PayoutTransactionInline(admin.TabularInline):
    model = CommissionTransaction
    fk_name = "payout"
    extra = 0
    fields = ["order_id", "kind", "gross", "commission", "net", "status"]
    readonly_fields = fields
    can_delete = False


@admin.register(Payout)
class PayoutAdmin(RecordAdmin):
    list_display = ["id", "vendor", "amount", "currency_code", "status", "transfer_id", "paid_at", "created_at"]
    list_filter = ["status", "vendor"]
    search_fields = ["id", "vendor__name", "transfer_id"]
    date_hierarchy = "created_at"
    inlines = [PayoutTransactionInline]


@admin.register(VendorProduct)
class VendorProductAdmin(admin.ModelAdmin):
    list_display = ["product_id", "vendor", "created_at"]
    list_filter = ["vendor"]
    search_fields = ["product_id", "vendor__name"]


@admin.register(VendorOrderItem)
class VendorOrderItemAdmin(RecordAdmin):
    list_display = ["vendor_order", "line_item", "quantity", "total", "commission_rate", "commission_amount"]
    search_fields = ["vendor_order__id", "line_item__sku"]
    raw_id_fields = ["vendor_order", "line_item"]
