from django.contrib import admin

from commerce.shipping.models import ShippingOption, ShippingRate


class ShippingRateInline(admin.TabularInline):
    model = ShippingRate
    extra = 0


@admin.register(ShippingOption)
class ShippingOptionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region", "provider", "is_pickup", "is_active", "position"]
    list_filter = ["region", "provider", "is_active", "is_pickup"]
    search_fields = ["name", "code"]
    inlines = [ShippingRateInline]


@admin.register(ShippingRate)
class ShippingRateAdmin(admin.ModelAdmin):
    list_display = ["option", "amount", "min_subtotal", "max_subtotal", "min_weight", "max_weight", "position"]
    list_filter = ["option"]
