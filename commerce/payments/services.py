"""Money after the order is placed: capture (full or partial), cancel the authorisation, refund.

Each function locks the order row, calls the gateway with an idempotency key derived from the
order (or passed by the caller, e.g. a workflow step), then records the outcome and writes its
event in the same transaction. A retried call with the same key is recognised by the gateway as
the same call, so a crash between the gateway call and the commit never charges or refunds twice.
"""
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from cityos.errors import Conflict, InvalidInput, Unprocessable
from cityos.money import ZERO, fmt, round_money
from commerce import events
from commerce.core.lookups import get_one
from commerce.orders.models import Order, OrderStatus, PaymentStatus
from commerce.payments import gateway
from commerce.payments.models import Payment, PaymentState, Refund

REFUND_REASONS = ("duplicate", "fraudulent", "requested_by_customer")


def _locked_order(order_id: str) -> Order:
    return get_one(Order.objects.all(), order_id, lock=True, what="order", code="order_not_found")


def _payment(order: Order, *, lock: bool = True) -> Payment | None:
    queryset = Payment.objects.filter(order=order).order_by("-created_at")
    if lock:
        queryset = queryset.select_for_update()
    return queryset.first()


def card_of_order(order_id: str) -> tuple[str, str] | None:
    """(provider, payment method) of the order's newest payment, when it was paid by card: what a
    later charge to the same card (a no-show fee) uses."""
    payment = Payment.objects.filter(order_id=order_id).order_by("-created_at").first()
    method = (payment.data or {}).get("payment_method") if payment else None
    return (payment.provider, method) if method else None


def _refundable_payment(order: Order) -> Payment | None:
    """The newest payment that still holds refundable money (orders paid in instalments have
    several), else the newest payment."""
    payments = list(Payment.objects.filter(order=order).select_for_update().order_by("-created_at"))
    return next((p for p in payments if p.refundable_amount > ZERO), payments[0] if payments else None)


def payment_status_of(payment: Payment | None, order_total: Decimal) -> str:
    if payment is None:
        return PaymentStatus.NOT_REQUIRED if order_total == ZERO else PaymentStatus.NOT_PAID
    if payment.status == PaymentState.CANCELED:
        return PaymentStatus.CANCELED
    if payment.refunded_amount > ZERO:
        return PaymentStatus.REFUNDED if payment.refunded_amount >= payment.captured_amount else PaymentStatus.PARTIALLY_REFUNDED
    return {PaymentState.CAPTURED: PaymentStatus.CAPTURED, PaymentState.PARTIALLY_CAPTURED: PaymentStatus.PARTIALLY_CAPTURED,
            PaymentState.AUTHORIZED: PaymentStatus.AUTHORIZED}[payment.status]


def order_payment_status(order: Order, payment: Payment | None) -> str:
    """The order's payment status: its payment's, except that an order paid in several payments
    (instalments) is `partially_captured` until its whole total is paid, and `refunded` only when
    everything paid went back."""
    if Payment.objects.filter(order=order).count() <= 1:
        return payment_status_of(payment, order.total)
    if order.refunded_total > ZERO:
        return PaymentStatus.REFUNDED if order.refunded_total >= order.paid_total else PaymentStatus.PARTIALLY_REFUNDED
    return PaymentStatus.CAPTURED if order.paid_total >= order.total else PaymentStatus.PARTIALLY_CAPTURED


def payment_ref(payment: Payment | None) -> dict:
    if payment is None:
        return {"provider": None, "payment_intent_id": None, "status": None}
    return {"provider": payment.provider, "payment_intent_id": payment.payment_intent_id, "status": payment.status}


def _amount(value, currency: str, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput("The amount is not a decimal number.", fields={field: ["A decimal amount such as 10.00."]}) from None
    if not amount.is_finite() or amount <= 0:
        raise InvalidInput("The amount must be above 0.", fields={field: ["Above 0."]})
    rounded = round_money(amount, currency)
    if rounded != amount:
        raise InvalidInput(f"{currency} amounts have at most {abs(rounded.as_tuple().exponent)} decimals.",
                           fields={field: ["Too many decimals."]})
    return rounded


def capture_payment(order_id: str, amount=None, *, idempotency_key: str | None = None) -> Order:
    """Capture the authorised payment, all of it or `amount` (the rest of the authorisation is
    released, as with Stripe). Capturing a captured order again changes nothing."""
    from commerce.invoices.services import issue_for_order
    from commerce.orders.services import complete_if_done

    with transaction.atomic():
        order = _locked_order(order_id)
        payment = _payment(order)
        if payment is None:
            if order.total == ZERO:
                return order
            raise Conflict("This order has no payment to capture.", code="payment_not_found")
        if payment.status in (PaymentState.CAPTURED, PaymentState.PARTIALLY_CAPTURED):
            return order
        if payment.status != PaymentState.AUTHORIZED or order.status == OrderStatus.CANCELED:
            raise Conflict(f"The payment is {payment.status}; only an authorised payment can be captured.",
                           code="payment_not_capturable")
        value = None if amount is None else _amount(amount, order.currency_code)
        if value is not None and value > payment.amount:
            raise Unprocessable(f"At most {fmt(payment.amount, order.currency_code)} can be captured.",
                                code="capture_amount_too_large", fields={"amount": ["Above the authorised amount."]})
        intent = gateway.capture(provider=payment.provider, payment_intent_id=payment.payment_intent_id,
                                 amount=value, currency=order.currency_code,
                                 idempotency_key=idempotency_key or f"{order.id}:capture")
        captured = gateway.captured_amount(intent, order.currency_code)
        payment.captured_amount = captured
        payment.status = PaymentState.CAPTURED if captured >= payment.amount else PaymentState.PARTIALLY_CAPTURED
        payment.captured_at = timezone.now()
        payment.data = intent
        payment.save()
        order.paid_total = captured
        order.payment_status = payment_status_of(payment, order.total)
        order.save(update_fields=["paid_total", "payment_status", "updated_at"])
        events.emit(events.ORDER_PAYMENT_CAPTURED, order.id, {
            "order_id": order.id, "display_id": order.display_id, "currency_code": order.currency_code,
            "payment": payment_ref(payment), "amount": fmt(captured, order.currency_code),
            "paid_total": fmt(order.paid_total, order.currency_code), "metadata": order.metadata})
        issue_for_order(order)
        complete_if_done(order)
    return order


def cancel_authorization(order: Order, *, reason: str = "requested_by_customer") -> bool:
    """Release an uncaptured authorisation (inside the caller's transaction, order locked).
    Returns whether there was one to release."""
    payment = _payment(order)
    if payment is None or payment.status != PaymentState.AUTHORIZED:
        return False
    intent = gateway.cancel(provider=payment.provider, payment_intent_id=payment.payment_intent_id,
                            idempotency_key=f"{order.id}:cancel", reason=reason)
    payment.status = PaymentState.CANCELED
    payment.canceled_at = timezone.now()
    payment.data = intent
    payment.save()
    order.payment_status = payment_status_of(payment, order.total)
    order.save(update_fields=["payment_status", "updated_at"])
    return True


def cancel_payment(order_id: str, *, reason: str = "requested_by_customer") -> Order:
    """Release the order's uncaptured authorisation (the order itself stays; cancelling the
    order is `commerce.orders.services.cancel_order`). Nothing to release → 409."""
    with transaction.atomic():
        order = _locked_order(order_id)
        if not cancel_authorization(order, reason=reason):
            raise Conflict("This order has no authorised payment to release.", code="payment_not_cancelable")
        payment = _payment(order, lock=False)
        events.emit(events.ORDER_PAYMENT_CANCELED, order.id, {
            "order_id": order.id, "display_id": order.display_id, "currency_code": order.currency_code,
            "payment": payment_ref(payment), "amount": fmt(payment.amount, order.currency_code), "reason": reason,
            "metadata": order.metadata})
    return order


def refund_payment(order_id: str, amount=None, *, reason: str = "requested_by_customer", note: str = "",
                   return_id: str = "", idempotency_key: str | None = None, created_by: str = "") -> Refund:
    """Refund captured money: `amount` (default: everything still refundable), never more than
    captured minus already refunded (422 `refund_amount_too_large`); nothing captured → 409."""
    if reason and reason not in REFUND_REASONS:
        raise InvalidInput("Unknown refund reason.", fields={"reason": [f"One of {', '.join(REFUND_REASONS)}."]})
    with transaction.atomic():
        order = _locked_order(order_id)
        payment = _refundable_payment(order)
        if payment is None or payment.captured_amount <= ZERO:
            raise Conflict("Nothing has been captured on this order yet; cancel it instead.",
                           code="payment_not_captured")
        refundable = payment.refundable_amount
        value = refundable if amount is None else _amount(amount, order.currency_code)
        if value > refundable:
            raise Unprocessable(
                f"At most {fmt(refundable, order.currency_code)} can still be refunded "
                f"(captured {fmt(payment.captured_amount, order.currency_code)}, "
                f"refunded {fmt(payment.refunded_amount, order.currency_code)}).",
                code="refund_amount_too_large", fields={"amount": [f"At most {fmt(refundable, order.currency_code)}."]})
        if value <= ZERO:
            raise Conflict("Everything captured has been refunded already.", code="nothing_to_refund")
        key = idempotency_key or f"{order.id}:refund:{payment.refunds.count() + 1}"
        existing = Refund.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
        result = gateway.refund(provider=payment.provider, payment_intent_id=payment.payment_intent_id, amount=value,
                                currency=order.currency_code, idempotency_key=key, reason=reason or None,
                                metadata={"order_id": order.id, "return_id": return_id})
        refund = Refund.objects.create(payment=payment, order=order, amount=value, reason=reason or "", note=note,
                                       external_id=result.get("id", ""), idempotency_key=key, return_id=return_id,
                                       created_by=created_by)
        payment.refunded_amount += value
        payment.save(update_fields=["refunded_amount", "updated_at"])
        order.refunded_total += value
        order.payment_status = order_payment_status(order, payment)
        order.save(update_fields=["refunded_total", "payment_status", "updated_at"])
        events.emit(events.ORDER_REFUNDED, order.id, {
            "order_id": order.id, "display_id": order.display_id, "currency_code": order.currency_code,
            "refund_id": refund.id, "amount": fmt(value, order.currency_code), "reason": reason or "",
            "return_id": return_id, "refunded_total": fmt(order.refunded_total, order.currency_code),
            "payment": payment_ref(payment), "metadata": order.metadata})
    return refund


def request_capture(order_id: str, amount=None, *, requested_by: str = "") -> Order:
    """Ask for the authorised payment to be captured by the PaymentCapture workflow (orders placed
    with `capture_method: manual`, captured when staff confirm them). 409 when there is nothing
    authorised to capture."""
    with transaction.atomic():
        order = _locked_order(order_id)
        payment = _payment(order)
        if payment is None or payment.status != PaymentState.AUTHORIZED or order.status == OrderStatus.CANCELED:
            raise Conflict("This order has no authorised payment to capture.", code="payment_not_capturable")
        value = None if amount is None else _amount(amount, order.currency_code)
        if value is not None and value > payment.amount:
            raise Unprocessable(f"At most {fmt(payment.amount, order.currency_code)} can be captured.",
                                code="capture_amount_too_large", fields={"amount": ["Above the authorised amount."]})
        events.emit(events.PAYMENT_CAPTURE_REQUESTED, order.id, {
            "order_id": order.id, "display_id": order.display_id, "currency_code": order.currency_code,
            "amount": None if value is None else fmt(value, order.currency_code), "requested_by": requested_by,
            "payment": payment_ref(payment)})
    return order
