from django.contrib import admin

from commerce.regions.models import PublishableApiKey, Region, SalesChannel


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "currency_code", "tax_rate", "countries", "is_default", "created_at"]
    list_filter = ["currency_code", "is_default"]
    search_fields = ["name", "id"]


class PublishableApiKeyInline(admin.TabularInline):
    model = PublishableApiKey
    extra = 0
    fields = ["title", "token", "revoked_at", "created_at"]
    readonly_fields = ["token", "created_at"]


@admin.register(SalesChannel)
class SalesChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "is_default", "is_disabled", "created_at"]
    list_filter = ["is_default", "is_disabled"]
    search_fields = ["name", "id"]
    inlines = [PublishableApiKeyInline]


@admin.register(PublishableApiKey)
class PublishableApiKeyAdmin(admin.ModelAdmin):
    list_display = ["title", "sales_channel", "token", "revoked_at", "created_at"]
    list_filter = ["sales_channel", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "token"]
    readonly_fields = ["token"]
