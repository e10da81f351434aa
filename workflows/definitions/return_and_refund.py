"""WF-004 ReturnAndRefund (seeds 003 §4.3.1): from a return request to the refund.

Trigger `return.requested` (`POST /store/orders/{id}/returns`); id
`tenant:{t}:return:{return_id}:refund`. The goods' arrival is a signal: `return.arrived` (staff
`POST /admin/api/returns/{id}/arrived`), or — for a courier pickup — Fleetbase's
`delivery.order.delivered` of the pickup; `return.received` means staff received and refunded it
in one go (`…/receive`), and the run only finishes the bookkeeping.

| # | Step | System |
| - | ---- | ------ |
| 1 | validate_return_eligibility — delivered, inside the return window (else rejected, shopper told) | commerce |
| 2 | create_return_shipment — a courier pickup when the return method is `pickup` (compensation: cancel it) | Fleetbase |
| 3 | await_return_receipt — signal, deadline `return_receipt` (else the return is rejected) | signal |
| 4 | inspect_return_items — resaleable (unopened, opened) or written off (damaged, defective) | commerce |
| 5 | process_refund — commerce refunds (card or store credit) and restocks; the refund journal entry | Stripe, ERPNext |
| 6 | restock_items — Material Receipt of the resaleable goods | ERPNext |
| 7 | reverse_commissions — the vendors' share of the refunded value | commerce |
| 8 | send_refund_confirmation — `refund-confirmation` | content |
| 9 | record_audit_log | audit |
"""
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from cityos.errors import InvalidInput
from cityos.money import ZERO, fmt, round_money
from commerce.marketplace import services as marketplace
from commerce.orders import services as order_services
from commerce.orders.models import FulfillmentState, ItemCondition, RefundMethod, Return, ReturnStatus
from integrations import policies
from workflows.definition import Step, Workflow, register
from workflows.definitions.common import delivery, erp, notify, orders, places, timing
from workflows.definitions.common.steps import audit_step, record_audit

RESALEABLE = (ItemCondition.UNOPENED, ItemCondition.OPENED)


def _return_id(ctx) -> str:
    return ctx.input["return_id"]


def _load(ctx) -> Return:
    return Return.objects.select_related("order").prefetch_related("items__line_item").get(pk=_return_id(ctx))


def return_window_days() -> int:
    return int(getattr(settings, "COMMERCE_RETURN_WINDOW_DAYS", 30))


def _reject(ctx, reason: str):
    ret = order_services.reject_return(_return_id(ctx), reason=reason)
    order = orders.load(ret.order_id)
    sent = notify.send("return-rejected", to=order.email,
                       context=orders.context(order, **{"return": {"id": ret.id, "reason": reason}}))
    record_audit(ctx, "return.rejected", entity_type="return", entity_id=ret.id, outcome="rejected", summary=reason)
    ctx.complete({"refunded": False, "reason": reason, "notification": sent})


def validate_return_eligibility(ctx):
    ret = _load(ctx)
    if ret.status == ReturnStatus.REJECTED:
        ctx.complete({"refunded": False, "reason": "rejected by staff"})
    delivered = [f.delivered_at for f in ret.order.fulfillments.filter(status=FulfillmentState.DELIVERED)
                 if f.delivered_at]
    if not delivered:
        _reject(ctx, "the order has not been delivered")
    if timezone.now() - max(delivered) > timedelta(days=return_window_days()):
        _reject(ctx, f"the {return_window_days()}-day return window has passed")
    return {"eligible": True, "refund_amount": fmt(ret.refund_amount, ret.order.currency_code),
            "return_method": ret.return_method, "refund_method": ret.refund_method}


def create_return_shipment(ctx):
    ret = _load(ctx)
    order = ret.order
    pickup = places.place(order.shipping_address, name=orders.customer_name(order), role="pickup")
    dropoff = places.pickup_for()  # the warehouse
    fleetbase = delivery.adapter()
    quote = fleetbase.get_service_quote(pickup=pickup, dropoff=dropoff, currency=order.currency_code)
    created = fleetbase.create_delivery_order(
        pickup=pickup, dropoff=dropoff, idempotency_key=ctx.idempotency_key, service_quote=quote["id"],
        packages=[{"name": item.line_item.title, "sku": item.line_item.sku, "quantity": item.quantity}
                  for item in ret.items.all()],
        meta={"order_id": order.id, "return_id": ret.id}, notes=f"Return {ret.id} of order #{order.display_id}")
    fleetbase.dispatch_order(created["id"], idempotency_key=f"{ctx.idempotency_key}:dispatch")
    return {"delivery_order_id": created["id"]}


def cancel_return_shipment(ctx):
    return delivery.cancel(ctx.results["create_return_shipment"]["delivery_order_id"],
                           idempotency_key=ctx.idempotency_key)


def await_return_receipt(ctx):
    shipment = ctx.results.get("create_return_shipment")
    if shipment:
        signal = ctx.wait_for_signal(("delivery.order.delivered", "delivery.order.failed"),
                                     key=shipment["delivery_order_id"], timeout=timing.seconds("return_receipt"))
        if signal is not None and signal.name == "delivery.order.failed":
            _reject(ctx, "the courier could not collect the goods")
    else:
        signal = ctx.wait_for_signal(("return.arrived", "return.received"), key=_return_id(ctx),
                                     timeout=timing.seconds("return_receipt"))
    if signal is None:
        _reject(ctx, "the goods did not arrive")
    return {"arrived_by": signal.name, "received_by_staff": signal.name == "return.received"}


def inspect_return_items(ctx):
    ret = _load(ctx)
    items = [{"line_item_id": item.line_item_id, "sku": item.line_item.sku, "quantity": item.quantity,
              "condition": item.condition, "resaleable": item.condition in RESALEABLE} for item in ret.items.all()]
    return {"items": items, "resaleable": any(item["resaleable"] for item in items)}


def _refund_journal(ctx, ret, amount) -> str | None:
    if amount <= ZERO:
        return None
    order = ret.order
    credit = "Refunds Payable" if ret.refund_method == RefundMethod.STORE_CREDIT else "Stripe Clearing"
    entry = erp.adapter().create_journal_entry(idempotency_key=f"{ctx.idempotency_key}:journal", accounts=[
        {"account": erp.account("Sales"), "debit": amount}, {"account": erp.account(credit), "credit": amount}],
        user_remark=f"Return {ret.id} of order #{order.display_id}")
    order_services.record_external_refs(order.id, "erpnext", {"return_entries": [entry["name"]]})
    return entry["name"]


def process_refund(ctx):
    ret = _load(ctx)
    if ret.status == ReturnStatus.REQUESTED:
        ret = order_services.receive_return(ret.id, restock=ctx.results["inspect_return_items"]["resaleable"],
                                            refund=True)
        ret = _load(ctx)
    refunded = ret.refund_amount if ret.status == ReturnStatus.REFUNDED else ZERO
    return {"status": ret.status, "refunded": fmt(refunded, ret.order.currency_code),
            "journal_entry": _refund_journal(ctx, ret, refunded), "refund_method": ret.refund_method}


def restock_items(ctx):
    inspected = ctx.results["inspect_return_items"]["items"]
    rows = [{"item_code": erp.item_code(item["sku"]), "qty": item["quantity"], "t_warehouse": erp.warehouse()}
            for item in inspected if item["resaleable"]]
    ret = _load(ctx)
    if not rows or not order_services.external_refs(ret.order_id, "erpnext").get("sales_order"):
        return {"stock_entry": None, "reason": "nothing resaleable, or the goods are not stocked in ERPNext"}
    entry = erp.adapter().create_stock_entry(stock_entry_type="Material Receipt", items=rows,
                                             idempotency_key=ctx.idempotency_key)
    order_services.record_external_refs(ret.order_id, "erpnext", {"stock_entries": [entry["name"]]})
    return {"stock_entry": entry["name"]}


def reverse_commissions(ctx):
    ret = _load(ctx)
    currency = ret.order.currency_code
    values = {item.line_item_id: round_money(item.line_item.total * item.quantity / item.line_item.quantity, currency)
              for item in ret.items.all()}
    reversals = marketplace.reverse_line_commissions(ret.order_id, values, reference=ret.id)
    return {"reversals": [tx.id for tx in reversals]}


def send_refund_confirmation(ctx):
    ret = _load(ctx)
    order = orders.load(ret.order_id)
    refunded = ctx.results["process_refund"]["refunded"]
    return notify.send("refund-confirmation", to=order.email, context=orders.context(order, **{"return": {
        "id": ret.id, "amount": f"{refunded} {order.currency_code}",
        "method": "store credit" if ret.refund_method == RefundMethod.STORE_CREDIT else "original payment"}}))


@register
class ReturnAndRefund(Workflow):
    type = "ReturnAndRefund"
    domain = "return"
    action = "refund"
    entity_field = "return_id"
    signals = ("return.arrived", "return.received")
    description = "WF-004: eligibility, return pickup, receipt, inspection, refund, restock, commissions"
    steps = [
        Step("validate_return_eligibility", validate_return_eligibility),
        Step("create_return_shipment", create_return_shipment, compensate=cancel_return_shipment, system="fleetbase",
             policy=timing.policy(policies.LOGISTICS_CREATE), timeout=timing.timeout(300),
             when=lambda ctx: ctx.results["validate_return_eligibility"]["return_method"] == "pickup"),
        Step("await_return_receipt", await_return_receipt, description="awaitReturnReceipt (signal)"),
        Step("inspect_return_items", inspect_return_items, description="inspectReturnItems"),
        Step("process_refund", process_refund, system="stripe", policy=timing.policy(policies.PAYMENT_REFUND),
             timeout=timing.timeout(120), description="processRefund or issueCreditNote"),
        Step("restock_items", restock_items, system="erpnext", policy=timing.policy(policies.ERP_INVENTORY),
             timeout=timing.timeout(60), description="restockItems"),
        Step("reverse_commissions", reverse_commissions, description="reverseCommissions (partial)"),
        Step("send_refund_confirmation", send_refund_confirmation, system="content",
             policy=timing.policy(policies.CONTENT_NOTIFY), timeout=timing.timeout(30)),
        audit_step("return.refunded", entity_type="return", entity_id=_return_id,
                   summary=lambda ctx: f"return refunded: {ctx.results['process_refund']['refunded']}",
                   details=lambda ctx: {"refund": ctx.results.get("process_refund"),
                                        "inspection": ctx.results.get("inspect_return_items")}),
    ]

    @classmethod
    def validate_input(cls, input: dict) -> dict:
        if not input.get("return_id"):
            raise InvalidInput("ReturnAndRefund needs the return.", fields={"input.return_id": ["This field is required."]})
        return input

    @classmethod
    def input_from_event(cls, event) -> dict:
        payload = event.payload or {}
        if not payload.get("return_id"):
            raise ValueError(f"{event.event_type} without a return_id")
        return dict(payload)

    @classmethod
    def key_from_event(cls, event) -> tuple[str, str]:
        return cls.domain, (event.payload or {}).get("return_id") or event.aggregate_id
