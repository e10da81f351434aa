from django.contrib import admin

from commerce.carts.models import Cart, CartShippingMethod, LineItem, PaymentSession


class LineItemInline(admin.TabularInline):
    model = LineItem
    extra = 0
    fields = ["sku", "title", "quantity", "unit_price", "discount_total", "tax_total", "total"]
    readonly_fields = fields


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ["id", "email", "customer", "currency_code", "total", "completed_at", "updated_at"]
    list_filter = [("completed_at", admin.EmptyFieldListFilter), "region", "sales_channel"]
    search_fields = ["id", "email", "customer__email"]
    raw_id_fields = ["customer"]
    filter_horizontal = ["promotions", "gift_cards"]
    readonly_fields = ["subtotal", "discount_total", "shipping_total", "tax_total", "gift_card_total", "total",
                       "applied_promotions"]
    date_hierarchy = "created_at"
    inlines = [LineItemInline]


@admin.register(LineItem)
class LineItemAdmin(admin.ModelAdmin):
    list_display = ["cart", "sku", "quantity", "unit_price", "total"]
    search_fields = ["cart__id", "sku"]
    raw_id_fields = ["cart", "variant"]


@admin.register(CartShippingMethod)
class CartShippingMethodAdmin(admin.ModelAdmin):
    list_display = ["cart", "name", "amount"]
    raw_id_fields = ["cart"]


@admin.register(PaymentSession)
class PaymentSessionAdmin(admin.ModelAdmin):
    list_display = ["cart", "provider", "status", "amount", "reservation_expires_at", "updated_at"]
    list_filter = ["provider", "status"]
    search_fields = ["cart__id"]
    raw_id_fields = ["cart"]
