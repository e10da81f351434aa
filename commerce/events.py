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
}


def emit(event_type: str, aggregate_id: str, payload: dict):
    """Write a catalogued event for the current tenant (inside the caller's transaction)."""
    spec = CATALOG[event_type]
    return outbox.emit(event_type, aggregate_type=spec.aggregate_type, aggregate_id=aggregate_id, payload=payload)
