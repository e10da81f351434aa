"""Disputes (chargebacks) on orders' payments (WF-005): opened when the gateway reports one,
evidence prepared by the OrderDispute workflow, closed won or lost.

A lost dispute is money the bank took back: it is recorded like a refund of the order (a
`Refund` with reason `chargeback`), so the order's paid and refunded totals stay true.
"""
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from cityos.errors import Conflict, InvalidInput
from cityos.money import fmt
from commerce import events
from commerce.core.lookups import get_one
from commerce.orders.models import Order
from commerce.payments.models import Dispute, DisputeStatus, Refund

EVIDENCE_DAYS = 7
CLOSED = (DisputeStatus.WON, DisputeStatus.LOST)


def get_dispute(dispute_id: str, *, lock: bool = False) -> Dispute:
    return get_one(Dispute.objects.select_related("order"), dispute_id, lock=lock, what="dispute", code="dispute_not_found")


def open_dispute(order_id: str, *, gateway_dispute_id: str, amount=None, reason: str = "",
                 evidence_due_by=None) -> Dispute:
    """Record a dispute the gateway reported (the same gateway id again returns it)."""
    from commerce.marketplace.services import vendor_orders_of
    from commerce.payments.services import _amount, _payment

    if not gateway_dispute_id:
        raise InvalidInput("The gateway's dispute id is required.", fields={"gateway_dispute_id": ["Required."]})
    with transaction.atomic():
        existing = Dispute.objects.filter(gateway_dispute_id=gateway_dispute_id).first()
        if existing is not None:
            return existing
        order = get_one(Order.objects.all(), order_id, lock=True, what="order", code="order_not_found")
        if order.paid_total <= 0:
            raise Conflict("Nothing was captured on this order: there is nothing to dispute.",
                           code="payment_not_captured")
        value = order.paid_total - order.refunded_total if amount is None else _amount(amount, order.currency_code)
        payment = _payment(order, lock=False)
        dispute = Dispute.objects.create(
            order=order, gateway_dispute_id=gateway_dispute_id, currency_code=order.currency_code, amount=value,
            payment_intent_id=payment.payment_intent_id if payment else "", reason=reason[:60],
            evidence_due_by=evidence_due_by or timezone.now() + timedelta(days=EVIDENCE_DAYS))
        events.emit(events.DISPUTE_OPENED, dispute.id, {
            "dispute_id": dispute.id, "order_id": order.id, "gateway_dispute_id": gateway_dispute_id,
            "gateway": payment.provider if payment else None, "payment_intent_id": dispute.payment_intent_id,
            "amount": fmt(value, order.currency_code), "currency_code": order.currency_code, "reason": reason,
            "evidence_due_by": dispute.evidence_due_by.isoformat(),
            "vendor_ids": sorted({vo.vendor_id for vo in vendor_orders_of(order.id)})})
    return dispute


def prepare_evidence(dispute_id: str, evidence: dict) -> Dispute:
    with transaction.atomic():
        dispute = get_dispute(dispute_id, lock=True)
        if dispute.status in CLOSED:
            return dispute
        dispute.evidence = {**dispute.evidence, **evidence}
        dispute.status = DisputeStatus.UNDER_REVIEW
        dispute.evidence_submitted_at = dispute.evidence_submitted_at or timezone.now()
        dispute.save()
        events.emit(events.DISPUTE_EVIDENCE_PREPARED, dispute.id, {
            "dispute_id": dispute.id, "order_id": dispute.order_id, "evidence": sorted(dispute.evidence)})
    return dispute


def close_dispute(dispute_id: str, *, status: str, note: str = "") -> Dispute:
    """The gateway decided: `won` or `lost` (a lost dispute is recorded as a chargeback refund).
    Writes `payment.dispute.closed`, the signal the OrderDispute workflow waits for."""
    from commerce.payments.services import _refundable_payment, order_payment_status

    if status not in CLOSED:
        raise InvalidInput("A dispute closes won or lost.", fields={"status": ["won or lost."]})
    with transaction.atomic():
        dispute = get_dispute(dispute_id, lock=True)
        if dispute.status in CLOSED:
            if dispute.status != status:
                raise Conflict(f"The dispute was closed {dispute.status}.", code="dispute_closed")
            return dispute
        if status == DisputeStatus.LOST:
            _record_chargeback(dispute, _refundable_payment, order_payment_status)
        dispute.status = status
        dispute.closed_at = timezone.now()
        dispute.note = note[:500]
        dispute.save()
        events.emit(events.DISPUTE_CLOSED, dispute.id, {
            "dispute_id": dispute.id, "order_id": dispute.order_id, "gateway_dispute_id": dispute.gateway_dispute_id,
            "status": status, "amount": fmt(dispute.amount, dispute.currency_code),
            "currency_code": dispute.currency_code, "note": note})
    return dispute


def _record_chargeback(dispute: Dispute, refundable_payment, order_payment_status) -> None:
    order = Order.objects.select_for_update().get(pk=dispute.order_id)
    payment = refundable_payment(order)
    amount = min(dispute.amount, order.paid_total - order.refunded_total)
    if payment is None or amount <= 0:
        return
    Refund.objects.create(payment=payment, order=order, amount=amount, reason="chargeback",
                          note=f"dispute {dispute.gateway_dispute_id} lost", external_id=dispute.gateway_dispute_id,
                          idempotency_key=f"{dispute.id}:chargeback")
    payment.refunded_amount += min(amount, payment.refundable_amount)
    payment.save(update_fields=["refunded_amount", "updated_at"])
    order.refunded_total += amount
    order.payment_status = order_payment_status(order, payment)
    order.save(update_fields=["refunded_total", "payment_status", "updated_at"])
    events.emit(events.ORDER_REFUNDED, order.id, {
        "order_id": order.id, "display_id": order.display_id, "currency_code": order.currency_code,
        "refund_id": None, "amount": fmt(amount, order.currency_code), "reason": "chargeback", "return_id": "",
        "refunded_total": fmt(order.refunded_total, order.currency_code),
        "payment": {"provider": payment.provider, "payment_intent_id": payment.payment_intent_id},
        "metadata": order.metadata})


def expire_dispute(dispute_id: str, *, note: str) -> Dispute:
    """No decision arrived before the deadline: left for staff to review."""
    with transaction.atomic():
        dispute = get_dispute(dispute_id, lock=True)
        if dispute.status not in CLOSED:
            dispute.status = DisputeStatus.EXPIRED
            dispute.note = note[:500]
            dispute.save()
    return dispute
