"""What buying a bookable slot or a subscription product sets off.

- `ProductPurchase` (on `order.placed`, when a line bought a booking slot or a subscription
  plan — its product's metadata carries `booking_id` / `subscription_plan_id`): records the
  customers' reservations and subscriptions, which write `booking.created` /
  `subscription.created` (the BookingLifecycle and SubscriptionLifecycle triggers).
- `ProductPurchaseCancellation` (on `order.cancelled`): cancels the order's reservations that
  are still pending or confirmed (their seats go back to the slot) and its live subscriptions.

Both steps are idempotent per order line, so a repeated run changes nothing.
"""
from integrations import policies
from workflows import dispatch
from workflows.definition import Step, Workflow, register

PURCHASE_KEYS = ("booking_id", "subscription_plan_id")


def buys_bookings_or_subscriptions(payload: dict) -> bool:
    return any(key in (item.get("metadata") or {}) for item in payload.get("items") or [] for key in PURCHASE_KEYS)


def record_purchases(ctx):
    from commerce.bookings.services import reserve_for_order
    from commerce.subscriptions.services import subscribe_for_order

    order_id = ctx.input["order_id"]
    return {"reservations": [r.id for r in reserve_for_order(order_id)],
            "subscriptions": [s.id for s in subscribe_for_order(order_id)]}


def cancel_purchases(ctx):
    from commerce.bookings.services import cancel_for_order as cancel_reservations
    from commerce.subscriptions.services import cancel_for_order as cancel_subscriptions

    order_id, reason = ctx.input["order_id"], ctx.input.get("reason") or "order cancelled"
    return {"reservations": [r.id for r in cancel_reservations(order_id, reason=reason)],
            "subscriptions": [s.id for s in cancel_subscriptions(order_id, reason=reason)]}


@register
class ProductPurchase(Workflow):
    type = "ProductPurchase"
    domain = "order"
    action = "purchase"
    entity_field = "order_id"
    description = "Record the reservations and subscriptions an order bought."
    steps = [Step("record_purchases", record_purchases, system="commerce", policy=policies.DEFAULT)]


@register
class ProductPurchaseCancellation(Workflow):
    type = "ProductPurchaseCancellation"
    domain = "order"
    action = "purchase-cancellation"
    entity_field = "order_id"
    description = "Cancel the reservations and subscriptions of a cancelled order."
    steps = [Step("cancel_purchases", cancel_purchases, system="commerce", policy=policies.DEFAULT)]


ROUTES = (
    ("order.placed", ProductPurchase.type,
     (buys_bookings_or_subscriptions, "an item bought a booking slot or a subscription plan")),
    ("order.cancelled", ProductPurchaseCancellation.type, None),
)
for _event, _type, _when in ROUTES:
    if not any(route.workflow_type == _type for route in dispatch.routes_for(_event)):
        dispatch.add_route(_event, _type, when=_when)
