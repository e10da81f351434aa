"""Tax invoices: one per order, issued when its payment is captured (idempotent)."""
from django.db import connection, transaction
from django.utils import timezone

from cityos.errors import NotFound
from cityos.money import ZERO
from commerce.invoices.models import INVOICE_NUMBER_SEQUENCE, Invoice, InvoiceItem, InvoiceStatus


def _next_number() -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT nextval('{INVOICE_NUMBER_SEQUENCE}')")
        return f"INV-{cursor.fetchone()[0]:06d}"


def issue_for_order(order) -> Invoice:
    """The order's invoice (created the first time): its lines, shipping, discounts and VAT."""
    existing = Invoice.objects.filter(order=order).first()
    if existing is not None:
        return existing
    address = order.billing_address or order.shipping_address or {}
    name = " ".join(filter(None, (address.get("first_name"), address.get("last_name")))) or order.email
    now = timezone.now()
    paid = order.paid_total >= order.total
    with transaction.atomic():
        invoice = Invoice.objects.create(
            number=_next_number(), order=order, customer_id=order.customer_id,
            status=InvoiceStatus.PAID if paid else InvoiceStatus.ISSUED, currency_code=order.currency_code,
            billing_name=name[:200], billing_email=order.email, billing_address=address or None,
            subtotal=order.subtotal, discount_total=order.discount_total, shipping_total=order.shipping_total,
            tax_total=order.tax_total, total=order.total, issued_at=now, paid_at=now if paid else None)
        rows = [InvoiceItem(invoice=invoice, description=f"{line.title} — {line.variant_title}".strip(" —")[:300],
                            sku=line.sku, quantity=line.quantity, unit_price=line.unit_price,
                            discount=line.discount_total, tax_rate=line.tax_rate, tax_amount=line.tax_total,
                            total=line.total) for line in order.items.all()]
        if order.shipping_total:
            shipping_tax = order.tax_total - sum((line.tax_total for line in order.items.all()), ZERO)
            rows.append(InvoiceItem(invoice=invoice, description=f"Shipping: {order.shipping_method_name}"[:300],
                                    quantity=1, unit_price=order.shipping_total, tax_amount=shipping_tax,
                                    total=order.shipping_total + shipping_tax))
        InvoiceItem.objects.bulk_create(rows)
    return invoice


def get_invoice(invoice_id: str) -> Invoice:
    invoice = Invoice.objects.prefetch_related("items").filter(pk=invoice_id).first()
    if invoice is None:
        raise NotFound(f"No invoice {invoice_id}.", code="invoice_not_found")
    return invoice
