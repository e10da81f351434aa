"""Demo purchases: each demo tenant's shopper books, subscribes to and buys the offers the CMS
pushed into commerce (run after `content.seed`), through the real checkout with the sandbox
gateway — so bookings, subscriptions, POI revenue and the platform's invoices have data.

Orders are spread over time: after checkout, a demo order's placement time is moved back (to
last month, or some days ago) as if it had been placed then; some are captured and partly
refunded. Each demo order is keyed (`metadata.demo_order`) and marked `demo_settled` once all
that is done, so seeding again places nothing (and finishes what an interrupted seeding left).
"""
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from commerce.bookings.services import reserve_for_order
from commerce.subscriptions.services import subscribe_for_order

ORDER = 60
SANDBOX_CARD = "pm_card_visa"
LAST_MONTH = "last_month"

# key → (items [(product handle, quantity)], when: days ago or LAST_MONTH, amount refunded after capture)
DEMO_ORDERS = {
    "market": {
        "market-1": ([("fresh-dates-khalas", 3)], LAST_MONTH, None),
        "market-2": ([("vendor-stall-membership", 1)], LAST_MONTH, None),
        "market-3": ([("organic-tomatoes", 4), ("fresh-dates-khalas", 1)], 2, None),
        "market-4": ([("weekend-food-festival", 4)], 5, None),
        "market-5": ([("pop-up-stall-weekly", 1)], 12, Decimal("200.00")),
    },
    "clinic": {
        "clinic-1": ([("paediatrics-telehealth", 1)], LAST_MONTH, None),
        "clinic-2": ([("first-aid-certificate", 2)], LAST_MONTH, None),
        "clinic-3": ([("gp-consultation-morning", 1)], 2, None),
        "clinic-4": ([("family-care-plan", 1)], 6, None),
    },
    "transit": {
        "transit-1": ([("monthly-city-pass", 2)], LAST_MONTH, None),
        "transit-2": ([("student-weekly-pass", 2)], 3, None),
        "transit-3": ([("residential-parking-permit", 1)], 9, Decimal("50.00")),
    },
}


def placed_at(when, now: datetime) -> datetime:
    """When a demo order counts as placed: some days ago, or the 12th of last month at noon (UTC)."""
    if when == LAST_MONTH:
        first = now.astimezone(UTC).date().replace(day=1)
        return datetime.combine((first - timedelta(days=1)).replace(day=12), time(12, 0), tzinfo=UTC)
    return now - timedelta(days=when, hours=3)


def seed_tenant(tenant, ctx):
    from commerce.orders.models import Order

    plan = DEMO_ORDERS.get(tenant.slug, {})
    placed = skipped = 0
    for key, (items, when, refund) in plan.items():
        order = Order.objects.filter(metadata__demo_order=key).first()
        if order is not None and order.metadata.get("demo_settled"):
            continue
        order = order or _place(tenant, key, items)
        if order is None:
            skipped += 1
            continue
        _settle(order, when, refund)
        placed += 1
    ctx.say(f"    {placed} demo order(s) placed{f', {skipped} skipped (offer not on sale)' if skipped else ''}")


def _place(tenant, key: str, items):
    """A checkout of `items` by the tenant's demo shopper; None when an offer is not on sale."""
    from commerce.carts import services as carts
    from commerce.catalog.models import Product, ProductStatus
    from commerce.customers.models import Customer
    from commerce.orders.checkout import complete_cart
    from commerce.regions.services import default_sales_channel
    from commerce.shipping.models import ShippingOption

    products = {p.handle: p for p in Product.objects.filter(handle__in=[h for h, _ in items],
                                                             status=ProductStatus.PUBLISHED)}
    if len(products) != len({h for h, _ in items}):
        return None
    shopper = Customer.objects.filter(email=f"shopper@{tenant.slug}.localhost").first()
    address = shopper.addresses.first() if shopper else None
    cart = carts.create_cart(
        sales_channel_id=default_sales_channel().pk, customer=shopper,
        email=shopper.email if shopper else f"demo@{tenant.slug}.localhost", metadata={"demo_order": key},
        shipping_address=_address(address),
        items=[{"variant_id": products[h].variants.order_by("rank", "created_at").first().pk, "quantity": q}
               for h, q in items])
    if any(product.kind == "physical" for product in products.values()):  # collected at the market
        pickup = ShippingOption.objects.filter(region=cart.region, is_pickup=True).order_by("position").first()
        carts.add_shipping_method(cart.pk, pickup.pk)
    carts.create_payment_session(cart.pk, "sandbox")
    return complete_cart(cart.pk, payment_method=SANDBOX_CARD, provider="sandbox").order


def _address(address) -> dict | None:
    if address is None:
        return None
    return {name: getattr(address, name) for name in ("first_name", "last_name", "address_1", "city", "postal_code",
                                                     "country_code")}


def _settle(order, when, refund) -> None:
    """Move the order back to when it counts as placed, record what it booked or subscribed to,
    and capture (and partly refund) the one that has a refund."""
    from commerce.orders.models import Order
    from commerce.payments.services import capture_payment, refund_payment

    with transaction.atomic():
        Order.objects.filter(pk=order.pk).update(created_at=placed_at(when, timezone.now()))
        reserve_for_order(order.pk)
        subscribe_for_order(order.pk)
    if refund is not None:
        capture_payment(order.pk, idempotency_key=f"demo:{order.pk}:capture")
        if not order.refunds.exists():
            refund_payment(order.pk, refund, reason="requested_by_customer", note="Demo refund",
                           idempotency_key=f"demo:{order.pk}:refund")
    Order.objects.filter(pk=order.pk).update(metadata={**order.metadata, "demo_settled": True})
