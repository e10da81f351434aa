"""The commerce engine: one Django app per module, each in every tenant schema.

See docs/commerce.md for the store and admin APIs, the checkout rules and the events.
"""
# Names of the OpenAPI enums whose field names (status, type, provider) several commerce
# resources share; cityos/settings.py passes them to drf-spectacular.
SCHEMA_ENUM_NAMES = {
    "ProductStatusEnum": "commerce.catalog.models.ProductStatus",
    "ProductKindEnum": "commerce.catalog.models.ProductKind",
    "PriceListStatusEnum": "commerce.pricing.models.PriceListStatus",
    "PriceListTypeEnum": "commerce.pricing.models.PriceListType",
    "PromotionTypeEnum": "commerce.promotions.models.PromotionType",
    "InvoiceStatusEnum": "commerce.invoices.models.InvoiceStatus",
    "ReviewStatusEnum": "commerce.reviews.models.ReviewStatus",
    "OrderStatusEnum": "commerce.orders.models.OrderStatus",
    "ShippingProviderEnum": "commerce.shipping.models.ShippingProvider",
    "PaymentProviderEnum": "commerce.payments.gateway.PROVIDERS",
    "VendorStatusEnum": "commerce.marketplace.models.VendorStatus",
    "VendorOrderStatusEnum": "commerce.marketplace.models.VendorOrderStatus",
    "CommissionStatusEnum": "commerce.marketplace.models.CommissionStatus",
    "CommissionKindEnum": "commerce.marketplace.models.CommissionKind",
    "PayoutStatusEnum": "commerce.marketplace.models.PayoutStatus",
    "DisputeStatusEnum": "commerce.payments.models.DisputeStatus",
    "EscrowStatusEnum": "commerce.payments.models.EscrowStatus",
    "InstallmentPlanStatusEnum": "commerce.payments.models.InstallmentPlanStatus",
    "InstallmentStatusEnum": "commerce.payments.models.InstallmentStatus",
    "InstallmentIntervalEnum": "commerce.payments.models.InstallmentInterval",
}

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
    "commerce.marketplace",
    "commerce.payments",
    "commerce.invoices",
    "commerce.reviews",
    "commerce.bookings",
    "commerce.subscriptions",
]
