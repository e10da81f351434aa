"""WF-002 OrderFulfillment (seeds 003 §4.3.1): a delivery from dispatch to the vendors' payout.

Started by OrderPlacement (one per order) or OrderSplitAndRouting (one per vendor order) once the
Fleetbase delivery exists, or by `order.fulfillment_started` when staff start a Fleetbase
fulfilment; id `tenant:{t}:delivery:{order or vendor order}:fulfillment`. Fleetbase's webhooks
arrive as `delivery.*` signals keyed by the Fleetbase order id.

| # | Step | System | Signals / timers |
| - | ---- | ------ | ---------------- |
| 1 | ensure_delivery — the delivery order (created here when the trigger brought none) | Fleetbase | compensation: cancel it |
| 2 | generate_pick_list — what to collect where | commerce | |
| 3 | assign_driver — dispatch (Fleetbase assigns the nearest driver) | Fleetbase | compensation: cancel the delivery |
| 4 | optimize_route — distance and ETA of the route | Fleetbase | |
| 5 | await_pickup — then the commerce fulfilment is created and shipped | Fleetbase, commerce | `delivery.order.picked_up` (deadline `pickup`) |
| 6 | track_delivery | Fleetbase | `delivery.order.in_transit` (optional) |
| 7 | await_delivery_proof | Fleetbase | `delivery.order.delivered`, then `delivery.proof.submitted` |
| 8 | confirm_delivery — fulfilment delivered (the order completes when paid); writes `delivery.completed` | commerce | |
| 9 | update_inventory_deducted — reservations released, Material Issue | ERPNext | |
| 10 | payout_hold | timer | T + `payout_hold` (7 days) |
| 11 | trigger_vendor_payout — shares payable, a payout requested per vendor (WF-010) | commerce, ERPNext | |

`delivery.order.failed` (or no pickup / delivery before its deadline) ends the run with outcome
`delivery_failed`: the Fleetbase order is cancelled if it is still open, the shopper is told
(`delivery-failed`), `delivery.failed` is written and the order waits for staff (re-dispatch or
cancel). Escrowed orders skip steps 10–11: WF-011 releases their shares.
"""
import math

from django.utils import timezone

from commerce.marketplace import services as marketplace
from commerce.marketplace.models import VendorOrder, VendorOrderStatus
from commerce.orders import services as order_services
from commerce.orders.models import Fulfillment, FulfillmentState
from integrations import policies
from workflows.definition import Step, register, sleep
from workflows.definitions.common import delivery, erp, notify, orders, timing
from workflows.definitions.common.steps import record_audit

FAILED = "delivery.order.failed"
CANCELED = "delivery.order.canceled"


def _order_id(ctx) -> str:
    return ctx.input["order_id"]


def _vendor_orders(ctx) -> list[VendorOrder]:
    ids = ctx.input.get("vendor_order_ids") or []
    return list(VendorOrder.objects.filter(pk__in=ids).select_related("vendor").order_by("pk")) if ids else []


def _lines(ctx, order):
    """The order lines this delivery carries: its vendor orders', the fulfilment's, or every
    line that is stocked."""
    if ctx.input.get("vendor_order_ids") and ctx.input.get("split"):
        wanted = {item.line_item_id for vo in _vendor_orders(ctx) for item in vo.items.all()}
        return [line for line in order.items.all() if line.pk in wanted]
    if ctx.input.get("items"):
        wanted = {item["line_item_id"] for item in ctx.input["items"]}
        return [line for line in order.items.all() if line.pk in wanted]
    return [line for line in order.items.all() if line.inventory_item_id]


def _delivery_id(ctx) -> str:
    return ctx.results["ensure_delivery"]["delivery_order_id"]


# -- 1–4 -------------------------------------------------------------------------------------------

def ensure_delivery(ctx):
    if ctx.input.get("delivery_order_id"):
        current = delivery.adapter().get_order(ctx.input["delivery_order_id"])
        return {"delivery_order_id": current["id"], "tracking_number": ctx.input.get("tracking_number", ""),
                "created_here": False}
    order = orders.load(_order_id(ctx))
    vendor_orders = _vendor_orders(ctx)
    created = delivery.create(order, idempotency_key=ctx.idempotency_key, lines=_lines(ctx, order),
                              vendor=vendor_orders[0].vendor if len(vendor_orders) == 1 else None)
    return {**created, "created_here": True}


def cancel_delivery(ctx):
    return delivery.cancel(_delivery_id(ctx), idempotency_key=ctx.idempotency_key)


def generate_pick_list(ctx):
    order = orders.load(_order_id(ctx))
    vendor_orders = _vendor_orders(ctx)
    where = vendor_orders[0].vendor.name if len(vendor_orders) == 1 else "default stock location"
    return {"pick_list": [{"line_item_id": line.pk, "sku": line.sku, "title": line.title,
                           "quantity": line.quantity, "location": where} for line in _lines(ctx, order)]}


def assign_driver(ctx):
    dispatched = delivery.adapter().dispatch_order(_delivery_id(ctx), idempotency_key=ctx.idempotency_key)
    for vendor_order in _vendor_orders(ctx):
        marketplace.set_vendor_order_status(vendor_order.id, VendorOrderStatus.FULFILLING)
    return {"status": dispatched.get("status"), "dispatched": bool(dispatched.get("dispatched"))}


def _km(a: dict, b: dict) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (a["lat"], a["lng"], b["lat"], b["lng"]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(h))


def optimize_route(ctx):
    """Fleetbase plans the driver's route when it dispatches; this records its length and an ETA
    (city traffic: 25 km/h, plus 15 minutes at each end)."""
    from integrations.fleetbase.orders import location_of

    current = delivery.adapter().get_order(_delivery_id(ctx))
    payload = current.get("payload") or {}
    pickup, dropoff = location_of(payload.get("pickup")), location_of(payload.get("dropoff"))
    if not pickup or not dropoff:
        return {"distance_km": None, "eta_minutes": None}
    distance = _km(pickup, dropoff)
    return {"distance_km": round(distance, 2), "eta_minutes": round(distance / 25 * 60 + 30)}


# -- failure path ----------------------------------------------------------------------------------

def _delivery_failed(ctx, reason: str, signal_payload: dict | None = None):
    """End the run: the courier could not deliver. The Fleetbase order is closed, the shopper
    told, `delivery.failed` written for the runs that wait on the delivery (escrow)."""
    order = orders.load(_order_id(ctx))
    cancelled = delivery.cancel(_delivery_id(ctx), idempotency_key=f"{ctx.idempotency_key}:failed")
    sent = notify.send("delivery-failed", to=order.email, context=orders.context(
        order, delivery={"reason": reason.replace("_", " "), "tracking_number": ctx.input.get("tracking_number", "")}))
    ctx.emit("delivery.failed", aggregate_type="order", aggregate_id=order.id, payload={
        "order_id": order.id, "delivery_order_id": _delivery_id(ctx), "reason": reason,
        "vendor_order_ids": ctx.input.get("vendor_order_ids") or [], **(signal_payload or {})})
    record_audit(ctx, "delivery.failed", entity_type="order", entity_id=order.id, outcome="failed",
                 summary=f"delivery failed: {reason}", details={"delivery_order_id": _delivery_id(ctx)})
    ctx.complete({"outcome": "delivery_failed", "reason": reason, "delivery": cancelled, "notification": sent})


def _failure_reason(signal) -> str:
    if signal.name == CANCELED:
        return "canceled by the courier"
    return signal.payload.get("failure_reason") or "other"


# -- 5–7: waits --------------------------------------------------------------------------------

def await_pickup(ctx):
    signal = ctx.wait_for_signal(("delivery.order.picked_up", FAILED, CANCELED), key=_delivery_id(ctx),
                                 timeout=timing.seconds("pickup"))
    if signal is None:
        _delivery_failed(ctx, "not picked up in time")
    if signal.name != "delivery.order.picked_up":
        _delivery_failed(ctx, _failure_reason(signal), signal.payload)
    order = orders.load(_order_id(ctx))
    lines = _lines(ctx, order)
    fulfillment = None
    if ctx.input.get("fulfillment_id"):  # staff started the fulfilment
        fulfillment = Fulfillment.objects.filter(order=order, pk=ctx.input["fulfillment_id"]).first()
    if fulfillment is None:
        fulfillment = Fulfillment.objects.filter(order=order, metadata__delivery_order_id=_delivery_id(ctx)).first()
    if fulfillment is None:
        fulfillment = order_services.create_fulfillment(
            order.id, items=[{"line_item_id": line.pk, "quantity": line.quantity - line.fulfilled_quantity}
                             for line in lines if line.quantity > line.fulfilled_quantity],
            provider="fleetbase", metadata={"delivery_order_id": _delivery_id(ctx)})
    if fulfillment.status == FulfillmentState.CREATED:
        tracking = ctx.results["ensure_delivery"].get("tracking_number") or ctx.input.get("tracking_number", "")
        order_services.ship_fulfillment(order.id, fulfillment.id, tracking_number=tracking)
    return {"fulfillment_id": fulfillment.id, "driver_id": signal.payload.get("driver_id"),
            "driver_name": signal.payload.get("driver_name"), "picked_up_at": signal.payload.get("picked_up_at")}


def track_delivery(ctx):
    signal = ctx.wait_for_signal(("delivery.order.in_transit", "delivery.order.delivered", FAILED, CANCELED),
                                 key=_delivery_id(ctx), timeout=timing.seconds("in_transit"))
    if signal is None:
        return {"in_transit": None}
    if signal.name in (FAILED, CANCELED):
        _delivery_failed(ctx, _failure_reason(signal), signal.payload)
    if signal.name == "delivery.order.delivered":
        return {"delivered": signal.payload}
    return {"in_transit": {"position": signal.payload.get("current_position"),
                           "estimated_delivery_at": signal.payload.get("estimated_delivery_at")}}


def await_delivery_proof(ctx):
    delivered = (ctx.results.get("track_delivery") or {}).get("delivered")
    if delivered is None:
        signal = ctx.wait_for_signal(("delivery.order.delivered", FAILED, CANCELED), key=_delivery_id(ctx),
                                     timeout=timing.seconds("delivery"))
        if signal is None:
            _delivery_failed(ctx, "not delivered in time")
        if signal.name != "delivery.order.delivered":
            _delivery_failed(ctx, _failure_reason(signal), signal.payload)
        delivered = signal.payload
    proof = ctx.wait_for_signal("delivery.proof.submitted", key=_delivery_id(ctx),
                                timeout=timing.seconds("delivery_proof"))
    return {"delivered_at": delivered.get("delivered_at"), "recipient_name": delivered.get("recipient_name"),
            "proof": None if proof is None else {"type": proof.payload.get("proof_type"),
                                                 "url": proof.payload.get("proof_url")}}


# -- 8–11 ------------------------------------------------------------------------------------------

def confirm_delivery(ctx):
    order_id = _order_id(ctx)
    fulfillment_id = ctx.results["await_pickup"]["fulfillment_id"]
    order_services.deliver_fulfillment(order_id, fulfillment_id)
    for vendor_order in _vendor_orders(ctx):
        marketplace.set_vendor_order_status(vendor_order.id, VendorOrderStatus.DELIVERED)
    order = orders.load(order_id)
    lines = _lines(ctx, order)
    all_delivered = order.fulfillment_status == "delivered"
    ctx.emit("delivery.completed", aggregate_type="order", aggregate_id=order_id, payload={
        "order_id": order_id, "customer_id": order.customer_id, "customer_email": order.email,
        "delivery_order_id": _delivery_id(ctx), "vendor_order_ids": ctx.input.get("vendor_order_ids") or [],
        "delivered_at": (ctx.results.get("await_delivery_proof") or {}).get("delivered_at")
        or timezone.now().isoformat(), "all_delivered": all_delivered,
        "products": [{"product_id": line.product_id, "title": line.title, "thumbnail": line.thumbnail}
                     for line in lines]})
    return {"order_status": order.status, "fulfillment_status": order.fulfillment_status,
            "all_delivered": all_delivered}


def update_inventory_deducted(ctx):
    order = orders.load(_order_id(ctx))
    refs = order_services.external_refs(order.id, "erpnext")
    by_item = refs.get("reservations_by_item") or {}
    adapter = erp.adapter()
    issued = []
    for line in _lines(ctx, order):
        code = erp.item_code(line.sku)
        if code in by_item:
            adapter.release_stock(by_item[code], idempotency_key=f"{ctx.idempotency_key}:release:{code}")
        issued.append({"item_code": code, "qty": line.quantity, "s_warehouse": erp.warehouse()})
    if not issued or not by_item:
        return {"stock_entry": None, "reason": "ERPNext holds no reservation for these goods"}
    entry = adapter.create_stock_entry(stock_entry_type="Material Issue", items=issued,
                                       idempotency_key=f"{ctx.idempotency_key}:issue")
    order_services.record_external_refs(order.id, "erpnext", {"stock_entries": [entry["name"]]})
    return {"stock_entry": entry["name"], "released": [by_item[i["item_code"]] for i in issued
                                                       if i["item_code"] in by_item]}


def _pays_vendors(ctx) -> bool:
    return bool(ctx.input.get("vendor_order_ids")) and not ctx.input.get("escrow")


def trigger_vendor_payout(ctx):
    order = orders.load(_order_id(ctx))
    vendor_orders = _vendor_orders(ctx)
    released = marketplace.release_commissions(order.id, reason="delivered and past the payout hold",
                                               vendor_order_ids=[vo.id for vo in vendor_orders])
    entry = erp.post_vendor_release(order, vendor_orders, idempotency_key=f"{ctx.idempotency_key}:release",
                                    reason="delivered") if released else None
    payouts = [marketplace.request_payout(vendor_id) for vendor_id in sorted({vo.vendor_id for vo in vendor_orders})]
    return {"released": [tx.id for tx in released], "journal_entry": entry,
            "payouts": [payout.id for payout in payouts if payout is not None]}


@register
class OrderFulfillment(orders.NeedsOrder):
    type = "OrderFulfillment"
    domain = "delivery"
    action = "fulfillment"
    entity_field = "order_id"
    description = "WF-002: dispatch, pickup, tracking, proof of delivery, stock deduction, vendor payout"
    steps = [
        Step("ensure_delivery", ensure_delivery, compensate=cancel_delivery, system="fleetbase",
             policy=timing.policy(policies.LOGISTICS_CREATE), timeout=timing.timeout(300)),
        Step("generate_pick_list", generate_pick_list, description="generatePickList"),
        Step("assign_driver", assign_driver, compensate=cancel_delivery, system="fleetbase",
             policy=timing.policy(policies.LOGISTICS_ASSIGN_DRIVER),
             compensation_policy=timing.policy(policies.LOGISTICS_CANCEL), timeout=timing.timeout(60), description="assignDriver"),
        Step("optimize_route", optimize_route, system="fleetbase", policy=timing.policy(policies.LOGISTICS_ETA),
             timeout=timing.timeout(30), description="optimizeRoute"),
        Step("await_pickup", await_pickup, system="fleetbase", policy=timing.policy(policies.LOGISTICS_TRACKING),
             description="awaitPickup (signal delivery.order.picked_up)"),
        Step("track_delivery", track_delivery, system="fleetbase", policy=timing.policy(policies.LOGISTICS_TRACKING),
             description="trackDelivery (signal delivery.order.in_transit)"),
        Step("await_delivery_proof", await_delivery_proof, system="fleetbase",
             policy=timing.policy(policies.LOGISTICS_TRACKING),
             description="awaitDeliveryProof (signals delivery.order.delivered, delivery.proof.submitted)"),
        Step("confirm_delivery", confirm_delivery, description="confirmDelivery"),
        Step("update_inventory_deducted", update_inventory_deducted, system="erpnext",
             policy=timing.policy(policies.ERP_INVENTORY), timeout=timing.timeout(60), description="updateInventoryDeducted"),
        sleep("payout_hold", seconds=lambda ctx: timing.seconds("payout_hold"), when=_pays_vendors,
              description="triggerVendorPayout timer (T + 7 days)"),
        Step("trigger_vendor_payout", trigger_vendor_payout, system="erpnext", when=_pays_vendors,
             policy=timing.policy(policies.ERP_SYNC_ORDER), timeout=timing.timeout(60), description="triggerVendorPayout"),
    ]


    @classmethod
    def input_from_event(cls, event) -> dict:
        payload = event.payload or {}
        if not payload.get("order_id"):
            raise ValueError(f"{event.event_type} without an order_id cannot start a delivery")
        return {"order_id": payload["order_id"], "fulfillment_id": payload.get("fulfillment_id"),
                "items": payload.get("items") or [], "delivery_order_id": payload.get("delivery_order_id"),
                "vendor_order_ids": payload.get("vendor_order_ids") or []}

    @classmethod
    def key_from_event(cls, event) -> tuple[str, str]:
        return cls.domain, (event.payload or {}).get("order_id") or event.aggregate_id
