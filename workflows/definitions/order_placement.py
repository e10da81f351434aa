"""WF-001 OrderPlacement (seeds 003 §4.3.1): what happens once a shopper's order is placed.

Trigger `order.placed` (one run per order: `tenant:{t}:order:{order_id}:placement`).

| # | Step | System | Compensation |
| - | ---- | ------ | ------------ |
| 1 | capture_payment — capture the authorisation (`payments.capture_payment`; the first instalment of a plan) | Stripe | cancel the order: refund what was captured, release the authorisation and the stock |
| 2 | verify_identity — when a product requires it: Walt.id KYC, waits for `kyc.verification.*` | Walt.id | — |
| 3 | reserve_inventory — customer, items, Sales Order and Stock Reservation Entries | ERPNext | cancel the reservations and the Sales Order |
| 4 | calculate_commissions — vendor orders and their commission ledger | commerce | reverse the commissions |
| 5 | create_delivery_order — quote and delivery (single-vendor orders; WF-006 routes multi-vendor ones) | Fleetbase | cancel the delivery |
| 6 | create_accounting_entries — Sales Invoice, Payment Entry, gift-card and vendor journal entries | ERPNext | cancel them |
| 7 | send_confirmation — the tenant's `order-confirmation` e-mail | content | — |
| 8 | record_audit_log | audit | — |
| 9 | start_fulfillment — starts WF-002 for the delivery | engine | — |

A non-retryable failure (a declined capture, an address no courier serves, stock ERPNext does not
have after its retries, a rejected identity check) compensates the completed steps in reverse:
the order ends cancelled, its money refunded or released, and `order.cancelled` starts WF-003,
which tells the shopper. The seeds' confirmation signals (`payment.captured`,
`inventory.reserved`, `delivery.created`) are the adapters' own answers here: Stripe's capture,
ERPNext's submitted reservation and Fleetbase's created order are returned by the calls.
"""
from decimal import Decimal

from cityos.money import ZERO, fmt, round_money
from commerce.marketplace import services as marketplace
from commerce.orders import services as order_services
from commerce.payments import installments, services as payments
from commerce.payments.models import Payment
from integrations import errors, policies, registry
from workflows.definition import COMPENSATION_POLICY, Step, register
from workflows.definitions.common import delivery, erp, notify, orders, timing
from workflows.definitions.common.steps import audit_step, undo_if_final

CAPTURE_POLICY = timing.policy(policies.PAYMENT_CAPTURE)
RESERVE_POLICY = timing.policy(policies.ERP_INVENTORY, conditional=("InventoryUnavailableError",), initial_interval=30,
                               max_interval=300)
DELIVERY_POLICY = timing.policy(policies.LOGISTICS_CREATE)
ACCOUNTING_POLICY = timing.policy(policies.ERP_INVOICE)
NOTIFY_POLICY = timing.policy(policies.CONTENT_NOTIFY)
IDENTITY_POLICY = timing.policy(policies.IDENTITY_VERIFY)
UNDO_POLICY = timing.policy(COMPENSATION_POLICY)


def _order_id(ctx) -> str:
    return ctx.input["order_id"]


# -- 1. payment ------------------------------------------------------------------------------------

def capture_payment(ctx):
    order_id = _order_id(ctx)
    if ctx.input.get("capture_method") == "manual":
        return {"captured": False, "reason": "captured when staff confirm the order (PaymentCapture)"}
    payment = Payment.objects.filter(order_id=order_id).order_by("created_at").first()
    if payment is None:
        return {"captured": False, "reason": "nothing to pay"}
    amount = installments.first_amount(order_id) if ctx.input.get("installment_plan") else None
    order = payments.capture_payment(order_id, amount, idempotency_key=ctx.idempotency_key)
    return {"captured": True, "payment_intent_id": payment.payment_intent_id,
            "paid_total": fmt(order.paid_total, order.currency_code), "payment_status": order.payment_status}


def cancel_and_refund(ctx):
    """refundPayment: cancel the order in commerce — what was captured is refunded, an open
    authorisation released, the stock, promotion uses and gift-card balances given back."""
    failure = ctx.error or {}
    reason = f"placement failed at {failure.get('step')}: {failure.get('error_class')}: {failure.get('message', '')}"
    order = order_services.cancel_order(_order_id(ctx), reason=reason[:300])
    return {"status": order.status, "payment_status": order.payment_status,
            "refunded": fmt(order.refunded_total, order.currency_code)}


# -- 2. identity -----------------------------------------------------------------------------------

def verify_identity(ctx):
    order = orders.load(_order_id(ctx))
    session = registry.get("waltid").start_kyc(entity_type="customer", entity_id=order.customer_id or order.email,
                                                idempotency_key=ctx.idempotency_key)
    session_id = session["session_id"]
    outcome = ctx.wait_for_signal(("kyc.verification.approved", "kyc.verification.rejected"), key=session_id,
                                  timeout=timing.seconds("identity_verification"))
    if outcome is None:
        raise errors.CredentialVerificationFailedError("The shopper's identity was not verified in time.",
                                                       system="waltid", details={"session_id": session_id})
    if outcome.name == "kyc.verification.rejected":
        raise errors.CredentialVerificationFailedError(
            f"The shopper's identity check was rejected ({outcome.payload.get('rejection_reason') or 'no reason'}).",
            system="waltid", details={"session_id": session_id})
    return {"session_id": session_id, "verified": True}


# -- 3. ERPNext stock ------------------------------------------------------------------------------

def stock_lines(order):
    return [line for line in order.items.all() if line.inventory_item_id and not line.is_giftcard]


def reserve_inventory(ctx):
    order = orders.load(_order_id(ctx))
    lines = stock_lines(order)
    if not lines:
        return {"sales_order": None, "reservations": [], "reason": "nothing to take from stock"}
    adapter = erp.adapter()
    made = {"sales_order": None, "reservations": [], "reservations_by_item": {}}

    def undo():
        _release(adapter, made, f"{ctx.idempotency_key}:undo")

    with undo_if_final(ctx, RESERVE_POLICY, undo):
        customer = erp.ensure_customer(order)
        rows = []
        for line in lines:
            code = erp.ensure_item(line.sku, line.title)
            erp.ensure_opening_stock(code, line.inventory_item_id)
            rows.append({"item_code": code, "qty": line.quantity, "rate": line.unit_price, "warehouse": erp.warehouse()})
        sales_order = adapter.create_sales_order(customer=customer, items=rows, currency=order.currency_code,
                                                 idempotency_key=f"{ctx.idempotency_key}:sales-order")
        made["sales_order"] = sales_order["name"]
        for row in rows:
            reservation = adapter.reserve_stock(item_code=row["item_code"], warehouse=row["warehouse"], qty=row["qty"],
                                                sales_order=sales_order["name"],
                                                idempotency_key=f"{ctx.idempotency_key}:{row['item_code']}")
            made["reservations"].append(reservation["name"])
            made["reservations_by_item"][row["item_code"]] = reservation["name"]
    order_services.record_external_refs(order.id, "erpnext", {
        "customer": customer, "sales_order": sales_order["name"], "reservations": made["reservations"],
        "reservations_by_item": made["reservations_by_item"]})
    return {"customer": customer, **made}


def _release(adapter, made: dict, key: str) -> dict:
    for name in made.get("reservations") or []:
        adapter.release_stock(name, idempotency_key=f"{key}:{name}")
    if made.get("sales_order"):
        adapter.cancel_document("Sales Order", made["sales_order"], idempotency_key=f"{key}:sales-order")
    return {"released": made.get("reservations") or [], "sales_order_cancelled": made.get("sales_order")}


def release_inventory(ctx):
    done = ctx.results.get("reserve_inventory") or {}
    released = _release(erp.adapter(), done, ctx.idempotency_key)
    if done.get("sales_order"):
        order_services.record_external_refs(_order_id(ctx), "erpnext", {"reservations_released": True,
                                                                       "sales_order_cancelled": True})
    return released


# -- 4. commissions --------------------------------------------------------------------------------

def calculate_commissions(ctx):
    vendor_orders = marketplace.split_order(_order_id(ctx))
    return {"vendor_orders": [{"vendor_order_id": vo.id, "vendor_id": vo.vendor_id,
                               "subtotal": fmt(vo.subtotal, vo.currency_code),
                               "commission": fmt(vo.commission_amount, vo.currency_code),
                               "net": fmt(vo.net_amount, vo.currency_code)} for vo in vendor_orders]}


def reverse_commissions(ctx):
    reversed_ = marketplace.reverse_order_commissions(_order_id(ctx), reference=f"placement failed ({ctx.workflow_id})")
    return {"reversed": [tx.id for tx in reversed_]}


# -- 5. delivery -----------------------------------------------------------------------------------

def needs_delivery(order) -> str | None:
    """Why the order needs no courier (None: it does)."""
    if not order.shipping_address:
        return "no shipping address"
    option = order.shipping_option
    if option is not None and option.is_pickup:
        return "picked up by the shopper"
    if not any(line.inventory_item_id for line in order.items.all()):
        return "nothing to ship"
    return None


def create_delivery_order(ctx):
    order = orders.load(_order_id(ctx))
    reason = needs_delivery(order)
    if reason:
        return {"delivery_order_id": None, "reason": reason}
    vendor_orders = list(marketplace.vendor_orders_of(order.id))
    vendor = vendor_orders[0].vendor if len(vendor_orders) == 1 else None
    created = delivery.create(order, idempotency_key=ctx.idempotency_key, vendor=vendor,
                              vendor_order_id=vendor_orders[0].id if vendor else "")
    for vendor_order in vendor_orders:
        marketplace.set_vendor_order_status(vendor_order.id, "accepted", delivery_order_id=created["delivery_order_id"],
                                            tracking_number=created["tracking_number"])
    return created


def cancel_delivery_order(ctx):
    created = ctx.results.get("create_delivery_order") or {}
    if not created.get("delivery_order_id"):
        return {"canceled": False, "reason": "no delivery was created"}
    return delivery.cancel(created["delivery_order_id"], idempotency_key=ctx.idempotency_key)


# -- 6. accounting ---------------------------------------------------------------------------------

def _unit_rate(total: Decimal, quantity: int) -> Decimal:
    return (total / quantity).quantize(Decimal("0.0001"))


def invoice_rows(order) -> list[dict]:
    """Each line at what the shopper paid for it (discount and VAT included), plus shipping."""
    rows, lines_total = [], ZERO
    for line in order.items.all():
        service = not line.inventory_item_id or line.is_giftcard
        code = erp.ensure_item(line.sku, line.title, service=service)
        rows.append({"item_code": code, "qty": line.quantity, "rate": _unit_rate(line.total, line.quantity)})
        lines_total += line.total
    shipping = round_money(order.total + order.gift_card_total - lines_total, order.currency_code)
    if shipping > ZERO:
        rows.append({"item_code": erp.ensure_item(erp.SHIPPING_ITEM, "Shipping", service=True), "qty": 1,
                     "rate": shipping})
    return rows


def vendor_journal_rows(order) -> list[dict]:
    """The vendors' share of the sale becomes a payable, the tenant's commission its income."""
    rows, gross = [], ZERO
    for vendor_order in marketplace.vendor_orders_of(order.id):
        supplier = erp.ensure_supplier(vendor_order.vendor)
        gross += vendor_order.subtotal
        if vendor_order.net_amount > ZERO:
            rows.append({"account": erp.account("Vendor Payables"), "credit": vendor_order.net_amount,
                         "party_type": "Supplier", "party": supplier})
        if vendor_order.commission_amount > ZERO:
            rows.append({"account": erp.account("Commission Income"), "credit": vendor_order.commission_amount})
    if rows:
        rows.insert(0, {"account": erp.account("Sales"), "debit": gross})
    return rows


def create_accounting_entries(ctx):
    order = orders.load(_order_id(ctx))
    adapter = erp.adapter()
    key = ctx.idempotency_key
    refs = (order.external_refs or {}).get("erpnext") or {}
    made = {"journal_entries": []}

    def undo():
        _reverse(adapter, made, f"{key}:undo")

    with undo_if_final(ctx, ACCOUNTING_POLICY, undo):
        customer = refs.get("customer") or erp.ensure_customer(order)
        invoice = adapter.create_sales_invoice(customer=customer, items=invoice_rows(order),
                                               currency=order.currency_code, idempotency_key=f"{key}:invoice",
                                               sales_order=refs.get("sales_order"))
        made["sales_invoice"] = invoice["name"]
        payment = Payment.objects.filter(order=order).order_by("created_at").first()
        if order.paid_total > ZERO and payment is not None:
            outstanding = Decimal(str(invoice.get("outstanding_amount") or invoice.get("grand_total") or 0))
            entry = adapter.create_payment_entry(
                party=customer, paid_amount=order.paid_total, currency=order.currency_code,
                paid_from=erp.account("Debtors"), paid_to=erp.account("Stripe Clearing"),
                reference_no=payment.payment_intent_id, idempotency_key=f"{key}:payment",
                invoices=[{"name": invoice["name"], "amount": min(order.paid_total, outstanding)}])
            made["payment_entry"] = entry["name"]
        if order.gift_card_total > ZERO:
            entry = adapter.create_journal_entry(idempotency_key=f"{key}:gift-cards", user_remark=(
                f"Order #{order.display_id} paid with gift cards"), accounts=[
                {"account": erp.account("Refunds Payable"), "debit": order.gift_card_total},
                {"account": erp.account("Debtors"), "credit": order.gift_card_total, "party_type": "Customer",
                 "party": customer}])
            made["journal_entries"].append(entry["name"])
        rows = vendor_journal_rows(order)
        if rows:
            entry = adapter.create_journal_entry(accounts=rows, idempotency_key=f"{key}:commissions",
                                                 user_remark=f"Vendor shares of order #{order.display_id}")
            made["journal_entries"].append(entry["name"])
    order_services.record_external_refs(order.id, "erpnext", made)
    return made


def _reverse(adapter, made: dict, key: str) -> dict:
    cancelled = []
    for name in reversed(made.get("journal_entries") or []):
        adapter.cancel_document("Journal Entry", name, idempotency_key=f"{key}:{name}")
        cancelled.append(name)
    for doctype, field in (("Payment Entry", "payment_entry"), ("Sales Invoice", "sales_invoice")):
        if made.get(field):
            adapter.cancel_document(doctype, made[field], idempotency_key=f"{key}:{made[field]}")
            cancelled.append(made[field])
    return {"cancelled": cancelled}


def reverse_accounting_entries(ctx):
    result = _reverse(erp.adapter(), ctx.results.get("create_accounting_entries") or {}, ctx.idempotency_key)
    order_services.record_external_refs(_order_id(ctx), "erpnext", {"accounting_reversed": True})
    return result


# -- 7–9 -------------------------------------------------------------------------------------------

def send_confirmation(ctx):
    order = orders.load(_order_id(ctx))
    created = ctx.results.get("create_delivery_order") or {}
    context = orders.context(order, delivery={"tracking_number": created.get("tracking_number") or ""})
    return notify.send("order-confirmation", to=order.email, context=context)


def start_fulfillment(ctx):
    created = ctx.results["create_delivery_order"]
    vendor_orders = (ctx.results.get("calculate_commissions") or {}).get("vendor_orders") or []
    run = ctx.start_workflow("OrderFulfillment", {
        "order_id": _order_id(ctx), "delivery_order_id": created["delivery_order_id"],
        "tracking_number": created.get("tracking_number", ""),
        "vendor_order_ids": [vo["vendor_order_id"] for vo in vendor_orders], "escrow": bool(ctx.input.get("escrow")),
    }, entity_id=_order_id(ctx))
    return {"workflow_id": run.workflow_id}


def _delivery_created(ctx) -> bool:
    return bool((ctx.results.get("create_delivery_order") or {}).get("delivery_order_id"))


@register
class OrderPlacement(orders.NeedsOrder):
    type = "OrderPlacement"
    domain = "order"
    action = "placement"
    entity_field = "order_id"
    description = "WF-001: capture, identity, ERPNext stock, commissions, delivery, accounting, confirmation"
    steps = [
        Step("capture_payment", capture_payment, compensate=cancel_and_refund, system="stripe", policy=CAPTURE_POLICY,
             compensation_policy=UNDO_POLICY, timeout=timing.timeout(120), description="capturePayment / refundPayment"),
        Step("verify_identity", verify_identity, system="waltid", policy=IDENTITY_POLICY, timeout=timing.timeout(60),
             when=lambda ctx: bool(ctx.input.get("requires_identity_verification")),
             description="verifyIdentity (if required)"),
        Step("reserve_inventory", reserve_inventory, compensate=release_inventory, system="erpnext",
             policy=RESERVE_POLICY, compensation_policy=UNDO_POLICY, timeout=timing.timeout(60),
             description="reserveInventory / releaseInventory"),
        Step("calculate_commissions", calculate_commissions, compensate=reverse_commissions,
             compensation_policy=UNDO_POLICY, description="calculateCommissions / reverseCommissions"),
        Step("create_delivery_order", create_delivery_order, compensate=cancel_delivery_order, system="fleetbase",
             policy=DELIVERY_POLICY, compensation_policy=timing.policy(policies.LOGISTICS_CANCEL), timeout=timing.timeout(300),
             when=lambda ctx: not ctx.input.get("is_multi_vendor"),
             description="createDeliveryOrder / cancelDeliveryOrder"),
        Step("create_accounting_entries", create_accounting_entries, compensate=reverse_accounting_entries,
             system="erpnext", policy=ACCOUNTING_POLICY, compensation_policy=UNDO_POLICY, timeout=timing.timeout(60),
             description="createAccountingEntries / reverseAccountingEntries"),
        Step("send_confirmation", send_confirmation, system="content", policy=NOTIFY_POLICY, timeout=timing.timeout(30),
             description="sendOrderConfirmation"),
        audit_step("order.placed", entity_type="order", entity_id=_order_id,
                   summary=lambda ctx: f"order placed and confirmed ({ctx.input.get('email', '')})",
                   details=lambda ctx: {"payment": ctx.results.get("capture_payment"),
                                        "delivery": ctx.results.get("create_delivery_order")}),
        Step("start_fulfillment", start_fulfillment, when=_delivery_created,
             description="start OrderFulfillment (WF-002)"),
    ]

