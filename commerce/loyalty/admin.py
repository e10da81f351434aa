from django.contrib import admin

from commerce.loyalty.models import LoyaltyAccount, LoyaltyTransaction


class LoyaltyTransactionInline(admin.TabularInline):
    model = LoyaltyTransaction
    extra = 0
    readonly_fields = ["kind", "points", "balance_after", "reason", "reference", "created_at"]
    exclude = ["idempotency_key"]
    can_delete = False


@admin.register(LoyaltyAccount)
class LoyaltyAccountAdmin(admin.ModelAdmin):
    list_display = ["customer", "balance", "lifetime_points", "tier", "updated_at"]
    list_filter = ["tier"]
    search_fields = ["customer__email", "id"]
    raw_id_fields = ["customer"]
    readonly_fields = ["balance", "lifetime_points", "tier"]
    inlines = [LoyaltyTransactionInline]


@admin.register(LoyaltyTransaction)
class LoyaltyTransactionAdmin(admin.ModelAdmin):
    list_display = ["account", "kind", "points", "balance_after", "reason", "reference", "created_at"]
    list_filter = ["kind"]
    search_fields = ["account__customer__email", "reference"]
