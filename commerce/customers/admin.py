from django.contrib import admin

from commerce.customers.models import Customer, CustomerAddress, CustomerGroup, CustomerToken


class CustomerAddressInline(admin.StackedInline):
    model = CustomerAddress
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["email", "first_name", "last_name", "phone", "has_account", "is_active", "created_at"]
    list_filter = ["has_account", "is_active", "groups"]
    search_fields = ["email", "first_name", "last_name", "phone", "id"]
    filter_horizontal = ["groups"]
    exclude = ["password"]
    date_hierarchy = "created_at"
    inlines = [CustomerAddressInline]


@admin.register(CustomerGroup)
class CustomerGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "description", "created_at"]
    search_fields = ["name"]


@admin.register(CustomerAddress)
class CustomerAddressAdmin(admin.ModelAdmin):
    list_display = ["customer", "address_1", "city", "country_code", "is_default_shipping"]
    list_filter = ["country_code"]
    search_fields = ["customer__email", "address_1", "city"]
    raw_id_fields = ["customer"]


@admin.register(CustomerToken)
class CustomerTokenAdmin(admin.ModelAdmin):
    list_display = ["customer", "created_at", "expires_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["customer__email"]
    readonly_fields = ["digest", "customer", "created_at", "expires_at"]
