from django.contrib import admin

from commerce.giftcards.models import GiftCard, GiftCardTransaction


class GiftCardTransactionInline(admin.TabularInline):
    model = GiftCardTransaction
    extra = 0
    readonly_fields = ["kind", "amount", "balance_after", "order_id", "created_at"]
    can_delete = False


@admin.register(GiftCard)
class GiftCardAdmin(admin.ModelAdmin):
    list_display = ["code", "currency_code", "value", "balance", "is_disabled", "expires_at", "customer", "created_at"]
    list_filter = ["is_disabled", "currency_code"]
    search_fields = ["code", "recipient_email", "customer__email", "order_id"]
    raw_id_fields = ["customer"]
    readonly_fields = ["balance"]
    inlines = [GiftCardTransactionInline]


@admin.register(GiftCardTransaction)
class GiftCardTransactionAdmin(admin.ModelAdmin):
    list_display = ["gift_card", "kind", "amount", "balance_after", "order_id", "created_at"]
    list_filter = ["kind"]
    search_fields = ["gift_card__code", "order_id"]
