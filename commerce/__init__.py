"""The commerce engine: one Django app per module, each in every tenant schema.

See docs/commerce.md for the store and admin APIs, the checkout rules and the events.
"""
TENANT_APPS: list[str] = [
    "django.contrib.postgres",
    "commerce.regions",
    "commerce.inventory",
    "commerce.catalog",
    "commerce.customers",
    "commerce.pricing",
    "commerce.shipping",
    "commerce.promotions",
    "commerce.giftcards",
    "commerce.loyalty",
    "commerce.carts",
    "commerce.orders",
    "commerce.payments",
    "commerce.invoices",
    "commerce.reviews",
]
