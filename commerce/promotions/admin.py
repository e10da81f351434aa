from django.contrib import admin

from commerce.promotions.models import Promotion, PromotionUsage


class PromotionUsageInline(admin.TabularInline):
    model = PromotionUsage
    extra = 0
    readonly_fields = ["order_id", "customer_id", "email", "amount", "created_at"]
    can_delete = False


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin):
    list_display = ["code", "type", "value", "currency_code", "usage_count", "usage_limit", "starts_at", "ends_at",
                    "is_active"]
    list_filter = ["type", "is_active", "currency_code"]
    search_fields = ["code", "name"]
    filter_horizontal = ["products", "customer_groups"]
    readonly_fields = ["usage_count"]
    inlines = [PromotionUsageInline]


@admin.register(PromotionUsage)
class PromotionUsageAdmin(admin.ModelAdmin):
    list_display = ["promotion", "order_id", "email", "amount", "created_at"]
    list_filter = ["promotion"]
    search_fields = ["order_id", "email", "promotion__code"]
