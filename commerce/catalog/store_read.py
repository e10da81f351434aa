"""How the store presents products: a fixed number of queries per page, whatever its size.

`present()` takes product rows (dicts) and loads everything a storefront shows about them in
one query per kind — variants, prices, options, option values, images, categories, stock,
price lists and tiers — then assembles plain dicts. No model instances, no per-product query.
"""
from collections import defaultdict
from decimal import Decimal

from django.db.models import Exists, Min, OuterRef, Q, Subquery

from cityos.money import fmt
from commerce.catalog import enrichment
from commerce.catalog.models import (
    Product, ProductImage, ProductOption, ProductOptionValue, ProductPrice, ProductStatus, ProductVariant,
)
from commerce.inventory.services import available_quantities
from commerce.pricing.services import PriceRequest, resolve_unit_prices

PRODUCT_COLUMNS = ("id", "handle", "title", "subtitle", "description", "kind", "is_giftcard", "thumbnail", "weight",
                   "tags", "metadata", "collection_id", "collection__title", "collection__handle", "created_at",
                   "updated_at")
VARIANT_COLUMNS = ("id", "product_id", "title", "sku", "barcode", "weight", "manage_inventory", "allow_backorder",
                   "inventory_item_id", "metadata")
SORTS = {
    "created_at": ("created_at", "id"), "-created_at": ("-created_at", "-id"),
    "title": ("title", "id"), "-title": ("-title", "-id"),
    "price": ("min_price", "id"), "-price": ("-min_price", "-id"),
}


def storefront_products(sales_channel_id: str):
    """Published products of the sales channel."""
    in_channel = Product.sales_channels.through.objects.filter(product_id=OuterRef("pk"),
                                                               saleschannel_id=sales_channel_id)
    return Product.objects.filter(Exists(in_channel), status=ProductStatus.PUBLISHED)


def price_filtered(queryset, currency: str, *, price_min: Decimal | None = None, price_max: Decimal | None = None,
                   sort: str = "-created_at"):
    """Filter on a variant list price within [price_min, price_max] in `currency`; annotate the
    lowest price when sorting by price."""
    if price_min is not None or price_max is not None:
        prices = ProductPrice.objects.filter(variant__product_id=OuterRef("pk"), variant__is_archived=False,
                                             currency_code=currency)
        if price_min is not None:
            prices = prices.filter(amount__gte=price_min)
        if price_max is not None:
            prices = prices.filter(amount__lte=price_max)
        queryset = queryset.filter(Exists(prices))
    if sort in ("price", "-price"):
        lowest = (ProductPrice.objects.filter(variant__product_id=OuterRef("pk"), variant__is_archived=False,
                                              currency_code=currency)
                  .values("variant__product_id").annotate(low=Min("amount")).values("low"))
        queryset = queryset.annotate(min_price=Subquery(lowest))
    return queryset.order_by(*SORTS[sort])


def present(rows: list[dict], *, currency: str, group_ids=(), detail: bool = False) -> list[dict]:
    """Store representations of the product rows (in their order)."""
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    variants = list(ProductVariant.objects.filter(product_id__in=ids, is_archived=False)
                    .order_by("rank", "created_at").values(*VARIANT_COLUMNS))
    variant_ids = [v["id"] for v in variants]

    prices = defaultdict(list)
    for variant_id, code, amount in (ProductPrice.objects.filter(variant_id__in=variant_ids)
                                     .order_by("currency_code").values_list("variant_id", "currency_code", "amount")):
        prices[variant_id].append({"currency_code": code, "amount": fmt(amount, code)})

    options = defaultdict(list)
    option_by_id = {}
    for option in ProductOption.objects.filter(product_id__in=ids).order_by("rank", "id").values("id", "product_id", "title"):
        entry = {"id": option["id"], "title": option["title"], "values": []}
        options[option["product_id"]].append(entry)
        option_by_id[option["id"]] = entry
    value_by_id = {}
    for value in (ProductOptionValue.objects.filter(option__product_id__in=ids).order_by("rank", "id")
                  .values("id", "option_id", "value")):
        option_by_id[value["option_id"]]["values"].append({"id": value["id"], "value": value["value"]})
        value_by_id[value["id"]] = (option_by_id[value["option_id"]]["title"], value["value"])
    chosen = defaultdict(dict)
    for variant_id, value_id in (ProductVariant.option_values.through.objects.filter(productvariant_id__in=variant_ids)
                                 .values_list("productvariant_id", "productoptionvalue_id")):
        title, value = value_by_id.get(value_id, (None, None))
        if title is not None:
            chosen[variant_id][title] = value

    images = defaultdict(list)
    for image in ProductImage.objects.filter(product_id__in=ids).order_by("rank", "id").values("id", "product_id", "url", "alt"):
        images[image["product_id"]].append({"id": image["id"], "url": image["url"], "alt": image["alt"]})

    categories = defaultdict(list)
    for product_id, category_id in (Product.categories.through.objects.filter(product_id__in=ids)
                                    .values_list("product_id", "productcategory_id")):
        categories[product_id].append(category_id)

    stock = available_quantities([v["inventory_item_id"] for v in variants if v["inventory_item_id"]])
    calculated = resolve_unit_prices([PriceRequest(v["id"], v["product_id"], 1) for v in variants], currency,
                                     group_ids=group_ids)
    content = enrichment.enrich(rows)

    by_product = defaultdict(list)
    for v in variants:
        price = calculated.get(v["id"])
        tracked = v["manage_inventory"] and not v["allow_backorder"] and v["inventory_item_id"]
        available = stock.get(v["inventory_item_id"], 0) if tracked else None
        by_product[v["product_id"]].append({
            "id": v["id"], "title": v["title"], "sku": v["sku"], "barcode": v["barcode"], "weight": v["weight"],
            "options": chosen.get(v["id"], {}), "prices": prices.get(v["id"], []),
            "calculated_price": None if price is None else {
                "currency_code": currency, "amount": fmt(price.amount, currency),
                "original_amount": fmt(price.base_amount, currency), "price_source": price.source.split(":")[0]},
            "manage_inventory": v["manage_inventory"], "allow_backorder": v["allow_backorder"],
            "in_stock": True if available is None else available > 0,
            **({"inventory_quantity": available} if detail and available is not None else {}),
            "metadata": v["metadata"],
        })

    products = []
    for row in rows:
        product_variants = by_product.get(row["id"], [])
        amounts = [Decimal(v["calculated_price"]["amount"]) for v in product_variants if v["calculated_price"]]
        products.append({
            "id": row["id"], "handle": row["handle"], "title": row["title"], "subtitle": row["subtitle"],
            "description": row["description"], "kind": row["kind"], "is_giftcard": row["is_giftcard"],
            "thumbnail": row["thumbnail"], "weight": row["weight"], "tags": row["tags"], "metadata": row["metadata"],
            "collection": {"id": row["collection_id"], "title": row["collection__title"],
                           "handle": row["collection__handle"]} if row["collection_id"] else None,
            "category_ids": categories.get(row["id"], []),
            "images": images.get(row["id"], []),
            "options": options.get(row["id"], []),
            "variants": product_variants,
            "price_range": {"currency_code": currency, "min": fmt(min(amounts), currency),
                            "max": fmt(max(amounts), currency)} if amounts else None,
            "in_stock": any(v["in_stock"] for v in product_variants),
            "content": content.get(row["id"], {}),
            "created_at": row["created_at"].isoformat(), "updated_at": row["updated_at"].isoformat(),
        })
    return products


def find(queryset, id_or_handle: str) -> dict | None:
    lookup = Q(pk=id_or_handle) if id_or_handle.startswith("prod_") else Q(handle=id_or_handle)
    return queryset.filter(lookup).values(*PRODUCT_COLUMNS).first()
