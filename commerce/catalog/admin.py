from django.contrib import admin

from commerce.catalog.models import (
    CatalogVersion, Product, ProductCategory, ProductCollection, ProductImage, ProductOption, ProductOptionValue,
    ProductPrice, ProductVariant,
)


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0


class ProductOptionInline(admin.TabularInline):
    model = ProductOption
    extra = 0
    show_change_link = True


class ProductVariantInline(admin.TabularInline):
    model = ProductVariant
    extra = 0
    fields = ["sku", "title", "manage_inventory", "allow_backorder", "is_archived", "rank"]
    show_change_link = True


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["title", "handle", "status", "kind", "collection", "created_at"]
    list_filter = ["status", "kind", "is_giftcard", "collection", "categories", "sales_channels"]
    search_fields = ["title", "handle", "id", "variants__sku"]
    list_select_related = ["collection"]
    filter_horizontal = ["categories", "sales_channels"]
    prepopulated_fields = {"handle": ["title"]}
    date_hierarchy = "created_at"
    inlines = [ProductOptionInline, ProductVariantInline, ProductImageInline]


class ProductPriceInline(admin.TabularInline):
    model = ProductPrice
    extra = 0


@admin.register(ProductVariant)
class ProductVariantAdmin(admin.ModelAdmin):
    list_display = ["sku", "title", "product", "manage_inventory", "allow_backorder", "is_archived"]
    list_filter = ["manage_inventory", "allow_backorder", "is_archived"]
    search_fields = ["sku", "title", "product__title", "id"]
    list_select_related = ["product"]
    raw_id_fields = ["product", "inventory_item"]
    filter_horizontal = ["option_values"]
    inlines = [ProductPriceInline]


class ProductOptionValueInline(admin.TabularInline):
    model = ProductOptionValue
    extra = 0


@admin.register(ProductOption)
class ProductOptionAdmin(admin.ModelAdmin):
    list_display = ["title", "product", "rank"]
    search_fields = ["title", "product__title"]
    list_select_related = ["product"]
    raw_id_fields = ["product"]
    inlines = [ProductOptionValueInline]


@admin.register(ProductOptionValue)
class ProductOptionValueAdmin(admin.ModelAdmin):
    list_display = ["value", "option", "rank"]
    search_fields = ["value", "option__title", "option__product__title"]
    list_select_related = ["option"]
    raw_id_fields = ["option"]


@admin.register(ProductPrice)
class ProductPriceAdmin(admin.ModelAdmin):
    list_display = ["variant", "currency_code", "amount"]
    list_filter = ["currency_code"]
    search_fields = ["variant__sku", "variant__product__title"]
    list_select_related = ["variant"]
    raw_id_fields = ["variant"]


@admin.register(ProductImage)
class ProductImageAdmin(admin.ModelAdmin):
    list_display = ["url", "product", "rank"]
    search_fields = ["url", "product__title"]
    raw_id_fields = ["product"]


@admin.register(ProductCollection)
class ProductCollectionAdmin(admin.ModelAdmin):
    list_display = ["title", "handle", "created_at"]
    search_fields = ["title", "handle"]
    prepopulated_fields = {"handle": ["title"]}


@admin.register(ProductCategory)
class ProductCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "handle", "parent", "rank", "is_active"]
    list_filter = ["is_active", "parent"]
    search_fields = ["name", "handle"]
    prepopulated_fields = {"handle": ["name"]}

    def save_model(self, request, obj, form, change):
        from commerce.catalog.services import _category_path

        obj.mpath = _category_path(obj)
        super().save_model(request, obj, form, change)


@admin.register(CatalogVersion)
class CatalogVersionAdmin(admin.ModelAdmin):
    list_display = ["id", "token"]
