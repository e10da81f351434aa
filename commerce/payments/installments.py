"""Instalment plans (buy now, pay later; WF-012).

A plan splits the order's total into 2–12 payments. The first is captured from the checkout's
authorisation (a partial capture: the rest of the authorisation is released); each later one is
a new charge of the stored payment method, made by the InstallmentPayment workflow when it falls
due. Every paid instalment is a `Payment` of the order, so refunds and reconciliation see it.
"""
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cityos.errors import Conflict, InvalidInput, NotFound, ServiceError
from cityos.money import fmt, round_money
from commerce import events
from commerce.core.lookups import get_one
from commerce.payments import gateway
from commerce.payments.models import (
    Installment, InstallmentInterval, InstallmentPlan, InstallmentPlanStatus, InstallmentStatus, Payment, PaymentState,
)

INTERVAL_DAYS = {InstallmentInterval.WEEKLY: 7, InstallmentInterval.BIWEEKLY: 14, InstallmentInterval.MONTHLY: 30}
MIN_COUNT, MAX_COUNT = 2, 12


def validate_request(value) -> dict | None:
    """`{"count": 2–12, "interval": weekly|biweekly|monthly}` (or None) from the checkout request."""
    if value in (None, {}):
        return None
    if not isinstance(value, dict):
        raise InvalidInput("Instalments are an object.", fields={"installments": ["{count, interval}."]})
    count, interval = value.get("count"), value.get("interval", InstallmentInterval.MONTHLY)
    if not isinstance(count, int) or isinstance(count, bool) or not MIN_COUNT <= count <= MAX_COUNT:
        raise InvalidInput("Between 2 and 12 instalments.", fields={"installments.count": ["Between 2 and 12."]})
    if interval not in InstallmentInterval.values:
        raise InvalidInput("Unknown instalment interval.",
                           fields={"installments.interval": [f"One of {', '.join(InstallmentInterval.values)}."]})
    return {"count": count, "interval": interval}


def amounts(total: Decimal, count: int, currency: str) -> list[Decimal]:
    """Equal instalments; the rounding remainder goes to the first."""
    share = round_money(total / count, currency)
    rest = total - share * (count - 1)
    return [rest] + [share] * (count - 1)


def create_plan(order, *, count: int, interval: str, payment_method: str, provider: str) -> InstallmentPlan:
    """Inside the placing transaction: the plan and its schedule (the first instalment is due now)."""
    currency = order.currency_code
    now = timezone.now()
    plan = InstallmentPlan.objects.create(order=order, provider=provider, payment_method=payment_method,
                                          currency_code=currency, total=order.total, count=count, interval=interval)
    rows = [Installment(plan=plan, sequence=n, amount=amount, due_at=now + timedelta(days=INTERVAL_DAYS[interval] * (n - 1)))
            for n, amount in enumerate(amounts(order.total, count, currency), start=1)]
    Installment.objects.bulk_create(rows)
    events.emit(events.INSTALLMENT_PLAN_CREATED, plan.id, {
        "plan_id": plan.id, "order_id": order.id, "customer_id": order.customer_id, "currency_code": currency,
        "total": fmt(plan.total, currency), "count": count, "interval": interval,
        "installments": [{"sequence": row.sequence, "amount": fmt(row.amount, currency), "due_at": row.due_at.isoformat()}
                         for row in rows]})
    return plan


def plan_summary(plan: InstallmentPlan) -> dict:
    currency = plan.currency_code
    return {"plan_id": plan.id, "order_id": plan.order_id, "count": plan.count, "interval": plan.interval,
            "currency_code": currency, "total": fmt(plan.total, currency),
            "installments": [{"sequence": row.sequence, "amount": fmt(row.amount, currency),
                              "due_at": row.due_at.isoformat(), "status": row.status}
                             for row in plan.installments.all()]}


def get_plan(plan_id: str, *, lock: bool = False) -> InstallmentPlan:
    return get_one(InstallmentPlan.objects.all(), plan_id, lock=lock, what="instalment plan",
                   code="installment_plan_not_found")


def first_amount(order_id: str) -> Decimal | None:
    row = Installment.objects.filter(plan__order_id=order_id, sequence=1).values_list("amount", flat=True).first()
    return row


def _paid(plan: InstallmentPlan, installment: Installment, payment_intent_id: str) -> None:
    currency = plan.currency_code
    installment.status = InstallmentStatus.PAID
    installment.payment_intent_id = payment_intent_id
    installment.paid_at = timezone.now()
    installment.save()
    plan.paid_total += installment.amount
    plan.save(update_fields=["paid_total", "updated_at"])
    events.emit(events.INSTALLMENT_PAID, plan.id, {
        "plan_id": plan.id, "order_id": plan.order_id, "sequence": installment.sequence,
        "amount": fmt(installment.amount, currency), "currency_code": currency,
        "payment_intent_id": payment_intent_id, "paid_total": fmt(plan.paid_total, currency)})
    if not plan.installments.exclude(status=InstallmentStatus.PAID).exists():
        _close(plan, InstallmentPlanStatus.COMPLETED)


def _close(plan: InstallmentPlan, status: str, note: str = "") -> None:
    plan.status = status
    plan.closed_at = timezone.now()
    plan.note = note[:300]
    plan.save()
    plan.installments.filter(status=InstallmentStatus.SCHEDULED).update(status=InstallmentStatus.CANCELED)
    events.emit(events.INSTALLMENT_PLAN_CLOSED, plan.id, {
        "plan_id": plan.id, "order_id": plan.order_id, "status": status,
        "paid_total": fmt(plan.paid_total, plan.currency_code), "currency_code": plan.currency_code})


def record_first_paid(plan_id: str) -> Installment:
    """The first instalment was captured from the checkout's authorisation."""
    with transaction.atomic():
        plan = get_plan(plan_id, lock=True)
        first = plan.installments.select_for_update().get(sequence=1)
        if first.status == InstallmentStatus.PAID:
            return first
        payment = Payment.objects.filter(order_id=plan.order_id).order_by("created_at").first()
        if payment is None or payment.status not in (PaymentState.CAPTURED, PaymentState.PARTIALLY_CAPTURED):
            raise Conflict("The first instalment has not been captured yet.", code="installment_not_captured")
        _paid(plan, first, payment.payment_intent_id)
        return first


def charge(plan_id: str, sequence: int, *, idempotency_key: str) -> tuple[Installment, ServiceError | None]:
    """Charge instalment `sequence` now. A decline is recorded (attempts, last error) and returned
    instead of raised, so the caller decides what comes next; gateway outages raise."""
    from commerce.orders.models import Order
    from commerce.payments.services import order_payment_status

    with transaction.atomic():
        plan = get_plan(plan_id, lock=True)
        installment = plan.installments.select_for_update().filter(sequence=sequence).first()
        if installment is None:
            raise NotFound(f"No instalment {sequence} in plan {plan_id}.", code="installment_not_found")
        if installment.status == InstallmentStatus.PAID:
            return installment, None
        if plan.status != InstallmentPlanStatus.ACTIVE:
            raise Conflict(f"The plan is {plan.status}.", code="installment_plan_closed")
        installment.attempts += 1
        try:
            intent = gateway.charge(provider=plan.provider, amount=installment.amount, currency=plan.currency_code,
                                    idempotency_key=idempotency_key, payment_method=plan.payment_method,
                                    metadata={"order_id": plan.order_id, "installment_plan": plan.id,
                                              "sequence": sequence},
                                    description=f"Instalment {sequence} of {plan.count} (order {plan.order_id})")
        except gateway.PaymentDeclined as exc:
            installment.status = InstallmentStatus.FAILED
            installment.last_error = exc.message[:300]
            installment.save()
            events.emit(events.INSTALLMENT_FAILED, plan.id, {
                "plan_id": plan.id, "order_id": plan.order_id, "sequence": sequence,
                "amount": fmt(installment.amount, plan.currency_code), "currency_code": plan.currency_code,
                "attempts": installment.attempts, "error": exc.message})
            return installment, exc
        order = Order.objects.select_for_update().get(pk=plan.order_id)
        payment = Payment.objects.create(
            order=order, provider=plan.provider, payment_intent_id=intent["id"], currency_code=plan.currency_code,
            amount=installment.amount, captured_amount=installment.amount, status=PaymentState.CAPTURED,
            captured_at=timezone.now(), data=intent)
        order.paid_total += installment.amount
        order.payment_status = order_payment_status(order, payment)
        order.save(update_fields=["paid_total", "payment_status", "updated_at"])
        _paid(plan, installment, intent["id"])
        return installment, None


def default_plan(plan_id: str, *, reason: str) -> InstallmentPlan:
    with transaction.atomic():
        plan = get_plan(plan_id, lock=True)
        if plan.status == InstallmentPlanStatus.ACTIVE:
            _close(plan, InstallmentPlanStatus.DEFAULTED, reason)
    return plan


def cancel_plan(plan_id: str, *, reason: str = "") -> InstallmentPlan:
    """Stop the plan early (the order was cancelled, or the shopper paid it off another way):
    writes `plan.cancelled`, which the InstallmentPayment workflow waits for."""
    with transaction.atomic():
        plan = get_plan(plan_id, lock=True)
        if plan.status != InstallmentPlanStatus.ACTIVE:
            return plan
        _close(plan, InstallmentPlanStatus.CANCELED, reason)
        events.emit(events.INSTALLMENT_PLAN_CANCELLED, plan.id, {"plan_id": plan.id, "order_id": plan.order_id,
                                                                 "reason": reason})
    return plan
