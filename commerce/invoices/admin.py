from django.contrib import admin

from commerce.invoices.models import Invoice, InvoiceItem


class InvoiceItemInline(admin.TabularInline):
    model = InvoiceItem
    extra = 0
    readonly_fields = ["description", "sku", "quantity", "unit_price", "discount", "tax_rate", "tax_amount", "total"]
    can_delete = False


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["number", "order", "billing_name", "status", "total", "currency_code", "issued_at"]
    list_filter = ["status", "currency_code"]
    search_fields = ["number", "order__id", "billing_email", "billing_name"]
    raw_id_fields = ["order", "customer"]
    date_hierarchy = "issued_at"
    inlines = [InvoiceItemInline]


@admin.register(InvoiceItem)
class InvoiceItemAdmin(admin.ModelAdmin):
    list_display = ["invoice", "description", "quantity", "unit_price", "tax_amount", "total"]
    search_fields = ["invoice__number", "sku", "description"]
