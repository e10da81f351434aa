"""The subscriptions module's outbox events, added to `commerce.events.CATALOG`.

`subscription.created` starts the SubscriptionLifecycle workflow; `subscription.cancelled` is a
signal of seeds 003 §4.4 (keyed by the subscription id).
"""
from commerce import events

PLAN_CREATED = "subscription_plan.created"
PLAN_UPDATED = "subscription_plan.updated"
SUBSCRIPTION_CREATED = "subscription.created"
SUBSCRIPTION_CANCELLED = "subscription.cancelled"
SUBSCRIPTION_EXPIRED = "subscription.expired"

_PLAN = ("plan_id, product_id, variant_id, cms_id, title, billing_interval, interval_count, validity_days, "
         "trial_days, max_subscribers, price, currency_code, status, metadata")
_SUBSCRIPTION = ("subscription_id, plan_id, product_id, customer_id, email, order_id, line_item_id, quantity, status, "
                 "billing_interval, interval_count, unit_price, currency_code, started_at, trial_ends_at, "
                 "current_period_start, current_period_end, renews, cancel_at_period_end, metadata")

events.CATALOG.update({
    PLAN_CREATED: events.EventSpec("subscription_plan", _PLAN),
    PLAN_UPDATED: events.EventSpec("subscription_plan", _PLAN + ", changes [field names]"),
    SUBSCRIPTION_CREATED: events.EventSpec("subscription", _SUBSCRIPTION),
    SUBSCRIPTION_CANCELLED: events.EventSpec("subscription", _SUBSCRIPTION + ", cancelled_at, reason"),
    SUBSCRIPTION_EXPIRED: events.EventSpec("subscription", _SUBSCRIPTION + ", ended_at"),
})
