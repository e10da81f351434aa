"""Admin API of invoices (read-only: they are issued when payments are captured)."""
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers

from cityos.api.base import AdminReadOnlyViewSet
from commerce.core.schema import MoneyField
from commerce.invoices.models import Invoice, InvoiceItem


class InvoiceItemOut(serializers.ModelSerializer):
    unit_price = MoneyField("invoice.currency_code")
    discount = MoneyField("invoice.currency_code")
    tax_amount = MoneyField("invoice.currency_code")
    total = MoneyField("invoice.currency_code")

    class Meta:
        model = InvoiceItem
        fields = ["description", "sku", "quantity", "unit_price", "discount", "tax_rate", "tax_amount", "total"]


class InvoiceOut(serializers.ModelSerializer):
    items = InvoiceItemOut(many=True, read_only=True)
    subtotal = MoneyField()
    discount_total = MoneyField()
    shipping_total = MoneyField()
    tax_total = MoneyField()
    total = MoneyField()

    class Meta:
        model = Invoice
        fields = ["id", "number", "order_id", "customer_id", "status", "currency_code", "billing_name",
                  "billing_email", "billing_address", "subtotal", "discount_total", "shipping_total", "tax_total",
                  "total", "issued_at", "paid_at", "items"]


@extend_schema_view(
    list=extend_schema(tags=["admin: orders"], parameters=[OpenApiParameter("order_id", str),
                                                          OpenApiParameter("customer_id", str)]),
    retrieve=extend_schema(tags=["admin: orders"]),
)
class InvoiceViewSet(AdminReadOnlyViewSet):
    serializer_class = InvoiceOut

    def get_queryset(self):
        queryset = Invoice.objects.prefetch_related("items").order_by("-issued_at")
        for field in ("order_id", "customer_id"):
            if self.request.query_params.get(field):
                queryset = queryset.filter(**{field: self.request.query_params[field]})
        return queryset
