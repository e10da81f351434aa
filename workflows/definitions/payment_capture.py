"""WF-009 PaymentCapture (seeds 003 §4.3.2): capturing an authorisation outside placement.

OrderPlacement captures orders when they are placed. Orders placed with `capture_method: manual`
(cart metadata; e.g. goods made to order, captured once staff confirm them) keep their
authorisation until staff ask for the capture — `POST /admin/api/orders/{id}/capture-requests`
writes `payment.capture_requested`, which starts this run (`checkout.completed` too, for
gateways that report checkouts themselves); id `tenant:{t}:payment:{order_id}:capture`.

| # | Step | System |
| - | ---- | ------ |
| 1 | capture_payment_intent — `payments.capture_payment` (all, or the requested amount) | Stripe |
| 2 | split_payment_to_vendors — each vendor's share allocated to the capture (marketplace orders) | commerce |
| 3 | hold_platform_commission — the commission stays on the platform's account until payouts | commerce |
| 4 | record_transaction — the captured payment and the tax invoice it issued | commerce |
| 5 | create_accounting_entry — Payment Entry against the order's Sales Invoice (else a journal entry) | ERPNext |
| 6 | record_audit_log | audit |
"""
from decimal import Decimal

from cityos.money import ZERO, fmt
from commerce.invoices.models import Invoice
from commerce.marketplace import services as marketplace
from commerce.orders import services as order_services
from commerce.payments import services as payments
from commerce.payments.models import Payment
from integrations import policies
from workflows.definition import Step, register
from workflows.definitions.common import erp, orders, timing
from workflows.definitions.common.steps import audit_step


def _order_id(ctx) -> str:
    return ctx.input["order_id"]


def capture_payment_intent(ctx):
    amount = ctx.input.get("amount")
    order = payments.capture_payment(_order_id(ctx), None if amount in (None, "") else Decimal(str(amount)),
                                     idempotency_key=ctx.idempotency_key)
    payment = Payment.objects.filter(order=order).order_by("created_at").first()
    return {"payment_intent_id": payment.payment_intent_id, "captured": fmt(payment.captured_amount, order.currency_code),
            "payment_status": order.payment_status}


def split_payment_to_vendors(ctx):
    return {"allocated": marketplace.allocate_payment(_order_id(ctx))}


def hold_platform_commission(ctx):
    vendor_orders = list(marketplace.vendor_orders_of(_order_id(ctx)))
    currency = vendor_orders[0].currency_code if vendor_orders else "SAR"
    total = sum((vo.commission_amount for vo in vendor_orders), ZERO)
    return {"commission_held": fmt(total, currency), "currency_code": currency,
            "note": "kept on the platform's account; vendors receive their net share at payout"}


def record_transaction(ctx):
    order = orders.load(_order_id(ctx))
    payment = Payment.objects.filter(order=order).order_by("created_at").first()
    invoice = Invoice.objects.filter(order=order).values_list("number", flat=True).first()
    return {"payment_id": payment.id, "captured_at": payment.captured_at.isoformat() if payment.captured_at else None,
            "invoice": invoice, "paid_total": fmt(order.paid_total, order.currency_code)}


def create_accounting_entry(ctx):
    order = orders.load(_order_id(ctx))
    if order.paid_total <= ZERO:
        return {"payment_entry": None, "reason": "nothing captured"}
    adapter = erp.adapter()
    refs = order_services.external_refs(order.id, "erpnext")
    customer = refs.get("customer") or erp.ensure_customer(order)
    payment = Payment.objects.filter(order=order).order_by("created_at").first()
    if refs.get("sales_invoice"):
        invoice = adapter.get_document("Sales Invoice", refs["sales_invoice"])
        outstanding = Decimal(str(invoice.get("outstanding_amount") or 0))
        entry = adapter.create_payment_entry(
            party=customer, paid_amount=order.paid_total, currency=order.currency_code,
            paid_from=erp.account("Debtors"), paid_to=erp.account("Stripe Clearing"),
            reference_no=payment.payment_intent_id, idempotency_key=ctx.idempotency_key,
            invoices=[{"name": invoice["name"], "amount": min(order.paid_total, outstanding)}] if outstanding else [])
        order_services.record_external_refs(order.id, "erpnext", {"payment_entry": entry["name"]})
        return {"payment_entry": entry["name"]}
    entry = adapter.create_journal_entry(idempotency_key=ctx.idempotency_key, user_remark=(
        f"Capture of order #{order.display_id}"), accounts=[
        {"account": erp.account("Stripe Clearing"), "debit": order.paid_total},
        {"account": erp.account("Debtors"), "credit": order.paid_total, "party_type": "Customer", "party": customer}])
    order_services.record_external_refs(order.id, "erpnext", {"journal_entries": [entry["name"]]})
    return {"journal_entry": entry["name"]}


def _has_vendors(ctx) -> bool:
    return marketplace.vendor_orders_of(_order_id(ctx)).exists()


@register
class PaymentCapture(orders.KeyedByOrder):
    type = "PaymentCapture"
    domain = "payment"
    action = "capture"
    entity_field = "order_id"
    description = "WF-009: capture, vendor split, platform commission, transaction, ERPNext entry, audit"
    steps = [
        Step("capture_payment_intent", capture_payment_intent, system="stripe",
             policy=timing.policy(policies.PAYMENT_CAPTURE), timeout=timing.timeout(120)),
        Step("split_payment_to_vendors", split_payment_to_vendors, when=_has_vendors),
        Step("hold_platform_commission", hold_platform_commission, when=_has_vendors),
        Step("record_transaction", record_transaction),
        Step("create_accounting_entry", create_accounting_entry, system="erpnext",
             policy=timing.policy(policies.ERP_INVOICE), timeout=timing.timeout(60)),
        audit_step("payment.captured", entity_type="order", entity_id=_order_id,
                   summary=lambda ctx: f"payment captured: {ctx.results['capture_payment_intent']['captured']}"),
    ]


