"""The CMS's commerce client: the operations of seeds 000 §6 (`medusaClient.ts`: headed "26 methods", 25 listed), in-process.

This module is the only door between content and commerce. Content code never imports commerce
models: it calls these functions, which call the commerce services and query functions and
answer plain dicts (ids are public ids, money is a decimal string with the currency's minor
digits, times are ISO 8601) — the shapes an HTTP client of the commerce API would get. Commerce
errors (`cityos.errors.ServiceError`: `InvalidInput`, `NotFound`, `Conflict`, …) pass through.

| Seeds                          | Here                                    |
| ------------------------------ | --------------------------------------- |
| createProduct(data)            | `create_product(data)`                  |
| updateProduct(id, data)        | `update_product(product_id, data)`      |
| listProducts(filters)          | `list_products(filters)`                |
| getProduct(id)                 | `get_product(id_or_handle)`             |
| deleteProduct(id)              | `delete_product(product_id)` (archives) |
| createVariant(productId, v)    | `create_variant(product_id, data)`      |
| updateVariant(pId, vId, v)     | `update_variant(product_id, variant_id, data)` |
| createPriceList / updatePriceList | `create_price_list(data)` / `update_price_list(id, data)` |
| createPromotion / applyPromotion  | `create_promotion(data)` / `apply_promotion(code, cart_id)` |
| createBooking / updateBooking / cancelBooking | `create_booking` / `update_booking` / `cancel_booking` |
| createSubscriptionProduct / getSubscription / cancelSubscription | same names, snake case |
| addLoyaltyPoints / redeemLoyaltyPoints / getLoyaltyBalance | same names, snake case |
| listOrdersByMetadata / getOrder / refundOrder | same names, snake case |
| getCustomer / listCustomers    | same names, snake case                  |

Beyond the seeds' list: upsert look-ups by CMS document id (`find_product_by_cms_id`,
`find_booking_by_cms_id`, `find_subscription_plan_by_cms_id`), `update_subscription_product`,
the revenue queries of Patterns B/C (`poi_revenue`, `bookings_by_poi`, `revenue_between`),
the storefront read of the product grid (`store_products`: products of a collection, a category
— itself, not its subcategories —, some metadata, or chosen ids), the publishable-key check of the
store content API (`sales_channel_for_key`) and `register_product_enricher`, the hook through
which content enriches the store's product responses.
"""
from datetime import datetime

from django.db.models import Q

from cityos.errors import NotFound
from cityos.money import fmt
from commerce.bookings import services as bookings
from commerce.carts import services as carts
from commerce.catalog import enrichment
from commerce.catalog import services as catalog
from commerce.catalog import store_read
from commerce.customers import services as customers
from commerce.inventory import services as inventory
from commerce.loyalty import services as loyalty
from commerce.orders import analytics
from commerce.orders import services as orders
from commerce.payments import services as payments
from commerce.pricing import services as pricing
from commerce.promotions import services as promotions
from commerce.regions import services as regions
from commerce.subscriptions import services as subscriptions

DEFAULT_LIMIT = 50


# ---------------------------------------------------------------------------------------------
# shapes
# ---------------------------------------------------------------------------------------------
def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _page(queryset, limit: int, offset: int, shape) -> dict:
    limit = max(1, min(int(limit), 500))
    offset = max(0, int(offset))
    return {"count": queryset.count(), "limit": limit, "offset": offset,
            "results": [shape(item) for item in queryset[offset:offset + limit]]}


def _variant(variant, available: dict) -> dict:
    return {
        "id": variant.id, "product_id": variant.product_id, "title": variant.title, "sku": variant.sku,
        "manage_inventory": variant.manage_inventory, "is_archived": variant.is_archived,
        "prices": [{"currency_code": p.currency_code, "amount": fmt(p.amount, p.currency_code)}
                   for p in variant.prices.all()],
        "inventory_quantity": available.get(variant.inventory_item_id) if variant.manage_inventory else None,
        "metadata": variant.metadata,
    }


def _product(product) -> dict:
    variants = list(product.variants.order_by("rank", "created_at").prefetch_related("prices"))
    available = inventory.available_quantities([v.inventory_item_id for v in variants if v.inventory_item_id])
    return {
        "id": product.id, "handle": product.handle, "title": product.title, "subtitle": product.subtitle,
        "description": product.description, "status": product.status, "kind": product.kind,
        "thumbnail": product.thumbnail, "metadata": product.metadata,
        "images": [{"url": image.url, "alt": image.alt} for image in product.images.all()],
        "variants": [_variant(v, available) for v in variants],
        "created_at": _iso(product.created_at), "updated_at": _iso(product.updated_at),
    }


def _order(order) -> dict:
    currency = order.currency_code
    return {
        **orders.order_summary(order), "id": order.id, "created_at": _iso(order.created_at),
        "canceled_at": _iso(order.canceled_at),
        "items": [{"id": line.id, "product_id": line.product_id, "variant_id": line.variant_id, "sku": line.sku,
                   "title": line.title, "quantity": line.quantity, "unit_price": fmt(line.unit_price, currency),
                   "total": fmt(line.total, currency), "metadata": line.metadata} for line in order.items.all()],
    }


def _customer(customer) -> dict:
    return {"id": customer.id, "email": customer.email, "first_name": customer.first_name,
            "last_name": customer.last_name, "phone": customer.phone, "has_account": customer.has_account,
            "metadata": customer.metadata, "created_at": _iso(customer.created_at)}


def _price_list(price_list) -> dict:
    return {"id": price_list.id, "name": price_list.name, "type": price_list.type, "status": price_list.status,
            "starts_at": _iso(price_list.starts_at), "ends_at": _iso(price_list.ends_at),
            "metadata": price_list.metadata,
            "prices": [{"variant_id": p.variant_id, "currency_code": p.currency_code,
                        "amount": fmt(p.amount, p.currency_code), "min_quantity": p.min_quantity}
                       for p in price_list.prices.all()]}


def _promotion(promotion) -> dict:
    return {"id": promotion.id, "code": promotion.code, "name": promotion.name, "type": promotion.type,
            "value": str(promotion.value), "currency_code": promotion.currency_code,
            "is_active": promotion.is_active, "starts_at": _iso(promotion.starts_at),
            "ends_at": _iso(promotion.ends_at), "usage_count": promotion.usage_count}


def _booking(booking) -> dict:
    return {**bookings.slot_payload(booking), "id": booking.id, "mode": booking.mode, "location": booking.location,
            "duration_minutes": booking.duration_minutes, "cancelled_at": _iso(booking.cancelled_at)}


def _plan(plan) -> dict:
    return {**subscriptions.plan_payload(plan), "id": plan.id, "product": _product(plan.product)}


def _subscription(subscription) -> dict:
    return {**subscriptions.subscription_payload(subscription), "id": subscription.id,
            "cancelled_at": _iso(subscription.cancelled_at), "ended_at": _iso(subscription.ended_at)}


# ---------------------------------------------------------------------------------------------
# products and variants
# ---------------------------------------------------------------------------------------------
def create_product(data: dict) -> dict:
    """`POST /admin/products`: see `commerce.catalog.services.create_product` for `data`."""
    return _product(catalog.create_product(data))


def update_product(product_id: str, data: dict) -> dict:
    """`POST /admin/products/:id`: the given fields change."""
    return _product(catalog.update_product(product_id, data))


def list_products(filters: dict | None = None, *, limit: int = DEFAULT_LIMIT, offset: int = 0) -> dict:
    """`GET /admin/products`: filters `status`, `kind`, `q`, `collection_id`, `category_id`,
    `metadata` ({key: value}); `{count, limit, offset, results}`."""
    filters = dict(filters or {})
    queryset = catalog.list_products(**{k: filters.get(k) for k in (
        "status", "q", "collection_id", "category_id", "kind", "metadata")})
    return _page(queryset.order_by("-created_at", "id"), limit, offset, _product)


def get_product(id_or_handle: str) -> dict:
    return _product(catalog.get_product(id_or_handle))


def delete_product(product_id: str) -> dict:
    """`DELETE /admin/products/:id`: the product is archived (orders keep referring to it)."""
    return _product(catalog.archive_product(product_id))


def create_variant(product_id: str, data: dict) -> dict:
    variant = catalog.create_variant(product_id, data)
    return _variant(variant, inventory.available_quantities([variant.inventory_item_id]))


def update_variant(product_id: str, variant_id: str, data: dict) -> dict:
    """Variant fields and `prices`; `inventory_quantity` sets its stock at the default location."""
    variant = catalog.get_variant(variant_id)
    if variant.product_id != product_id:
        raise NotFound(f"No variant {variant_id} on product {product_id}.", code="variant_not_found")
    changes = {k: v for k, v in data.items() if k != "inventory_quantity"}
    if changes:
        variant = catalog.update_variant(variant_id, changes)
    if data.get("inventory_quantity") is not None and variant.inventory_item_id:
        inventory.set_stock(variant.inventory_item, data["inventory_quantity"], reason="CMS push")
    return _variant(variant, inventory.available_quantities([variant.inventory_item_id]))


def find_product_by_cms_id(cms_id: str) -> dict | None:
    """The product a CMS document was pushed to (its `metadata.cms_id`), archived ones included."""
    product = catalog.list_products(metadata={"cms_id": cms_id}).order_by("created_at", "id").first()
    return _product(product) if product is not None else None


# ---------------------------------------------------------------------------------------------
# pricing and promotions
# ---------------------------------------------------------------------------------------------
def create_price_list(data: dict) -> dict:
    return _price_list(pricing.save_price_list(data))


def update_price_list(price_list_id: str, data: dict) -> dict:
    return _price_list(pricing.save_price_list(data, pricing.get_price_list(price_list_id)))


def create_promotion(data: dict) -> dict:
    return _promotion(promotions.save_promotion(data))


def apply_promotion(code: str, cart_id: str) -> dict:
    """`POST /store/carts/:id/promotions`: the cart's totals after the code."""
    cart = carts.apply_promotion(cart_id, code)
    currency = cart.currency_code
    return {"id": cart.id, "currency_code": currency, "applied_promotions": cart.applied_promotions,
            **{name: fmt(getattr(cart, name), currency) for name in (
                "subtotal", "discount_total", "shipping_total", "tax_total", "gift_card_total", "total")}}


# ---------------------------------------------------------------------------------------------
# bookings
# ---------------------------------------------------------------------------------------------
def create_booking(data: dict) -> dict:
    """`POST /admin/bookings`: a bookable slot (see `commerce.bookings.services.create_booking`)."""
    return _booking(bookings.create_booking(data))


def update_booking(booking_id: str, data: dict) -> dict:
    return _booking(bookings.update_booking(booking_id, data))


def cancel_booking(booking_id: str, *, reason: str = "") -> dict:
    """`DELETE /admin/bookings/:id`: the slot is cancelled with its open reservations."""
    return _booking(bookings.cancel_booking(booking_id, reason=reason))


def find_booking_by_cms_id(cms_id: str) -> dict | None:
    booking = bookings.find_by_cms_id(cms_id)
    return _booking(booking) if booking is not None else None


# ---------------------------------------------------------------------------------------------
# subscriptions
# ---------------------------------------------------------------------------------------------
def create_subscription_product(data: dict) -> dict:
    """`POST /admin/products` (subscription type): a subscription product and its plan."""
    return _plan(subscriptions.create_subscription_product(data))


def update_subscription_product(plan_id: str, data: dict) -> dict:
    return _plan(subscriptions.update_subscription_product(plan_id, data))


def find_subscription_plan_by_cms_id(cms_id: str) -> dict | None:
    plan = subscriptions.find_plan_by_cms_id(cms_id)
    return _plan(plan) if plan is not None else None


def get_subscription(subscription_id: str) -> dict:
    return _subscription(subscriptions.get_subscription(subscription_id))


def cancel_subscription(subscription_id: str, *, at_period_end: bool = False, reason: str = "") -> dict:
    return _subscription(subscriptions.cancel_subscription(subscription_id, at_period_end=at_period_end,
                                                           reason=reason))


# ---------------------------------------------------------------------------------------------
# loyalty
# ---------------------------------------------------------------------------------------------
def add_loyalty_points(customer_id: str, points: int, *, reason: str = "", reference: str = "",
                       idempotency_key: str | None = None) -> dict:
    """Points for a domain action (an enrolment, an appointment); `{customer_id, balance, tier, …}`."""
    return loyalty.add_points(customer_id, points, reason=reason, reference=reference, idempotency_key=idempotency_key)


def redeem_loyalty_points(customer_id: str, points: int, *, reason: str = "", reference: str = "",
                          idempotency_key: str | None = None) -> dict:
    return loyalty.redeem_points(customer_id, points, reason=reason, reference=reference,
                                 idempotency_key=idempotency_key)


def get_loyalty_balance(customer_id: str) -> dict:
    return loyalty.balance(customer_id)


# ---------------------------------------------------------------------------------------------
# orders and customers
# ---------------------------------------------------------------------------------------------
def list_orders_by_metadata(metadata: dict, *, limit: int = DEFAULT_LIMIT, offset: int = 0) -> dict:
    """`GET /admin/orders?metadata[key]=value`, newest first (`cms_poi_ids` matches an order
    holding a line of that POI)."""
    return _page(orders.list_orders(metadata=metadata).prefetch_related("items"), limit, offset, _order)


def get_order(order_id: str) -> dict:
    return _order(orders.get_order(order_id))


def refund_order(order_id: str, amount=None, *, reason: str = "requested_by_customer", note: str = "",
                 idempotency_key: str | None = None) -> dict:
    """`POST /admin/orders/:id/refunds`: refund captured money (all that is left by default)."""
    refund = payments.refund_payment(order_id, amount, reason=reason, note=note, idempotency_key=idempotency_key)
    return get_order(refund.order_id)


def get_customer(customer_id: str) -> dict:
    return _customer(customers.get_customer(customer_id))


def list_customers(filters: dict | None = None, *, limit: int = DEFAULT_LIMIT, offset: int = 0) -> dict:
    """Filters `q`, `group_id`, `has_account`."""
    filters = dict(filters or {})
    queryset = customers.list_customers(**{k: filters.get(k) for k in ("q", "group_id", "has_account")})
    return _page(queryset, limit, offset, _customer)


# ---------------------------------------------------------------------------------------------
# queries of Patterns B/C
# ---------------------------------------------------------------------------------------------
def default_currency() -> str:
    """The currency of the store's default region (what revenue is reported in)."""
    return regions.default_region().currency_code


def poi_revenue(*, currency: str, poi_ids=None, now: datetime | None = None) -> dict[str, dict]:
    """Revenue per POI by SQL aggregation (see `commerce.orders.analytics.poi_revenue`)."""
    return analytics.poi_revenue(currency=currency, poi_ids=poi_ids, now=now)


def bookings_by_poi(*, poi_ids=None, now: datetime | None = None) -> dict[str, dict]:
    """Slots and reservations per POI (see `commerce.bookings.services.summaries_by_poi`)."""
    return bookings.summaries_by_poi(poi_ids=poi_ids, now=now)


def revenue_between(start: datetime, end: datetime, *, currency: str) -> dict:
    """What the tenant sold in `[start, end)` (see `commerce.orders.analytics.revenue_between`)."""
    return analytics.revenue_between(start, end, currency=currency)


# ---------------------------------------------------------------------------------------------
# storefront reads and hooks
# ---------------------------------------------------------------------------------------------
def store_products(*, collection: str | None = None, category: str | None = None, metadata: dict | None = None,
                   ids_or_handles=None, limit: int = 8) -> list[dict]:
    """Published products of the default storefront as the store API presents them (prices in
    the default region's currency, stock flags, `content`): the newest first, or in the order of
    `ids_or_handles`. Filters: collection handle, category handle, metadata."""
    channel = regions.default_sales_channel()
    if channel is None:
        return []
    queryset = store_read.storefront_products(channel.id)
    if collection:
        queryset = queryset.filter(collection__handle=collection)
    if category:
        queryset = queryset.filter(categories__handle=category)
    if metadata:
        queryset = queryset.filter(metadata__contains=metadata)
    wanted = [str(value) for value in (ids_or_handles or []) if value]
    if wanted:
        queryset = queryset.filter(Q(pk__in=wanted) | Q(handle__in=wanted))
    rows = store_read.product_rows(queryset.order_by("-created_at", "-id")[:max(1, min(limit, 48))])
    if wanted:
        rank = {value: index for index, value in enumerate(wanted)}
        rows.sort(key=lambda row: min(rank.get(row["id"], len(rank)), rank.get(row["handle"], len(rank))))
    return store_read.present(rows, currency=default_currency())


def sales_channel_for_key(key: str | None) -> str | None:
    """The sales channel a publishable key opens (None: missing, unknown or revoked)."""
    return regions.channel_for_publishable_key(key)


def register_product_enricher(enricher) -> None:
    """Content for the store's product responses: `enricher(products) -> {product_id: {...}}`,
    called once per page of product dicts; what it returns appears under `content`."""
    enrichment.register(enricher)
