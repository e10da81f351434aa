"""Subscription plans and customers' subscriptions (seeds 000: the subscription module, Pattern A).

A plan is a product of kind `subscription` with its terms (`SubscriptionPlan`: billing interval,
trial, validity, subscriber limit); buying it through the normal checkout creates a customer's
`Subscription` per order line, which writes `subscription.created` (the SubscriptionLifecycle
workflow's trigger). Renewal billing and dunning are the workflows' business; this module
keeps the state, answers `get_subscription` and cancels.
"""
