"""Tax invoices of orders, issued when the payment is captured (numbers are per tenant)."""
from django.db import models

from cityos.ids import PrefixedIdField
from cityos.money import money_field
from commerce.core.models import Timestamped, currency_field

INVOICE_NUMBER_SEQUENCE = "invoices_number_seq"


class InvoiceStatus(models.TextChoices):
    ISSUED = "issued", "Issued"
    PAID = "paid", "Paid"
    VOID = "void", "Void"


class Invoice(Timestamped):
    id = PrefixedIdField(prefix="inv")
    number = models.CharField(max_length=30, unique=True)
    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="invoice")
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="invoices")
    status = models.CharField(max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED)
    currency_code = currency_field()
    billing_name = models.CharField(max_length=200, blank=True)
    billing_email = models.EmailField(blank=True)
    billing_address = models.JSONField(null=True, blank=True)
    subtotal = money_field()
    discount_total = money_field()
    shipping_total = money_field()
    tax_total = money_field()
    total = money_field()
    issued_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self):
        return self.number


class InvoiceItem(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="items")
    description = models.CharField(max_length=300)
    sku = models.CharField(max_length=100, blank=True)
    quantity = models.PositiveIntegerField()
    unit_price = money_field()
    discount = money_field()
    tax_rate = models.DecimalField(max_digits=6, decimal_places=4, default=0)
    tax_amount = money_field()
    total = money_field()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.description
