"""Orders after placement: reading and filtering, cancellation, fulfilment, returns.

Placement is `commerce.orders.checkout.complete_cart`; money movements (capture, refund) are
`commerce.payments.services`. Every change here locks the order row and writes its event in the
same transaction.
"""
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cityos.errors import Conflict, InvalidInput, NotFound, Unprocessable
from cityos.money import ZERO, fmt, round_money
from commerce import events
from commerce.core.lookups import get_one
from commerce.giftcards import services as giftcards
from commerce.inventory import services as inventory
from commerce.orders.models import (
    Fulfillment, FulfillmentItem, FulfillmentState, FulfillmentStatus, ItemCondition, Order, OrderLineItem, OrderStatus,
    PaymentStatus, RefundMethod, Return, ReturnItem, ReturnMethod, ReturnStatus,
)
from commerce.payments import services as payments
from commerce.promotions import services as promotions

TOTAL_FIELDS = ("subtotal", "discount_total", "shipping_total", "tax_total", "gift_card_total", "total",
                "paid_total", "refunded_total")


# -- reading ---------------------------------------------------------------------------------------

def get_order(order_id: str) -> Order:
    order = Order.objects.prefetch_related("items").filter(pk=order_id).first()
    if order is None:
        raise NotFound(f"No order {order_id}.", code="order_not_found")
    return order


def metadata_condition(metadata: dict) -> Q:
    """`metadata @> {key: value}` for each pair — or, for list-valued keys such as
    `cms_poi_ids`, the list contains the value. Both forms are served by the GIN index."""
    condition = Q()
    for key, value in metadata.items():
        condition &= Q(metadata__contains={key: value}) | Q(metadata__contains={key: [value]})
    return condition


def list_orders(*, status: str | None = None, payment_status: str | None = None,
                fulfillment_status: str | None = None, customer_id: str | None = None, email: str | None = None,
                created_after: datetime | None = None, created_before: datetime | None = None,
                metadata: dict | None = None, q: str | None = None):
    """Orders matching every given filter, newest first (a queryset: paginate it).
    `metadata={"cms_poi_id": "poi_1"}` is the CMS revenue query (GIN-indexed)."""
    queryset = Order.objects.all()
    if status:
        queryset = queryset.filter(status=status)
    if payment_status:
        queryset = queryset.filter(payment_status=payment_status)
    if fulfillment_status:
        queryset = queryset.filter(fulfillment_status=fulfillment_status)
    if customer_id:
        queryset = queryset.filter(customer_id=customer_id)
    if email:
        queryset = queryset.filter(email=email.strip().lower())
    if created_after:
        queryset = queryset.filter(created_at__gte=created_after)
    if created_before:
        queryset = queryset.filter(created_at__lt=created_before)
    if metadata:
        queryset = queryset.filter(metadata_condition(metadata))
    if q:
        condition = Q(email__icontains=q)
        if q.isdigit():
            condition |= Q(display_id=int(q))
        queryset = queryset.filter(condition)
    return queryset.order_by("-created_at")


def order_summary(order: Order) -> dict:
    currency = order.currency_code
    return {
        "order_id": order.id, "display_id": order.display_id, "customer_id": order.customer_id, "email": order.email,
        "currency_code": currency, "totals": {f: fmt(getattr(order, f), currency) for f in TOTAL_FIELDS},
        "status": order.status, "payment_status": order.payment_status,
        "fulfillment_status": order.fulfillment_status, "metadata": order.metadata,
    }


def _locked(order_id: str) -> Order:
    return get_one(Order.objects.all(), order_id, lock=True, what="order", code="order_not_found")


def complete_if_done(order: Order) -> bool:
    """An order whose goods all arrived (or needed no delivery) and whose money is captured is
    completed (emits order.completed once)."""
    if order.status != OrderStatus.PENDING:
        return False
    paid = order.payment_status in (PaymentStatus.CAPTURED, PaymentStatus.NOT_REQUIRED, PaymentStatus.PARTIALLY_CAPTURED)
    delivered = order.fulfillment_status == FulfillmentStatus.DELIVERED
    if not (paid and delivered):
        return False
    order.status = OrderStatus.COMPLETED
    order.save(update_fields=["status", "updated_at"])
    events.emit(events.ORDER_COMPLETED, order.id, order_summary(order))
    return True


# -- cancellation ----------------------------------------------------------------------------------

def cancel_order(order_id: str, *, reason: str = "") -> Order:
    """Cancel an order nothing of which has left the warehouse: its stock is released, the
    authorisation cancelled (or captured money refunded in full), promotion uses and gift card
    balances given back, gift cards it bought disabled."""
    with transaction.atomic():
        order = _locked(order_id)
        if order.status == OrderStatus.CANCELED:
            return order
        if order.fulfillment_status not in (FulfillmentStatus.NOT_FULFILLED, FulfillmentStatus.CANCELED):
            raise Conflict("Goods of this order were fulfilled already; use a return instead.",
                           code="order_already_fulfilled")
        if order.status == OrderStatus.COMPLETED:
            raise Conflict("A completed order cannot be cancelled; use a return.", code="order_completed")
        released_authorisation = payments.cancel_authorization(order)
        refunded = ZERO
        # One refund per payment that holds captured money (orders paid in instalments have several).
        for n in range(1, order.payments.count() + 1):
            if order.paid_total - order.refunded_total <= ZERO:
                break
            refund = payments.refund_payment(order.id, reason="requested_by_customer",
                                             note=f"cancellation {reason}".strip()[:500],
                                             idempotency_key=f"{order.id}:cancel-refund" + (f":{n}" if n > 1 else ""))
            refunded += refund.amount
            order.refresh_from_db()
        inventory.release_holds(order_id=order.id)
        promotions.release_usage(order.id)
        giftcards.restore(order.id)
        giftcards.disable_for_order(order.id)
        order.status = OrderStatus.CANCELED
        order.fulfillment_status = FulfillmentStatus.CANCELED
        order.canceled_at = timezone.now()
        order.save(update_fields=["status", "fulfillment_status", "canceled_at", "updated_at"])
        payment = payments._payment(order, lock=False)
        events.emit(events.ORDER_CANCELLED, order.id, {
            "order_id": order.id, "display_id": order.display_id, "currency_code": order.currency_code,
            "reason": reason, "released_authorisation": released_authorisation,
            "refunded_amount": fmt(refunded, order.currency_code), "payment": payments.payment_ref(payment),
            "items": [{"line_item_id": li.pk, "sku": li.sku, "quantity": li.quantity} for li in order.items.all()],
            "metadata": order.metadata})
    return order


# -- fulfilment ------------------------------------------------------------------------------------

def _requested_items(order: Order, items, *, attr_done: str, what: str) -> list[tuple[OrderLineItem, int]]:
    lines = {line.pk: line for line in order.items.all()}
    if not items:
        chosen = [(line, line.quantity - getattr(line, attr_done)) for line in lines.values()]
        chosen = [(line, qty) for line, qty in chosen if qty > 0]
        if not chosen:
            raise Conflict(f"Nothing left to {what} on this order.", code=f"nothing_to_{what}")
        return chosen
    chosen = []
    for index, item in enumerate(items):
        line = lines.get(item.get("line_item_id"))
        if line is None:
            raise InvalidInput("Unknown line item.", fields={f"items[{index}].line_item_id": ["Not a line of this order."]})
        quantity = item.get("quantity")
        left = line.quantity - getattr(line, attr_done)
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            raise InvalidInput("A quantity is at least 1.", fields={f"items[{index}].quantity": ["At least 1."]})
        if quantity > left:
            raise Unprocessable(f"Only {left} of {line.sku} can still be {what}ed.", code=f"{what}_quantity_too_large",
                                fields={f"items[{index}].quantity": [f"At most {left}."]})
        chosen.append((line, quantity))
    return chosen


def _fulfillment_status(order: Order) -> str:
    lines = list(order.items.all())
    ordered = sum(li.quantity for li in lines)
    fulfilled = sum(li.fulfilled_quantity for li in lines)
    shipped = sum(li.shipped_quantity for li in lines)
    returned = sum(li.returned_quantity for li in lines)
    if returned:
        return FulfillmentStatus.RETURNED if returned >= ordered else FulfillmentStatus.PARTIALLY_RETURNED
    fulfillments = list(order.fulfillments.exclude(status=FulfillmentState.CANCELED))
    if fulfillments and fulfilled >= ordered and all(f.status == FulfillmentState.DELIVERED for f in fulfillments):
        return FulfillmentStatus.DELIVERED
    if shipped:
        return FulfillmentStatus.SHIPPED if shipped >= ordered else FulfillmentStatus.PARTIALLY_SHIPPED
    if fulfilled:
        return FulfillmentStatus.FULFILLED if fulfilled >= ordered else FulfillmentStatus.PARTIALLY_FULFILLED
    return FulfillmentStatus.NOT_FULFILLED


def create_fulfillment(order_id: str, *, items=None, location_id: str | None = None, provider: str = "manual",
                       metadata: dict | None = None) -> Fulfillment:
    """Start fulfilling (all unfulfilled items by default, or [{line_item_id, quantity}]): the
    goods are taken from stock (on-hand and reserved lower) and `order.fulfillment_started` is
    written for the delivery workflow."""
    with transaction.atomic():
        order = _locked(order_id)
        if order.status == OrderStatus.CANCELED:
            raise Conflict("The order is cancelled.", code="order_canceled")
        chosen = _requested_items(order, items, attr_done="fulfilled_quantity", what="fulfill")
        fulfillment = Fulfillment.objects.create(order=order, location_id=location_id, provider=provider,
                                                 metadata=metadata or {})
        for line, quantity in chosen:
            if line.inventory_item_id:
                source = inventory.consume_for_fulfillment(order.id, line.pk, line.inventory_item_id, quantity,
                                                           location_id=location_id)
                if fulfillment.location_id is None and source:
                    fulfillment.location_id = source
            FulfillmentItem.objects.create(fulfillment=fulfillment, line_item=line, quantity=quantity)
            line.fulfilled_quantity += quantity
            line.save(update_fields=["fulfilled_quantity"])
        fulfillment.save()
        order.fulfillment_status = _fulfillment_status(order)
        order.save(update_fields=["fulfillment_status", "updated_at"])
        events.emit(events.ORDER_FULFILLMENT_STARTED, order.id, {
            "order_id": order.id, "display_id": order.display_id, "fulfillment_id": fulfillment.id,
            "location_id": fulfillment.location_id, "provider": provider,
            "shipping_method": order.shipping_method_name,
            "items": [{"line_item_id": line.pk, "sku": line.sku, "quantity": q} for line, q in chosen],
            "shipping_address": order.shipping_address, "metadata": order.metadata})
    return fulfillment


def _locked_fulfillment(order_id: str, fulfillment_id: str) -> tuple[Order, Fulfillment]:
    order = _locked(order_id)
    fulfillment = order.fulfillments.select_for_update().filter(pk=fulfillment_id).first()
    if fulfillment is None:
        raise NotFound(f"No fulfillment {fulfillment_id} on this order.", code="fulfillment_not_found")
    return order, fulfillment


def ship_fulfillment(order_id: str, fulfillment_id: str, *, tracking_number: str = "", tracking_url: str = "") -> Fulfillment:
    with transaction.atomic():
        order, fulfillment = _locked_fulfillment(order_id, fulfillment_id)
        if fulfillment.status != FulfillmentState.CREATED:
            raise Conflict(f"The fulfillment is {fulfillment.status}.", code="fulfillment_not_shippable")
        fulfillment.status = FulfillmentState.SHIPPED
        fulfillment.tracking_number, fulfillment.tracking_url = tracking_number, tracking_url
        fulfillment.shipped_at = timezone.now()
        fulfillment.save()
        for item in fulfillment.items.select_related("line_item"):
            item.line_item.shipped_quantity += item.quantity
            item.line_item.save(update_fields=["shipped_quantity"])
        order.fulfillment_status = _fulfillment_status(order)
        order.save(update_fields=["fulfillment_status", "updated_at"])
        events.emit(events.ORDER_SHIPPED, order.id, {
            "order_id": order.id, "display_id": order.display_id, "fulfillment_id": fulfillment.id,
            "tracking_number": tracking_number, "tracking_url": tracking_url})
    return fulfillment


def deliver_fulfillment(order_id: str, fulfillment_id: str) -> Fulfillment:
    with transaction.atomic():
        order, fulfillment = _locked_fulfillment(order_id, fulfillment_id)
        if fulfillment.status == FulfillmentState.DELIVERED:
            return fulfillment
        if fulfillment.status == FulfillmentState.CANCELED:
            raise Conflict("The fulfillment is cancelled.", code="fulfillment_canceled")
        if fulfillment.status == FulfillmentState.CREATED:  # handed over directly (pickup, digital)
            for item in fulfillment.items.select_related("line_item"):
                item.line_item.shipped_quantity += item.quantity
                item.line_item.save(update_fields=["shipped_quantity"])
            fulfillment.shipped_at = timezone.now()
        fulfillment.status = FulfillmentState.DELIVERED
        fulfillment.delivered_at = timezone.now()
        fulfillment.save()
        order.fulfillment_status = _fulfillment_status(order)
        order.save(update_fields=["fulfillment_status", "updated_at"])
        events.emit(events.ORDER_DELIVERED, order.id, {
            "order_id": order.id, "display_id": order.display_id, "fulfillment_id": fulfillment.id,
            "delivered_at": fulfillment.delivered_at.isoformat()})
        complete_if_done(order)
    return fulfillment


# -- returns ---------------------------------------------------------------------------------------

def _line_value(line: OrderLineItem, quantity: int, currency: str) -> Decimal:
    """What `quantity` units of a line cost the shopper (discounts and tax included)."""
    return round_money(line.total * quantity / line.quantity, currency)


def request_return(order_id: str, *, items, return_method: str = ReturnMethod.DROP_OFF,
                   refund_method: str = RefundMethod.ORIGINAL_PAYMENT, note: str = "") -> Return:
    """Ask to send back fulfilled items [{line_item_id, quantity, reason, condition}]."""
    if not items:
        raise InvalidInput("Name the items to return.", fields={"items": ["At least one item."]})
    if return_method not in ReturnMethod.values:
        raise InvalidInput("Unknown return method.", fields={"return_method": [f"One of {', '.join(ReturnMethod.values)}."]})
    if refund_method not in RefundMethod.values:
        raise InvalidInput("Unknown refund method.", fields={"refund_method": [f"One of {', '.join(RefundMethod.values)}."]})
    with transaction.atomic():
        order = _locked(order_id)
        if order.status == OrderStatus.CANCELED:
            raise Conflict("The order is cancelled.", code="order_canceled")
        pending = {}
        for item in ReturnItem.objects.filter(return_request__order=order, return_request__status=ReturnStatus.REQUESTED):
            pending[item.line_item_id] = pending.get(item.line_item_id, 0) + item.quantity
        lines = {line.pk: line for line in order.items.all()}
        rows, value = [], ZERO
        for index, item in enumerate(items):
            line = lines.get(item.get("line_item_id"))
            if line is None:
                raise InvalidInput("Unknown line item.", fields={f"items[{index}].line_item_id": ["Not a line of this order."]})
            quantity = item.get("quantity")
            if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
                raise InvalidInput("A quantity is at least 1.", fields={f"items[{index}].quantity": ["At least 1."]})
            returnable = line.fulfilled_quantity - line.returned_quantity - pending.get(line.pk, 0)
            if quantity > returnable:
                raise Unprocessable(f"Only {max(returnable, 0)} of {line.sku} can be returned.",
                                    code="return_quantity_too_large",
                                    fields={f"items[{index}].quantity": [f"At most {max(returnable, 0)} (fulfilled, not yet returned)."]})
            condition = item.get("condition", ItemCondition.UNOPENED)
            if condition not in ItemCondition.values:
                raise InvalidInput("Unknown condition.", fields={f"items[{index}].condition": [f"One of {', '.join(ItemCondition.values)}."]})
            pending[line.pk] = pending.get(line.pk, 0) + quantity
            rows.append(ReturnItem(line_item=line, quantity=quantity, reason=str(item.get("reason", ""))[:300],
                                   condition=condition))
            value += _line_value(line, quantity, order.currency_code)
        ret = Return.objects.create(order=order, return_method=return_method, refund_method=refund_method, note=note,
                                    refund_amount=value)
        for row in rows:
            row.return_request = ret
        ReturnItem.objects.bulk_create(rows)
        payment = payments._payment(order, lock=False)
        events.emit(events.RETURN_REQUESTED, ret.id, {
            "return_id": ret.id, "order_id": order.id, "display_id": order.display_id,
            "customer_id": order.customer_id,
            "items": [{"line_item_id": r.line_item_id, "sku": r.line_item.sku, "quantity": r.quantity,
                       "reason": r.reason, "condition": r.condition} for r in rows],
            "return_method": return_method, "refund_method": refund_method,
            "refund_amount": fmt(value, order.currency_code), "currency_code": order.currency_code,
            "payment": {k: v for k, v in payments.payment_ref(payment).items() if k != "status"}})
    return ret


def receive_return(return_id: str, *, restock: bool = True, refund: bool = True, location_id: str | None = None) -> Return:
    """The goods came back: restock them (unless damaged or defective), mark them returned, and
    refund their value to the original payment (or issue a gift card as store credit)."""
    with transaction.atomic():
        ret = Return.objects.select_for_update().select_related("order").filter(pk=return_id).first()
        if ret is None:
            raise NotFound(f"No return {return_id}.", code="return_not_found")
        if ret.status != ReturnStatus.REQUESTED:
            raise Conflict(f"The return is {ret.status}.", code="return_not_receivable")
        order = _locked(ret.order_id)
        restocked = False
        for item in ret.items.select_related("line_item"):
            line = item.line_item
            line.returned_quantity += item.quantity
            line.save(update_fields=["returned_quantity"])
            if restock and line.inventory_item_id and item.condition in (ItemCondition.UNOPENED, ItemCondition.OPENED):
                inventory.restock(line.inventory_item_id, item.quantity, location_id=location_id,
                                  reason=f"return {ret.id}")
                restocked = True
        ret.status = ReturnStatus.RECEIVED
        ret.received_at = timezone.now()
        refund_id, refunded = None, ZERO
        if refund and ret.refund_amount > ZERO:
            if ret.refund_method == RefundMethod.STORE_CREDIT:
                card = giftcards.issue(amount=ret.refund_amount, currency_code=order.currency_code,
                                       customer=order.customer, order_id="", note=f"Store credit for return {ret.id}")
                refund_id, refunded = card.id, ret.refund_amount
            else:
                amount = min(ret.refund_amount, order.paid_total - order.refunded_total)
                if amount > ZERO:
                    made = payments.refund_payment(order.id, amount, reason="requested_by_customer", return_id=ret.id,
                                                   idempotency_key=f"{ret.id}:refund")
                    refund_id, refunded = made.id, made.amount
            if refunded:
                ret.status = ReturnStatus.REFUNDED
        ret.save()
        order.refresh_from_db()
        order.fulfillment_status = _fulfillment_status(order)
        order.save(update_fields=["fulfillment_status", "updated_at"])
        events.emit(events.RETURN_RECEIVED, ret.id, {
            "return_id": ret.id, "order_id": order.id, "restocked": restocked, "refund_id": refund_id,
            "refund_amount": fmt(refunded, order.currency_code)})
    return ret


def mark_return_arrived(return_id: str) -> Return:
    """The returned goods reached the warehouse (before inspection and refund): writes
    `return.arrived`, which the ReturnAndRefund workflow waits for."""
    with transaction.atomic():
        ret = Return.objects.select_for_update().filter(pk=return_id).first()
        if ret is None:
            raise NotFound(f"No return {return_id}.", code="return_not_found")
        if ret.status != ReturnStatus.REQUESTED:
            raise Conflict(f"The return is {ret.status}.", code="return_not_receivable")
        if not (ret.metadata or {}).get("arrived_at"):
            ret.metadata = {**(ret.metadata or {}), "arrived_at": timezone.now().isoformat()}
            ret.save(update_fields=["metadata", "updated_at"])
            events.emit(events.RETURN_ARRIVED, ret.id, {
                "return_id": ret.id, "order_id": ret.order_id,
                "items": [{"line_item_id": item.line_item_id, "sku": item.line_item.sku, "quantity": item.quantity,
                           "condition": item.condition} for item in ret.items.select_related("line_item")]})
    return ret


def reject_return(return_id: str, *, reason: str) -> Return:
    """Refuse a return request (out of the return window, items not eligible)."""
    with transaction.atomic():
        ret = Return.objects.select_for_update().filter(pk=return_id).first()
        if ret is None:
            raise NotFound(f"No return {return_id}.", code="return_not_found")
        if ret.status == ReturnStatus.REJECTED:
            return ret
        if ret.status != ReturnStatus.REQUESTED:
            raise Conflict(f"The return is {ret.status}.", code="return_not_rejectable")
        ret.status = ReturnStatus.REJECTED
        ret.note = f"{ret.note}\nRejected: {reason}".strip()
        ret.save(update_fields=["status", "note", "updated_at"])
        events.emit(events.RETURN_REJECTED, ret.id, {"return_id": ret.id, "order_id": ret.order_id, "reason": reason})
    return ret


# -- cancellation requests and external references -------------------------------------------------

def cancellation_refusal(order: Order) -> str | None:
    """Why the order cannot be cancelled any more (None: it can)."""
    if order.status == OrderStatus.COMPLETED:
        return "the order is completed; use a return"
    if order.fulfillment_status not in (FulfillmentStatus.NOT_FULFILLED, FulfillmentStatus.CANCELED):
        return "goods of the order have left the warehouse; use a return"
    return None


def request_cancellation(order_id: str, *, reason: str = "", requested_by: str = "") -> Order:
    """Ask for the order to be cancelled: writes `order.cancel_requested` for the
    OrderCancellation workflow, which stops its delivery, releases its stock, reverses its
    commissions, refunds it and cancels it. 409 when it can no longer be cancelled."""
    with transaction.atomic():
        order = _locked(order_id)
        if order.status == OrderStatus.CANCELED:
            return order
        refusal = cancellation_refusal(order)
        if refusal:
            raise Conflict(f"This order cannot be cancelled: {refusal}.", code="order_not_cancelable")
        payment = payments._payment(order, lock=False)
        events.emit(events.ORDER_CANCEL_REQUESTED, order.id, {
            "order_id": order.id, "display_id": order.display_id, "reason": reason, "requested_by": requested_by,
            "currency_code": order.currency_code, "payment": payments.payment_ref(payment)})
    return order


def record_external_refs(order_id: str, system: str, refs: dict) -> dict:
    """Merge `refs` into what the order is in `system` (`order.external_refs[system]`); list values
    are extended without duplicates. Returns the system's refs."""
    with transaction.atomic():
        order = _locked(order_id)
        current = dict((order.external_refs or {}).get(system) or {})
        for key, value in refs.items():
            if isinstance(value, list):
                merged = list(current.get(key) or [])
                merged += [item for item in value if item not in merged]
                current[key] = merged
            elif isinstance(value, dict):
                current[key] = {**(current.get(key) or {}), **value}
            else:
                current[key] = value
        order.external_refs = {**(order.external_refs or {}), system: current}
        order.save(update_fields=["external_refs", "updated_at"])
    return current


def external_refs(order_id: str, system: str) -> dict:
    row = Order.objects.filter(pk=order_id).values_list("external_refs", flat=True).first()
    if row is None:
        raise NotFound(f"No order {order_id}.", code="order_not_found")
    return dict((row or {}).get(system) or {})
