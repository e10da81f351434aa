from django.contrib import admin

from commerce.pricing.models import PriceList, PriceListPrice, TaxRule, VolumePricing, VolumePricingTier


class PriceListPriceInline(admin.TabularInline):
    model = PriceListPrice
    extra = 0
    raw_id_fields = ["variant"]


@admin.register(PriceList)
class PriceListAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "status", "starts_at", "ends_at", "created_at"]
    list_filter = ["type", "status", "customer_groups"]
    search_fields = ["name", "id"]
    filter_horizontal = ["customer_groups"]
    inlines = [PriceListPriceInline]


@admin.register(PriceListPrice)
class PriceListPriceAdmin(admin.ModelAdmin):
    list_display = ["price_list", "variant", "currency_code", "amount", "min_quantity"]
    list_filter = ["currency_code", "price_list"]
    search_fields = ["variant__sku", "price_list__name"]
    raw_id_fields = ["variant", "price_list"]


class VolumePricingTierInline(admin.TabularInline):
    model = VolumePricingTier
    extra = 0


@admin.register(VolumePricing)
class VolumePricingAdmin(admin.ModelAdmin):
    list_display = ["name", "product", "variant", "is_active", "starts_at", "ends_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "product__title", "variant__sku"]
    raw_id_fields = ["product", "variant"]
    filter_horizontal = ["customer_groups"]
    inlines = [VolumePricingTierInline]


@admin.register(VolumePricingTier)
class VolumePricingTierAdmin(admin.ModelAdmin):
    list_display = ["volume_pricing", "min_quantity", "max_quantity", "discount_type", "value", "currency_code"]
    list_filter = ["discount_type"]
    search_fields = ["volume_pricing__name"]


@admin.register(TaxRule)
class TaxRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "rate", "priority", "product_kind", "category", "customer_group", "is_default"]
    list_filter = ["region", "is_default", "product_kind"]
    search_fields = ["name", "code"]
    raw_id_fields = ["product", "category"]
