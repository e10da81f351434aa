from django.contrib import admin

from commerce.orders.models import Fulfillment, FulfillmentItem, Order, OrderLineItem, Return, ReturnItem


class OrderLineItemInline(admin.TabularInline):
    model = OrderLineItem
    extra = 0
    fields = ["sku", "title", "quantity", "unit_price", "discount_total", "tax_total", "total",
              "fulfilled_quantity", "returned_quantity"]
    readonly_fields = fields
    can_delete = False


class FulfillmentInline(admin.TabularInline):
    model = Fulfillment
    extra = 0
    fields = ["status", "provider", "tracking_number", "shipped_at", "delivered_at"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Orders change through their services (admin API / workflows); here they are read."""

    list_display = ["display_id", "email", "status", "payment_status", "fulfillment_status", "total",
                    "currency_code", "created_at"]
    list_filter = ["status", "payment_status", "fulfillment_status", "currency_code", "sales_channel", "region"]
    search_fields = ["id", "display_id", "email", "customer__email"]
    date_hierarchy = "created_at"
    raw_id_fields = ["customer", "cart"]
    readonly_fields = ["display_id", "subtotal", "discount_total", "shipping_total", "tax_total", "gift_card_total",
                       "total", "paid_total", "refunded_total", "applied_promotions"]
    inlines = [OrderLineItemInline, FulfillmentInline]


@admin.register(OrderLineItem)
class OrderLineItemAdmin(admin.ModelAdmin):
    list_display = ["order", "sku", "title", "quantity", "unit_price", "total"]
    search_fields = ["order__id", "sku", "title"]
    raw_id_fields = ["order", "variant"]


class FulfillmentItemInline(admin.TabularInline):
    model = FulfillmentItem
    extra = 0
    raw_id_fields = ["line_item"]


@admin.register(Fulfillment)
class FulfillmentAdmin(admin.ModelAdmin):
    list_display = ["id", "order", "status", "provider", "tracking_number", "shipped_at", "delivered_at"]
    list_filter = ["status", "provider"]
    search_fields = ["id", "order__id", "tracking_number"]
    raw_id_fields = ["order"]
    inlines = [FulfillmentItemInline]


@admin.register(FulfillmentItem)
class FulfillmentItemAdmin(admin.ModelAdmin):
    list_display = ["fulfillment", "line_item", "quantity"]
    search_fields = ["fulfillment__id", "line_item__sku"]
    raw_id_fields = ["fulfillment", "line_item"]


class ReturnItemInline(admin.TabularInline):
    model = ReturnItem
    extra = 0
    raw_id_fields = ["line_item"]


@admin.register(Return)
class ReturnAdmin(admin.ModelAdmin):
    list_display = ["id", "order", "status", "return_method", "refund_method", "refund_amount", "created_at"]
    list_filter = ["status", "return_method", "refund_method"]
    search_fields = ["id", "order__id", "order__email"]
    raw_id_fields = ["order"]
    inlines = [ReturnItemInline]


@admin.register(ReturnItem)
class ReturnItemAdmin(admin.ModelAdmin):
    list_display = ["return_request", "line_item", "quantity", "condition", "reason"]
    list_filter = ["condition"]
    search_fields = ["return_request__id", "line_item__sku", "reason"]
    raw_id_fields = ["return_request", "line_item"]
