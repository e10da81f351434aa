"""Every event the commerce engine writes to the outbox, with the shape of its payload.

Services emit through `emit()` below, inside the transaction that changes the state, so an event
exists exactly when its change committed. Money in payloads is a decimal string with the
currency's minor digits ("115.00"); ids are the public prefixed ids; times are ISO 8601 (UTC).
The workflow engine maps these names to workflows; docs/commerce.md repeats this table.
"""
from dataclasses import dataclass

from workflows import outbox

ORDER_PLACED = "order.placed"
ORDER_PAYMENT_CAPTURED = "order.payment_captured"
ORDER_PAYMENT_CANCELED = "order.payment_canceled"
ORDER_REFUNDED = "order.refunded"
ORDER_CANCELLED = "order.cancelled"
ORDER_FULFILLMENT_STARTED = "order.fulfillment_started"
ORDER_SHIPPED = "order.shipped"
ORDER_DELIVERED = "order.delivered"
ORDER_COMPLETED = "order.completed"
RETURN_REQUESTED = "return.requested"
RETURN_RECEIVED = "return.received"
REVIEW_SUBMITTED = "review.submitted"
REVIEW_MODERATED = "review.moderated"
CUSTOMER_CREATED = "customer.created"
CUSTOMER_UPDATED = "customer.updated"
PRODUCT_CREATED = "product.created"
PRODUCT_UPDATED = "product.updated"
INVENTORY_ADJUSTED = "inventory.adjusted"
GIFT_CARD_PURCHASED = "gift_card.purchased"
GIFT_CARD_REDEEMED = "gift_card.redeemed"
LOYALTY_POINTS_EARNED = "loyalty.points_earned"
LOYALTY_POINTS_REDEEMED = "loyalty.points_redeemed"
CART_COMPLETED = "cart.completed"
ORDER_CANCEL_REQUESTED = "order.cancel_requested"
RETURN_ARRIVED = "return.arrived"
RETURN_REJECTED = "return.rejected"
PAYMENT_CAPTURE_REQUESTED = "payment.capture_requested"
VENDOR_CREATED = "vendor.created"
VENDOR_UPDATED = "vendor.updated"
VENDOR_ORDER_CREATED = "vendor_order.created"
VENDOR_ORDER_UPDATED = "vendor_order.updated"
COMMISSION_RELEASED = "commission.released"
COMMISSION_REVERSED = "commission.reversed"
PAYOUT_REQUESTED = "payout.requested"
PAYOUT_PAID = "payout.paid"
PAYOUT_FAILED = "payout.failed"
ESCROW_HELD = "escrow.held"
ESCROW_RELEASED = "payment.escrow.released"
INSTALLMENT_PLAN_CREATED = "installment_plan.created"
INSTALLMENT_PAID = "installment.paid"
INSTALLMENT_FAILED = "installment.failed"
INSTALLMENT_PLAN_CANCELLED = "plan.cancelled"
INSTALLMENT_PLAN_CLOSED = "installment_plan.closed"
DISPUTE_OPENED = "dispute.opened"
DISPUTE_EVIDENCE_PREPARED = "dispute.evidence_prepared"
DISPUTE_CLOSED = "payment.dispute.closed"
RECONCILIATION_COMPLETED = "reconciliation.completed"


@dataclass(frozen=True)
class EventSpec:
    aggregate_type: str
    payload: str  # the payload's keys, as documented for consumers


_ORDER_SUMMARY = ("order_id, display_id, customer_id, email, currency_code, "
                  "totals {subtotal, discount_total, shipping_total, tax_total, gift_card_total, total, "
                  "paid_total, refunded_total}, status, payment_status, fulfillment_status, metadata")

CATALOG: dict[str, EventSpec] = {
    ORDER_PLACED: EventSpec("order", (
        "order_id, display_id, customer_id, email, currency_code, "
        "totals {subtotal, discount_total, shipping_total, tax_total, gift_card_total, total}, "
        "payment {provider, payment_intent_id, status, amount}, "
        "items [{line_item_id, product_id, variant_id, sku, title, quantity, unit_price, subtotal, "
        "discount_total, tax_total, total, metadata}], shipping_address, shipping_method {option_id, name, "
        "amount}, promotion_codes, sales_channel_id, region_id, metadata, placed_at")),
    ORDER_PAYMENT_CAPTURED: EventSpec("order", (
        "order_id, display_id, currency_code, payment {provider, payment_intent_id, status}, "
        "amount (captured now), paid_total, metadata")),
    ORDER_PAYMENT_CANCELED: EventSpec("order", (
        "order_id, display_id, currency_code, payment {provider, payment_intent_id, status}, amount (released), "
        "reason, metadata")),
    ORDER_REFUNDED: EventSpec("order", (
        "order_id, display_id, currency_code, refund_id, amount, reason, return_id, refunded_total, "
        "payment {provider, payment_intent_id}, metadata")),
    ORDER_CANCELLED: EventSpec("order", (
        "order_id, display_id, currency_code, reason, released_authorisation (bool), refunded_amount, "
        "payment {provider, payment_intent_id, status}, items [{line_item_id, sku, quantity}], metadata")),
    ORDER_FULFILLMENT_STARTED: EventSpec("order", (
        "order_id, display_id, fulfillment_id, location_id, provider, shipping_method, "
        "items [{line_item_id, sku, quantity}], shipping_address, metadata")),
    ORDER_SHIPPED: EventSpec("order", "order_id, display_id, fulfillment_id, tracking_number, tracking_url"),
    ORDER_DELIVERED: EventSpec("order", "order_id, display_id, fulfillment_id, delivered_at"),
    ORDER_COMPLETED: EventSpec("order", _ORDER_SUMMARY),
    RETURN_REQUESTED: EventSpec("return", (
        "return_id, order_id, display_id, customer_id, items [{line_item_id, sku, quantity, reason, condition}], "
        "return_method, refund_method, refund_amount, currency_code, payment {provider, payment_intent_id}")),
    RETURN_RECEIVED: EventSpec("return", "return_id, order_id, restocked (bool), refund_id, refund_amount"),
    REVIEW_SUBMITTED: EventSpec("review", "review_id, product_id, customer_id, rating, verified_purchase"),
    REVIEW_MODERATED: EventSpec("review", "review_id, product_id, customer_id, rating, status"),
    CUSTOMER_CREATED: EventSpec("customer", "customer_id, email, first_name, last_name, phone, has_account"),
    CUSTOMER_UPDATED: EventSpec("customer", "customer_id, email, changes [field names], has_account"),
    PRODUCT_CREATED: EventSpec("product", "product_id, handle, title, status, kind, collection_id, variant_ids, metadata"),
    PRODUCT_UPDATED: EventSpec("product", (
        "product_id, handle, title, status, kind, collection_id, variant_ids, metadata, "
        "changes [field names; 'variants' or 'prices' when those changed]")),
    INVENTORY_ADJUSTED: EventSpec("inventory_item", (
        "inventory_item_id, sku, location_id, delta, stocked_quantity, reserved_quantity, reason")),
    GIFT_CARD_PURCHASED: EventSpec("gift_card", (
        "gift_card_id, code_last4, amount, currency_code, customer_id, recipient_email, order_id")),
    GIFT_CARD_REDEEMED: EventSpec("gift_card", "gift_card_id, amount, balance, currency_code, order_id, customer_id"),
    LOYALTY_POINTS_EARNED: EventSpec("loyalty_account", (
        "account_id, customer_id, points, balance, tier, reason, reference")),
    LOYALTY_POINTS_REDEEMED: EventSpec("loyalty_account", (
        "account_id, customer_id, points, balance, tier, reason, reference")),
    CART_COMPLETED: EventSpec("cart", (
        "cart_id, order_id, customer_id, currency_code, total_amount, is_multi_vendor, payment_intent_id, "
        "gateway, items_by_vendor [{vendor_id, items [{line_item_id, variant_id, quantity, price}]}] "
        "(written with order.placed when the order has items of several vendors)")),
    ORDER_CANCEL_REQUESTED: EventSpec("order", (
        "order_id, display_id, reason, requested_by, currency_code, payment {provider, payment_intent_id, status}")),
    RETURN_ARRIVED: EventSpec("return", "return_id, order_id, items [{line_item_id, sku, quantity, condition}]"),
    RETURN_REJECTED: EventSpec("return", "return_id, order_id, reason"),
    PAYMENT_CAPTURE_REQUESTED: EventSpec("order", (
        "order_id, display_id, currency_code, amount (null: all), requested_by, payment {provider, "
        "payment_intent_id, status}")),
    VENDOR_CREATED: EventSpec("vendor", "vendor_id, handle, name, email, status, uses_escrow"),
    VENDOR_UPDATED: EventSpec("vendor", "vendor_id, handle, status, changes [field names]"),
    VENDOR_ORDER_CREATED: EventSpec("vendor_order", (
        "vendor_order_id, order_id, vendor_id, currency_code, subtotal, commission_amount, net_amount, "
        "items [{line_item_id, quantity, total, commission_rate}]")),
    VENDOR_ORDER_UPDATED: EventSpec("vendor_order", (
        "vendor_order_id, order_id, vendor_id, status, delivery_order_id, tracking_number")),
    COMMISSION_RELEASED: EventSpec("vendor", (
        "vendor_id, order_id, transaction_ids, amount (net made payable), currency_code, reason")),
    COMMISSION_REVERSED: EventSpec("vendor", (
        "vendor_id, order_id, transaction_ids, amount (net taken back), currency_code, reference")),
    PAYOUT_REQUESTED: EventSpec("payout", (
        "payout_id, vendor_id, amount, currency_code, transaction_ids, period_start, period_end, method")),
    PAYOUT_PAID: EventSpec("payout", "payout_id, vendor_id, amount, currency_code, transfer_id, paid_at"),
    PAYOUT_FAILED: EventSpec("payout", "payout_id, vendor_id, amount, currency_code, status, reason"),
    ESCROW_HELD: EventSpec("escrow", "escrow_id, order_id, vendor_order_id, vendor_id, amount, currency_code"),
    ESCROW_RELEASED: EventSpec("escrow", (
        "escrow_id, order_id, vendor_order_id, amount, currency_code, released_to, released_at, release_reason")),
    INSTALLMENT_PLAN_CREATED: EventSpec("installment_plan", (
        "plan_id, order_id, customer_id, currency_code, total, count, interval, installments [{sequence, amount, "
        "due_at}]")),
    INSTALLMENT_PAID: EventSpec("installment_plan", (
        "plan_id, order_id, sequence, amount, currency_code, payment_intent_id, paid_total")),
    INSTALLMENT_FAILED: EventSpec("installment_plan", (
        "plan_id, order_id, sequence, amount, currency_code, attempts, error")),
    INSTALLMENT_PLAN_CANCELLED: EventSpec("installment_plan", "plan_id, order_id, reason"),
    INSTALLMENT_PLAN_CLOSED: EventSpec("installment_plan", "plan_id, order_id, status, paid_total, currency_code"),
    DISPUTE_OPENED: EventSpec("dispute", (
        "dispute_id, order_id, gateway_dispute_id, gateway, payment_intent_id, amount, currency_code, reason, "
        "evidence_due_by, vendor_ids")),
    DISPUTE_EVIDENCE_PREPARED: EventSpec("dispute", "dispute_id, order_id, evidence (what was gathered)"),
    DISPUTE_CLOSED: EventSpec("dispute", "dispute_id, order_id, gateway_dispute_id, status (won, lost), amount, "
                                         "currency_code, note"),
    RECONCILIATION_COMPLETED: EventSpec("reconciliation", (
        "report_id, date, balanced, payments_checked, refunds_checked, discrepancies (count)")),
}


def emit(event_type: str, aggregate_id: str, payload: dict):
    """Write a catalogued event for the current tenant (inside the caller's transaction)."""
    spec = CATALOG[event_type]
    return outbox.emit(event_type, aggregate_type=spec.aggregate_type, aggregate_id=aggregate_id, payload=payload)
