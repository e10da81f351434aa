"""WF-006 OrderSplitAndRouting (seeds 003 §4.3.1): a multi-vendor order, one delivery per vendor.

Trigger `cart.completed` with `is_multi_vendor` (written with `order.placed` when the order holds
products of several vendors); id `tenant:{t}:order:{order_id}:routing`. It runs beside
OrderPlacement, which captures, reserves, books and confirms the order as a whole and leaves the
deliveries to this run.

| # | Step | System |
| - | ---- | ------ |
| 1 | split_order_by_vendor — one vendor order per vendor (the same split OrderPlacement reads) | commerce |
| 2 | calculate_commissions_per_vendor | commerce |
| 3 | split_payment — waits for the capture (signal `order.payment_captured`, or `order.cancelled`: the run ends), checks it at the gateway and allocates each vendor's share | Stripe |
| 4 | create_vendor_orders — the vendor orders are accepted | commerce |
| 5 | create_delivery_orders_per_vendor — from each vendor's address (and the tenant's own lines from its warehouse) (compensation: cancel them) | Fleetbase |
| 6 | notify_vendors — `vendor-new-order` | content |
| 7 | start_fulfillments — one OrderFulfillment per delivery | engine |

Money moves to the vendors at payout time (separate charges and transfers): splitting the payment
records each vendor's share against the captured charge.
"""
from cityos.money import fmt
from commerce.marketplace import services as marketplace
from commerce.marketplace.models import VendorOrderStatus
from commerce.payments.models import Payment
from integrations import policies, registry
from workflows.definition import Step, register
from workflows.definitions.common import delivery, notify, orders, timing


def _order_id(ctx) -> str:
    return ctx.input["order_id"]


def _vendor_orders(ctx):
    return list(marketplace.vendor_orders_of(_order_id(ctx)))


def split_order_by_vendor(ctx):
    return {"vendor_orders": [{"vendor_order_id": vo.id, "vendor_id": vo.vendor_id, "items": vo.items.count()}
                              for vo in marketplace.split_order(_order_id(ctx))]}


def calculate_commissions_per_vendor(ctx):
    return {"vendors": [{"vendor_id": vo.vendor_id, "vendor_order_id": vo.id,
                         "gross": fmt(vo.subtotal, vo.currency_code),
                         "commission": fmt(vo.commission_amount, vo.currency_code),
                         "net": fmt(vo.net_amount, vo.currency_code)} for vo in _vendor_orders(ctx)]}


def split_payment(ctx):
    order = orders.load(_order_id(ctx))
    if (order.metadata or {}).get("capture_method") == "manual":
        return {"allocated": [], "reason": "captured when staff confirm the order; PaymentCapture allocates it"}
    signal = ctx.wait_for_signal(("order.payment_captured", "order.cancelled"), key=order.id,
                                 timeout=timing.seconds("capture_wait"))
    if signal is not None and signal.name == "order.cancelled":
        ctx.complete({"routed": False, "reason": "the order was cancelled"})
    payment = Payment.objects.filter(order=order).order_by("created_at").first()
    intent = registry.get("stripe", sandbox=payment.provider == "sandbox").retrieve_payment_intent(
        payment.payment_intent_id) if payment else None
    if signal is None and (intent is None or intent.get("status") != "succeeded"):
        ctx.complete({"routed": False, "reason": "the payment was not captured in time"})
    return {"payment_intent_id": intent["id"] if intent else None,
            "amount_received": intent.get("amount_received") if intent else 0,
            "allocated": marketplace.allocate_payment(order.id)}


def create_vendor_orders(ctx):
    accepted = [marketplace.set_vendor_order_status(vo.id, VendorOrderStatus.ACCEPTED).id for vo in _vendor_orders(ctx)]
    return {"accepted": accepted}


def _house_lines(order, vendor_orders):
    sold_by_vendors = {item.line_item_id for vo in vendor_orders for item in vo.items.all()}
    return [line for line in order.items.all() if line.inventory_item_id and line.pk not in sold_by_vendors]


def create_delivery_orders_per_vendor(ctx):
    order = orders.load(_order_id(ctx))
    vendor_orders = _vendor_orders(ctx)
    made = []
    for vendor_order in vendor_orders:
        lines = [item.line_item for item in vendor_order.items.select_related("line_item")]
        created = delivery.create(order, idempotency_key=f"{ctx.idempotency_key}:{vendor_order.id}", lines=lines,
                                  vendor=vendor_order.vendor, vendor_order_id=vendor_order.id)
        marketplace.set_vendor_order_status(vendor_order.id, VendorOrderStatus.ACCEPTED,
                                            delivery_order_id=created["delivery_order_id"],
                                            tracking_number=created["tracking_number"])
        made.append({**created, "escrow": vendor_order.vendor.uses_escrow})
    house = _house_lines(order, vendor_orders)
    if house:
        created = delivery.create(order, idempotency_key=f"{ctx.idempotency_key}:house", lines=house)
        made.append({**created, "items": [{"line_item_id": line.pk, "quantity": line.quantity} for line in house]})
    return {"deliveries": made}


def cancel_delivery_orders(ctx):
    return {"cancelled": [delivery.cancel(made["delivery_order_id"], idempotency_key=f"{ctx.idempotency_key}:{n}")
                          for n, made in enumerate(ctx.results["create_delivery_orders_per_vendor"]["deliveries"])]}


def notify_vendors(ctx):
    order = orders.load(_order_id(ctx))
    sent = []
    for vendor_order in _vendor_orders(ctx):
        lines = [item.line_item for item in vendor_order.items.select_related("line_item")]
        sent.append(notify.send("vendor-new-order", to=vendor_order.vendor.email, context=orders.context(
            order, vendor={"name": vendor_order.vendor.name},
            vendor_order={"id": vendor_order.id, "items": ", ".join(f"{l.quantity} × {l.title}" for l in lines),
                          "net": orders.money(order, vendor_order.net_amount),
                          "tracking_number": vendor_order.tracking_number})))
    return {"notifications": sent}


def start_fulfillments(ctx):
    started = []
    for made in ctx.results["create_delivery_orders_per_vendor"]["deliveries"]:
        vendor_order_id = made.get("vendor_order_id")
        run = ctx.start_workflow("OrderFulfillment", {
            "order_id": _order_id(ctx), "delivery_order_id": made["delivery_order_id"],
            "tracking_number": made.get("tracking_number", ""), "split": True,
            "vendor_order_ids": [vendor_order_id] if vendor_order_id else [], "escrow": bool(made.get("escrow")),
            "items": made.get("items") or [],
        }, entity_id=vendor_order_id or _order_id(ctx))
        started.append(run.workflow_id)
    return {"workflow_ids": started}


@register
class OrderSplitAndRouting(orders.KeyedByOrder):
    type = "OrderSplitAndRouting"
    domain = "order"
    action = "routing"
    entity_field = "order_id"
    signals = ("order.payment_captured", "order.cancelled")
    description = "WF-006: vendor orders, commissions, payment split, a delivery per vendor"
    steps = [
        Step("split_order_by_vendor", split_order_by_vendor),
        Step("calculate_commissions_per_vendor", calculate_commissions_per_vendor),
        Step("split_payment", split_payment, system="stripe", policy=timing.policy(policies.PAYMENT_CAPTURE),
             timeout=timing.timeout(60), description="splitPayment (after signal order.payment_captured)"),
        Step("create_vendor_orders", create_vendor_orders),
        Step("create_delivery_orders_per_vendor", create_delivery_orders_per_vendor, compensate=cancel_delivery_orders,
             system="fleetbase", policy=timing.policy(policies.LOGISTICS_CREATE),
             compensation_policy=timing.policy(policies.LOGISTICS_CANCEL), timeout=timing.timeout(300)),
        Step("notify_vendors", notify_vendors, system="content", policy=timing.policy(policies.CONTENT_NOTIFY),
             timeout=timing.timeout(30)),
        Step("start_fulfillments", start_fulfillments),
    ]


