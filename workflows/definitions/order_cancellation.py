"""WF-003 OrderCancellation (seeds 003 §4.3.1): undo an order everywhere.

Triggers `order.cancel_requested` (the shopper, `POST /store/orders/{id}/cancel`) and
`order.cancelled` (staff cancelled it in commerce, or a failed OrderPlacement did); both give the
same run, `tenant:{t}:order:{order_id}:cancellation`. Every step looks at what exists and undoes
only that, so an order cancelled twice, or half-undone by a compensating placement, ends the same.

| # | Step | System |
| - | ---- | ------ |
| 0 | check_cancellable — goods that left the warehouse make it a return instead (the run ends) | commerce |
| 1 | halt_order_workflows — cancel the order's running placement, routing and delivery runs | engine |
| 2 | await_placement_unwound — signal `order.cancelled` once the placement has compensated | signal (`placement_unwind`) |
| 3 | cancel_delivery_order — every delivery still open | Fleetbase |
| 4 | release_inventory — reservations and the Sales Order | ERPNext |
| 5 | reverse_commissions — vendor shares and escrow holds | commerce |
| 6 | process_refund — captured money refunded, an authorisation released, an instalment plan stopped | Stripe |
| 7 | reverse_accounting_entries — invoice, payment entry, journal entries | ERPNext |
| 8 | update_order_status — the order is cancelled in commerce (`order.cancelled`) | commerce |
| 9 | send_cancellation_notification — `order-cancellation` | content |
| 10 | record_audit_log | audit |
"""
from cityos.errors import Conflict
from cityos.money import ZERO, fmt
from commerce.marketplace import services as marketplace
from commerce.orders import services as order_services
from commerce.orders.models import OrderStatus
from commerce.payments import escrow, installments, services as payments
from commerce.payments.models import InstallmentPlan, InstallmentPlanStatus, PaymentState
from integrations import policies
from workflows import services as engine_services
from workflows.definition import Step, register, wait_for_signal
from workflows.definitions.common import delivery, erp, notify, orders, timing
from workflows.definitions.common.steps import audit_step, record_audit
from workflows.models import ACTIVE_STATUSES, WorkflowRun


def _order_id(ctx) -> str:
    return ctx.input["order_id"]


def _reason(ctx) -> str:
    return ctx.input.get("reason") or "cancelled"


def check_cancellable(ctx):
    order = orders.load(_order_id(ctx))
    if order.status == OrderStatus.CANCELED:
        return {"cancellable": True, "already_cancelled": True}
    refusal = order_services.cancellation_refusal(order)
    if refusal:
        record_audit(ctx, "order.cancellation_refused", entity_type="order", entity_id=order.id, outcome="refused",
                     summary=refusal)
        ctx.complete({"cancelled": False, "reason": refusal})
    return {"cancellable": True, "already_cancelled": False}


def _workflow_ids(ctx) -> dict[str, list[str]]:
    order_id = _order_id(ctx)
    tenant = ctx.tenant_id
    vendor_orders = [vo.id for vo in marketplace.vendor_orders_of(order_id)]
    return {
        "placement": [f"tenant:{tenant}:order:{order_id}:placement"],
        "others": [f"tenant:{tenant}:order:{order_id}:routing", f"tenant:{tenant}:delivery:{order_id}:fulfillment",
                   *[f"tenant:{tenant}:delivery:{vo}:fulfillment" for vo in vendor_orders]],
    }


def halt_order_workflows(ctx):
    ids = _workflow_ids(ctx)
    active = {run.workflow_id: run.status for run in WorkflowRun.objects.filter(
        workflow_id__in=ids["placement"] + ids["others"], status__in=ACTIVE_STATUSES)}
    cancelled = []
    for workflow_id in ids["others"] + ids["placement"]:
        if workflow_id in active:
            try:
                engine_services.cancel(workflow_id, f"order cancelled ({_reason(ctx)})", tenant_schema=ctx.tenant_schema)
            except Conflict:  # it finished meanwhile
                continue
            cancelled.append(workflow_id)
    return {"cancelled_runs": cancelled, "placement_unwinding": ids["placement"][0] in active}


def cancel_delivery_order(ctx):
    order = orders.load(_order_id(ctx))
    return {"deliveries": [delivery.cancel(delivery_id, idempotency_key=f"{ctx.idempotency_key}:{delivery_id}")
                           for delivery_id in delivery.deliveries_of(order)]}


def release_inventory(ctx):
    refs = order_services.external_refs(_order_id(ctx), "erpnext")
    if not refs.get("sales_order") or refs.get("reservations_released"):
        return {"released": [], "reason": "nothing reserved in ERPNext, or released already"}
    adapter = erp.adapter()
    for name in refs.get("reservations") or []:
        adapter.release_stock(name, idempotency_key=f"{ctx.idempotency_key}:{name}")
    adapter.cancel_document("Sales Order", refs["sales_order"], idempotency_key=f"{ctx.idempotency_key}:sales-order")
    order_services.record_external_refs(_order_id(ctx), "erpnext", {"reservations_released": True,
                                                                   "sales_order_cancelled": True})
    return {"released": refs.get("reservations") or [], "sales_order_cancelled": refs["sales_order"]}


def reverse_commissions(ctx):
    reversed_ = marketplace.reverse_order_commissions(_order_id(ctx), reference=f"order cancelled: {_reason(ctx)}")
    refunded_holds = escrow.refund(_order_id(ctx), reason="order cancelled")
    return {"reversed": [tx.id for tx in reversed_], "escrow_holds": [hold.id for hold in refunded_holds]}


def process_refund(ctx):
    order_id = _order_id(ctx)
    plan = InstallmentPlan.objects.filter(order_id=order_id, status=InstallmentPlanStatus.ACTIVE).first()
    if plan is not None:
        installments.cancel_plan(plan.pk, reason="order cancelled")
    order = orders.load(order_id)
    released = False
    if order.payments.filter(status=PaymentState.AUTHORIZED).exists():
        try:
            payments.cancel_payment(order_id, reason="requested_by_customer")
            released = True
        except Conflict:
            pass
    refunded = ZERO
    for n in range(1, order.payments.count() + 1):
        order.refresh_from_db()
        if order.paid_total - order.refunded_total <= ZERO:
            break
        refund = payments.refund_payment(order_id, reason="requested_by_customer", note=f"cancellation: {_reason(ctx)}",
                                         idempotency_key=f"{ctx.idempotency_key}:{n}")
        refunded += refund.amount
    order.refresh_from_db()
    return {"refunded": fmt(refunded, order.currency_code), "released_authorisation": released,
            "payment_status": order.payment_status, "installment_plan_cancelled": plan.pk if plan else None}


def reverse_accounting_entries(ctx):
    refs = order_services.external_refs(_order_id(ctx), "erpnext")
    if refs.get("accounting_reversed"):
        return {"cancelled": [], "reason": "reversed already"}
    adapter = erp.adapter()
    cancelled = []
    documents = [("Journal Entry", name) for name in reversed((refs.get("journal_entries") or [])
                                                             + (refs.get("release_entries") or []))]
    documents += [(doctype, refs[field]) for doctype, field in (("Payment Entry", "payment_entry"),
                                                                ("Sales Invoice", "sales_invoice")) if refs.get(field)]
    for doctype, name in documents:
        adapter.cancel_document(doctype, name, idempotency_key=f"{ctx.idempotency_key}:{name}")
        cancelled.append(name)
    if cancelled:
        order_services.record_external_refs(_order_id(ctx), "erpnext", {"accounting_reversed": True})
    return {"cancelled": cancelled}


def update_order_status(ctx):
    order = order_services.cancel_order(_order_id(ctx), reason=_reason(ctx)[:300])
    return {"status": order.status, "payment_status": order.payment_status,
            "refunded_total": fmt(order.refunded_total, order.currency_code)}


def send_cancellation_notification(ctx):
    order = orders.load(_order_id(ctx))
    return notify.send("order-cancellation", to=order.email, context=orders.context(
        order, cancellation={"reason": _reason(ctx), "refunded": orders.money(order, order.refunded_total)}))


@register
class OrderCancellation(orders.NeedsOrder):
    type = "OrderCancellation"
    domain = "order"
    action = "cancellation"
    entity_field = "order_id"
    signals = ("order.cancelled",)
    description = "WF-003: stop delivery, release stock, reverse commissions, refund, reverse accounting, notify"
    steps = [
        Step("check_cancellable", check_cancellable),
        Step("halt_order_workflows", halt_order_workflows),
        wait_for_signal("await_placement_unwound", "order.cancelled", key=_order_id,
                        timeout=lambda ctx: timing.seconds("placement_unwind"), on_timeout="continue",
                        when=lambda ctx: ctx.results["halt_order_workflows"]["placement_unwinding"]),
        Step("cancel_delivery_order", cancel_delivery_order, system="fleetbase",
             policy=timing.policy(policies.LOGISTICS_CANCEL), timeout=timing.timeout(60), description="cancelDeliveryOrder"),
        Step("release_inventory", release_inventory, system="erpnext", policy=timing.policy(policies.ERP_INVENTORY),
             timeout=timing.timeout(60), description="releaseInventory"),
        Step("reverse_commissions", reverse_commissions, description="reverseCommissions"),
        Step("process_refund", process_refund, system="stripe", policy=timing.policy(policies.PAYMENT_REFUND),
             timeout=timing.timeout(120), description="processRefund"),
        Step("reverse_accounting_entries", reverse_accounting_entries, system="erpnext",
             policy=timing.policy(policies.ERP_JOURNAL), timeout=timing.timeout(60), description="reverseAccountingEntries"),
        Step("update_order_status", update_order_status, description="updateOrderStatus"),
        Step("send_cancellation_notification", send_cancellation_notification, system="content",
             policy=timing.policy(policies.CONTENT_NOTIFY), timeout=timing.timeout(30)),
        audit_step("order.cancelled", entity_type="order", entity_id=_order_id,
                   summary=lambda ctx: f"order cancelled: {_reason(ctx)}",
                   details=lambda ctx: {"refund": ctx.results.get("process_refund"),
                                        "trigger": ctx.input.get("trigger")}),
    ]


    @classmethod
    def input_from_event(cls, event) -> dict:
        payload = event.payload or {}
        if not payload.get("order_id"):
            raise ValueError(f"{event.event_type} without an order_id")
        return {"order_id": payload["order_id"], "reason": payload.get("reason") or "",
                "requested_by": payload.get("requested_by") or "", "trigger": event.event_type}
