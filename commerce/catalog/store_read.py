"""How the store presents products: a fixed number of queries per page, whatever its size.

`product_rows()` reads a page of products with their images and categories in one query;
`present()` loads everything else a storefront shows about them in one query per kind —
variants, prices, stock, options (only when the page has some), price lists and tiers (only
when the store has some) — then assembles plain dicts. No model instances, no per-product query.
"""
from collections import defaultdict
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, Min, OuterRef, Q, Subquery
from django.db.models.functions import JSONObject

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


def price_filtered(queryset, currency: str, *, price_min: Decimal | None = None, price_max: Decimal | None = None):
    """Products with a variant list price within [price_min, price_max] in `currency`."""
    if price_min is not None or price_max is not None:
        prices = ProductPrice.objects.filter(variant__product_id=OuterRef("pk"), variant__is_archived=False,
                                             currency_code=currency)
        if price_min is not None:
            prices = prices.filter(amount__gte=price_min)
        if price_max is not None:
            prices = prices.filter(amount__lte=price_max)
        queryset = queryset.filter(Exists(prices))
    return queryset


def sorted_by(queryset, currency: str, sort: str):
    """Order by one of SORTS; by price means by the lowest variant list price in `currency`."""
    if sort in ("price", "-price"):
        lowest = (ProductPrice.objects.filter(variant__product_id=OuterRef("pk"), variant__is_archived=False,
                                              currency_code=currency)
                  .values("variant__product_id").annotate(low=Min("amount")).values("low"))
        queryset = queryset.annotate(min_price=Subquery(lowest))
    return queryset.order_by(*SORTS[sort])


def product_rows(queryset) -> list[dict]:
    """The queryset's products as dicts, each with its images, category ids and whether it has
    options — one query (array subqueries instead of one query per relation)."""
    images = ArraySubquery(ProductImage.objects.filter(product_id=OuterRef("pk")).order_by("rank", "id")
                           .values(json=JSONObject(id="id", url="url", alt="alt")))
    categories = ArraySubquery(Product.categories.through.objects.filter(product_id=OuterRef("pk"))
                               .values("productcategory_id"))
    options = Exists(ProductOption.objects.filter(product_id=OuterRef("pk")))
    return list(queryset.annotate(image_list=images, category_list=categories, has_options=options)
                .values(*PRODUCT_COLUMNS, "image_list", "category_list", "has_options"))


def _options(product_ids, variant_ids):
    """Options with their values per product, and each variant's chosen values (two queries)."""
    options = defaultdict(list)
    by_id = {}
    titles = {}
    for row in (ProductOptionValue.objects.filter(option__product_id__in=product_ids)
                .order_by("option__rank", "option_id", "rank", "id")
                .values("id", "value", "option_id", "option__title", "option__product_id")):
        option = by_id.get(row["option_id"])
        if option is None:
            option = by_id[row["option_id"]] = {"id": row["option_id"], "title": row["option__title"], "values": []}
            options[row["option__product_id"]].append(option)
        option["values"].append({"id": row["id"], "value": row["value"]})
        titles[row["id"]] = (row["option__title"], row["value"])
    chosen = defaultdict(dict)
    for variant_id, value_id in (ProductVariant.option_values.through.objects.filter(productvariant_id__in=variant_ids)
                                 .values_list("productvariant_id", "productoptionvalue_id")):
        if value_id in titles:
            title, value = titles[value_id]
            chosen[variant_id][title] = value
    return options, chosen


def present(rows: list[dict], *, currency: str, group_ids=(), detail: bool = False,
            catalog_version: str | None = None) -> list[dict]:
    """Store representations of `product_rows()` (in their order): variants, prices, stock and
    calculated prices take one query each; options two more only when a product has some."""
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    variants = list(ProductVariant.objects.filter(product_id__in=ids, is_archived=False)
                    .order_by("rank", "created_at").values(*VARIANT_COLUMNS))
    variant_ids = [v["id"] for v in variants]

    prices = defaultdict(list)
    base = {}
    for variant_id, code, amount in (ProductPrice.objects.filter(variant_id__in=variant_ids)
                                     .order_by("currency_code").values_list("variant_id", "currency_code", "amount")):
        prices[variant_id].append({"currency_code": code, "amount": fmt(amount, code)})
        if code == currency:
            base[variant_id] = amount

    options, chosen = _options(ids, variant_ids) if any(row["has_options"] for row in rows) else ({}, {})
    stock = available_quantities([v["inventory_item_id"] for v in variants if v["inventory_item_id"]])
    calculated = resolve_unit_prices([PriceRequest(v["id"], v["product_id"], 1) for v in variants], currency,
                                     group_ids=group_ids, base_prices=base, catalog_version=catalog_version)
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
            "category_ids": row["category_list"] or [],
            "images": row["image_list"] or [],
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
    found = product_rows(queryset.filter(lookup)[:1])
    return found[0] if found else None
