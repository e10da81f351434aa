from django.contrib import admin

from commerce.inventory.models import InventoryItem, InventoryLevel, ReservationHold, StockLocation


class InventoryLevelInline(admin.TabularInline):
    model = InventoryLevel
    extra = 0
    fields = ["location", "stocked_quantity", "reserved_quantity"]
    readonly_fields = ["reserved_quantity"]


@admin.register(InventoryItem)
class InventoryItemAdmin(admin.ModelAdmin):
    list_display = ["sku", "title", "requires_shipping", "updated_at"]
    list_filter = ["requires_shipping"]
    search_fields = ["sku", "title", "id"]
    inlines = [InventoryLevelInline]


@admin.register(StockLocation)
class StockLocationAdmin(admin.ModelAdmin):
    list_display = ["name", "is_default", "is_active", "created_at"]
    list_filter = ["is_default", "is_active"]
    search_fields = ["name", "id"]


@admin.register(InventoryLevel)
class InventoryLevelAdmin(admin.ModelAdmin):
    list_display = ["item", "location", "stocked_quantity", "reserved_quantity", "available", "updated_at"]
    list_filter = ["location"]
    search_fields = ["item__sku", "item__title"]
    list_select_related = ["item", "location"]
    readonly_fields = ["reserved_quantity"]

    @admin.display(description="available")
    def available(self, level):
        return level.available_quantity


@admin.register(ReservationHold)
class ReservationHoldAdmin(admin.ModelAdmin):
    list_display = ["id", "level", "quantity", "cart_id", "order_id", "expires_at", "created_at"]
    list_filter = [("expires_at", admin.EmptyFieldListFilter), "level__location"]
    search_fields = ["cart_id", "order_id", "level__item__sku"]
    list_select_related = ["level__item", "level__location"]
    date_hierarchy = "created_at"
