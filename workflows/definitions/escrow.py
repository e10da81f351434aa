"""WF-011 EscrowManagement (seeds 003 §4.3.2): hold escrow vendors' shares until delivery and the
dispute window have passed.

Trigger `order.placed` when `payload.escrow` (a vendor of the order sells under escrow); id
`tenant:{t}:order:{order_id}:escrow`.

| # | Step | System | Signals / timers |
| - | ---- | ------ | ---------------- |
| 1 | hold_funds_in_escrow — once the payment is captured, each escrow vendor's share is held | commerce | `order.payment_captured` (or `order.cancelled`: the run ends) |
| 2 | await_delivery_confirmation — every delivery of the order | Fleetbase (via WF-002) | `delivery.completed` (or `delivery.failed`, `order.cancelled`; deadline `escrow_delivery`) |
| 3 | start_dispute_window | timer | the vendors' `escrow_days` |
| 4 | check_for_disputes — an open chargeback on the order? | commerce | |
| 5 | release_funds_or_hold — released (the shares become payable) or kept for the dispute (WF-005 decides) | commerce | |
| 6 | update_payout_ledger — a payout requested per vendor (WF-010 transfers it) | commerce | |
| 7 | create_accounting_entry — the released shares move from Vendor Payables to Creditors | ERPNext | |

The money stays on the platform's account while held (separate charges and transfers).
"""
from commerce.marketplace import services as marketplace
from commerce.payments import escrow
from commerce.payments.models import Dispute, DisputeStatus
from integrations import policies
from workflows.definition import Step, register, sleep
from workflows.definitions.common import erp, orders, timing

OPEN_DISPUTES = (DisputeStatus.NEEDS_RESPONSE, DisputeStatus.UNDER_REVIEW, DisputeStatus.EXPIRED)


def _order_id(ctx) -> str:
    return ctx.input["order_id"]


def _escrowed(ctx):
    return [vo for vo in marketplace.vendor_orders_of(_order_id(ctx)) if vo.vendor.uses_escrow]


def hold_funds_in_escrow(ctx):
    signal = ctx.wait_for_signal(("order.payment_captured", "order.cancelled"), key=_order_id(ctx),
                                 timeout=timing.seconds("capture_wait"))
    if signal is None or signal.name == "order.cancelled":
        ctx.complete({"held": [], "reason": "the order was cancelled" if signal else "the payment was not captured"})
    marketplace.split_order(_order_id(ctx))
    holds = escrow.hold_for_order(_order_id(ctx))
    return {"holds": [{"escrow_id": hold.id, "vendor_order_id": hold.vendor_order_id, "amount": str(hold.amount)}
                      for hold in holds]}


def await_delivery_confirmation(ctx):
    deliveries = max(len(list(marketplace.vendor_orders_of(_order_id(ctx)))), 1)
    for _ in range(deliveries + 1):
        signal = ctx.wait_for_signal(("delivery.completed", "delivery.failed", "order.cancelled"), key=_order_id(ctx),
                                     timeout=timing.seconds("escrow_delivery"))
        if signal is None:
            ctx.complete({"released": False, "reason": "not delivered in time; the holds wait for staff"})
        if signal.name != "delivery.completed":
            ctx.complete({"released": False, "reason": f"{signal.name}; the holds wait for staff"})
        if signal.payload.get("all_delivered"):
            break
    window_days = max((vo.vendor.escrow_days for vo in _escrowed(ctx)), default=0)
    escrow.schedule_release(_order_id(ctx), {vo.id: vo.vendor.escrow_days for vo in _escrowed(ctx)})
    return {"delivered_at": signal.payload.get("delivered_at"), "window_days": window_days}


def check_for_disputes(ctx):
    open_ = list(Dispute.objects.filter(order_id=_order_id(ctx), status__in=OPEN_DISPUTES).values_list("pk", flat=True))
    return {"open_disputes": open_}


def release_funds_or_hold(ctx):
    disputes = ctx.results["check_for_disputes"]["open_disputes"]
    if disputes:
        kept = escrow.keep_for_dispute(_order_id(ctx), dispute_id=disputes[0])
        return {"released": False, "held_for_dispute": disputes[0], "holds": [hold.id for hold in kept]}
    released = escrow.release(_order_id(ctx), reason="completed")
    return {"released": True, "holds": [hold.id for hold in released]}


def _released(ctx) -> bool:
    return bool(ctx.results["release_funds_or_hold"]["released"])


def update_payout_ledger(ctx):
    payouts = [marketplace.request_payout(vendor_id) for vendor_id in sorted({vo.vendor_id for vo in _escrowed(ctx)})]
    return {"payouts": [payout.id for payout in payouts if payout is not None]}


def create_accounting_entry(ctx):
    order = orders.load(_order_id(ctx))
    entry = erp.post_vendor_release(order, _escrowed(ctx), idempotency_key=ctx.idempotency_key,
                                    reason="escrow released")
    return {"journal_entry": entry}


@register
class EscrowManagement(orders.NeedsOrder):
    type = "EscrowManagement"
    domain = "order"
    action = "escrow"
    entity_field = "order_id"
    signals = ("order.payment_captured", "order.cancelled")
    description = "WF-011: hold escrow shares, await delivery, dispute window, release or hold"
    steps = [
        Step("hold_funds_in_escrow", hold_funds_in_escrow, description="holdFundsInEscrow"),
        Step("await_delivery_confirmation", await_delivery_confirmation,
             description="awaitDeliveryConfirmation (signal delivery.completed)"),
        sleep("start_dispute_window",
              seconds=lambda ctx: timing.days(ctx.results["await_delivery_confirmation"]["window_days"]),
              description="dispute window (timer: the vendors' escrow days)"),
        Step("check_for_disputes", check_for_disputes),
        Step("release_funds_or_hold", release_funds_or_hold),
        Step("update_payout_ledger", update_payout_ledger, when=_released),
        Step("create_accounting_entry", create_accounting_entry, system="erpnext", when=_released,
             policy=timing.policy(policies.ERP_JOURNAL), timeout=timing.timeout(60)),
    ]

