"""Offers: products with a single variant — one price, one stock figure — as other modules sell them
(a booking slot, a subscription plan, a record pushed from the CMS).

    product = offers.create_offer({"title": "GP consultation", "price": "250", "currency_code": "SAR",
                                   "quantity": 1, "status": "published", "metadata": {...}},
                                  kind="booking", sku="BKG-…")
    offers.update_offer(product.id, {"price": "275", "quantity": 2})

`quantity` is the stock of the variant at the default location; None sells without limit
(`manage_inventory` off). Everything goes through the catalog and inventory services, so the
usual `product.created` / `product.updated` / `inventory.adjusted` events are written.
"""
from cityos.errors import InvalidInput
from cityos.money import round_money
from commerce.catalog import services
from commerce.catalog.models import Product, ProductVariant
from commerce.inventory import services as inventory

PRODUCT_KEYS = ("title", "subtitle", "description", "status", "thumbnail", "metadata", "handle", "images", "tags")


def _quantity(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput("A quantity is a whole number of 0 or more (or null: unlimited).",
                           fields={"quantity": ["A whole number of 0 or more, or null."]})
    return value


def offer_variant(product: Product) -> ProductVariant:
    """The offer's variant (its first, for a product that has several)."""
    return product.variants.order_by("rank", "created_at").first()


def create_offer(data: dict, *, kind: str, sku: str) -> Product:
    """A product of `kind` with one variant `sku` priced `price` in `currency_code`."""
    quantity = _quantity(data.get("quantity"))
    variant = {"sku": sku, "title": data.get("variant_title") or "Default",
               "prices": [{"currency_code": data.get("currency_code", ""), "amount": data.get("price", "0")}],
               "manage_inventory": quantity is not None}
    if quantity is not None:
        variant["inventory_quantity"] = quantity
    return services.create_product({**{k: data[k] for k in PRODUCT_KEYS if k in data}, "kind": kind,
                                     "variants": [variant]})


def update_offer(product_id: str, data: dict) -> list[str]:
    """Change the given product fields (`PRODUCT_KEYS`), the price and the stock of the offer;
    returns what changed (nothing is written, and no event, for values already in place)."""
    current = Product.objects.get(pk=product_id)
    product_data = {k: data[k] for k in PRODUCT_KEYS if k in data and not _same(current, k, data[k])}
    changed = sorted(product_data)
    product = services.update_product(product_id, product_data) if product_data else current
    variant = offer_variant(product)
    if variant is None:
        return changed
    variant_changes = {}
    if "price" in data or "currency_code" in data:
        price = variant.prices.first()
        currency = (data.get("currency_code") or (price.currency_code if price else "")).upper()
        amount = round_money(data["price"] if "price" in data else (price.amount if price else 0), currency or "SAR")
        if price is None or (price.currency_code, price.amount) != (currency, amount) or variant.prices.count() > 1:
            variant_changes.update(prices=[{"currency_code": currency, "amount": amount}], replace_prices=True)
    if "quantity" in data:
        quantity = _quantity(data["quantity"])
        if variant.manage_inventory != (quantity is not None):
            variant_changes["manage_inventory"] = quantity is not None
        if quantity is not None and variant.inventory_item_id and quantity != _stocked(variant):
            inventory.set_stock(variant.inventory_item, quantity, reason="offer quantity")
            changed.append("quantity")
    if variant_changes:
        services.update_variant(variant.id, variant_changes)
        changed += sorted(variant_changes)
    return changed


def _stocked(variant: ProductVariant) -> int | None:
    """On-hand stock of the variant at the default location (where offers keep theirs)."""
    location = inventory.ensure_default_location()
    return variant.inventory_item.levels.filter(location=location).values_list("stocked_quantity", flat=True).first()


def _same(product: Product, name: str, value) -> bool:
    if name == "images":
        return [(i.url, i.alt) for i in product.images.all()] == [
            (image, "") if isinstance(image, str) else (image.get("url", ""), image.get("alt", "")) for image in value]
    return getattr(product, name) == value
