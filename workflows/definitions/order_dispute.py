"""WF-005 OrderDispute (seeds 003 §4.3.1): a chargeback from its opening to its outcome.

Trigger `dispute.opened` (staff `POST /admin/api/orders/{id}/disputes` with the gateway's dispute);
id `tenant:{t}:dispute:{dispute_id}:resolution`. The outcome is the signal
`payment.dispute.closed` (keyed by the dispute id; `POST /admin/api/disputes/{id}/close`), awaited
until the evidence deadline plus `dispute_decision`.

| # | Step | System |
| - | ---- | ------ |
| 1 | freeze_payout_for_vendor — the order's vendors get no payout, their shares and escrow are held (compensation: unfreeze) | commerce |
| 2 | gather_order_evidence — order, customer, items, payment, invoice | commerce |
| 3 | gather_delivery_evidence — the deliveries' status and proof of delivery | Fleetbase |
| 4 | submit_dispute_evidence — the gateway's PaymentIntent checked, the evidence kept on the dispute | Stripe |
| 5 | await_dispute_resolution — signal `payment.dispute.closed`; no decision → `expired`, left for staff | signal |
| 6 | apply_dispute_outcome — won: shares released, payouts resume; lost: the vendors' shares reversed, the chargeback booked in ERPNext | commerce, ERPNext |
| 7 | notify_vendor — `dispute-update` to each vendor | content |
| 8 | record_audit_log | audit |

The Stripe protocol of this platform has no dispute operations yet: the evidence is prepared on
the dispute for staff to upload, and the PaymentIntent is read back to attach its state.
"""
from datetime import timedelta

from django.utils import timezone

from cityos.errors import InvalidInput
from cityos.money import ZERO, fmt
from commerce.invoices.models import Invoice
from commerce.marketplace import services as marketplace
from commerce.marketplace.models import Vendor
from commerce.orders import services as order_services
from commerce.payments import disputes, escrow
from commerce.payments.models import DisputeStatus
from integrations import policies, registry
from workflows.definition import Step, Workflow, register
from workflows.definitions.common import delivery, erp, notify, orders, timing
from workflows.definitions.common.steps import audit_step


def _dispute_id(ctx) -> str:
    return ctx.input["dispute_id"]


def _dispute(ctx):
    return disputes.get_dispute(_dispute_id(ctx))


def _vendor_ids(ctx) -> list[str]:
    return sorted({vo.vendor_id for vo in marketplace.vendor_orders_of(_dispute(ctx).order_id)})


def freeze_payout_for_vendor(ctx):
    dispute = _dispute(ctx)
    vendors = marketplace.freeze_payouts(_vendor_ids(ctx), reason=f"dispute {dispute.id}")
    kept = escrow.keep_for_dispute(dispute.order_id, dispute_id=dispute.id)
    return {"frozen_vendors": vendors, "escrow_holds": [hold.id for hold in kept]}


def unfreeze_payouts(ctx):
    dispute = _dispute(ctx)
    order = orders.load(dispute.order_id)
    escrow.after_dispute(order.id, delivered=order.fulfillment_status == "delivered", outcome="withdrawn")
    return {"unfrozen": marketplace.unfreeze_payouts(_vendor_ids(ctx), reason=f"dispute {dispute.id}")}


def gather_order_evidence(ctx):
    dispute = _dispute(ctx)
    order = orders.load(dispute.order_id)
    currency = order.currency_code
    invoice = Invoice.objects.filter(order=order).values_list("number", flat=True).first()
    return {"order": {"id": order.id, "number": order.display_id, "placed_at": order.created_at.isoformat(),
                      "email": order.email, "customer": orders.customer_name(order),
                      "shipping_address": order.shipping_address, "total": fmt(order.total, currency),
                      "paid_total": fmt(order.paid_total, currency), "status": order.status,
                      "fulfillment_status": order.fulfillment_status, "invoice": invoice,
                      "items": [{"sku": line.sku, "title": line.title, "quantity": line.quantity,
                                 "total": fmt(line.total, currency)} for line in order.items.all()]}}


def gather_delivery_evidence(ctx):
    order = orders.load(_dispute(ctx).order_id)
    fleetbase = delivery.adapter()
    found = []
    for delivery_id in delivery.deliveries_of(order):
        current = fleetbase.get_order(delivery_id)
        found.append({"delivery_order_id": delivery_id, "status": current.get("status"),
                      "tracking": fleetbase.get_tracking_status(delivery_id).get("tracking_number"),
                      "proof_required": current.get("pod_required"), "updated_at": current.get("updated_at"),
                      "dropoff": (current.get("payload") or {}).get("dropoff", {}).get("street1")})
    return {"deliveries": found}


def submit_dispute_evidence(ctx):
    dispute = _dispute(ctx)
    intent = None
    if dispute.payment_intent_id:
        intent = registry.get("stripe").retrieve_payment_intent(dispute.payment_intent_id)
    evidence = {**ctx.results["gather_order_evidence"], **ctx.results["gather_delivery_evidence"],
                "payment": None if intent is None else {"id": intent["id"], "status": intent.get("status"),
                                                        "amount_received": intent.get("amount_received")}}
    disputes.prepare_evidence(dispute.id, evidence)
    return {"evidence": sorted(evidence), "payment_status": None if intent is None else intent.get("status")}


def await_dispute_resolution(ctx):
    dispute = _dispute(ctx)
    deadline = dispute.evidence_due_by + timedelta(seconds=timing.seconds("dispute_decision"))
    signal = ctx.wait_for_signal("payment.dispute.closed", key=dispute.id,
                                 timeout=max((deadline - timezone.now()).total_seconds(), 0))
    if signal is None:
        disputes.expire_dispute(dispute.id, note="no decision before the deadline; review it")
        return {"outcome": DisputeStatus.EXPIRED}
    return {"outcome": signal.payload.get("status"), "note": signal.payload.get("note")}


def apply_dispute_outcome(ctx):
    dispute = _dispute(ctx)
    outcome = ctx.results["await_dispute_resolution"]["outcome"]
    order = orders.load(dispute.order_id)
    if outcome not in (DisputeStatus.WON, DisputeStatus.LOST):
        return {"outcome": outcome, "payouts": "frozen until staff review the dispute"}
    marketplace.unfreeze_payouts(_vendor_ids(ctx), reason=f"dispute {dispute.id}")
    escrow.after_dispute(order.id, delivered=order.fulfillment_status == "delivered", outcome=outcome)
    if outcome == DisputeStatus.WON:
        return {"outcome": outcome, "payouts": "resumed"}
    # Lost: the vendors bear the chargeback — their share of the disputed value is taken back.
    share = dispute.amount / order.paid_total if order.paid_total > ZERO else ZERO
    values = {line.pk: line.total * share for line in order.items.all()}
    reversals = marketplace.reverse_line_commissions(order.id, values, reference=dispute.id)
    entry = erp.adapter().create_journal_entry(idempotency_key=f"{ctx.idempotency_key}:chargeback", accounts=[
        {"account": erp.account("Write Off"), "debit": dispute.amount},
        {"account": erp.account("Stripe Clearing"), "credit": dispute.amount}],
        user_remark=f"Chargeback {dispute.gateway_dispute_id} on order #{order.display_id}")
    order_services.record_external_refs(order.id, "erpnext", {"chargeback_entries": [entry["name"]]})
    return {"outcome": outcome, "reversals": [tx.id for tx in reversals], "journal_entry": entry["name"]}


def notify_vendor(ctx):
    dispute = _dispute(ctx)
    order = orders.load(dispute.order_id)
    outcome = ctx.results["apply_dispute_outcome"]["outcome"]
    sent = []
    for vendor in Vendor.objects.filter(pk__in=_vendor_ids(ctx)):
        sent.append(notify.send("dispute-update", to=vendor.email, context=orders.context(
            order, vendor={"name": vendor.name},
            dispute={"id": dispute.id, "status": outcome, "amount": orders.money(order, dispute.amount),
                     "reason": dispute.reason or "not given"})))
    return {"notifications": sent}


@register
class OrderDispute(Workflow):
    type = "OrderDispute"
    domain = "dispute"
    action = "resolution"
    entity_field = "dispute_id"
    signals = ("payment.dispute.closed",)
    description = "WF-005: freeze payouts, gather evidence, await the decision, apply it"
    steps = [
        Step("freeze_payout_for_vendor", freeze_payout_for_vendor, compensate=unfreeze_payouts),
        Step("gather_order_evidence", gather_order_evidence),
        Step("gather_delivery_evidence", gather_delivery_evidence, system="fleetbase",
             policy=timing.policy(policies.LOGISTICS_TRACKING), timeout=timing.timeout(60)),
        Step("submit_dispute_evidence", submit_dispute_evidence, system="stripe",
             policy=timing.policy(policies.PAYMENT_CAPTURE), timeout=timing.timeout(60)),
        Step("await_dispute_resolution", await_dispute_resolution,
             description="awaitDisputeResolution (signal payment.dispute.closed, timer: evidence due)"),
        Step("apply_dispute_outcome", apply_dispute_outcome, system="erpnext", policy=timing.policy(policies.ERP_JOURNAL),
             timeout=timing.timeout(60)),
        Step("notify_vendor", notify_vendor, system="content", policy=timing.policy(policies.CONTENT_NOTIFY),
             timeout=timing.timeout(30)),
        audit_step("dispute.resolved", entity_type="dispute", entity_id=_dispute_id,
                   summary=lambda ctx: f"dispute {ctx.results['apply_dispute_outcome']['outcome']}"),
    ]

    @classmethod
    def validate_input(cls, input: dict) -> dict:
        if not input.get("dispute_id"):
            raise InvalidInput("OrderDispute needs the dispute.", fields={"input.dispute_id": ["This field is required."]})
        return input
