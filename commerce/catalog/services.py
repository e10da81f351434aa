"""Catalog services: products with options, variants and prices; collections; categories.

These are the functions the admin API, the CMS facade and the demo seeding call. Input is plain
data (dicts of the shapes documented on each function); money is `Decimal` or a decimal string.
`product.created` / `product.updated` are written in the same transaction as the change.
"""
import re
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.text import slugify

from cityos.errors import Conflict, InvalidInput, NotFound
from cityos.money import round_money
from commerce import events
from commerce.catalog import cache
from commerce.catalog.models import (
    Product, ProductCategory, ProductCollection, ProductImage, ProductKind, ProductOption, ProductOptionValue,
    ProductPrice, ProductStatus, ProductVariant,
)
from commerce.inventory import services as inventory
from commerce.inventory.models import InventoryItem

PRODUCT_FIELDS = ("title", "subtitle", "description", "status", "kind", "is_giftcard", "discountable",
                  "thumbnail", "weight", "tags", "metadata")
VARIANT_FIELDS = ("title", "sku", "barcode", "weight", "manage_inventory", "allow_backorder", "rank", "metadata")


# -- reading ---------------------------------------------------------------------------------------

def get_product(id_or_handle: str, *, published_only: bool = False) -> Product:
    """A product by id (`prod_…`) or handle."""
    queryset = Product.objects.all()
    if published_only:
        queryset = queryset.filter(status=ProductStatus.PUBLISHED)
    lookup = Q(pk=id_or_handle) if id_or_handle.startswith("prod_") else Q(handle=id_or_handle)
    product = queryset.filter(lookup).first()
    if product is None:
        raise NotFound(f"No product {id_or_handle}.", code="product_not_found")
    return product


def metadata_filters(params) -> dict:
    """`metadata[key]=value` query parameters → {"key": "value"} (for a `metadata @>` filter)."""
    found = {}
    for name in params.keys():
        if name.startswith("metadata[") and name.endswith("]") and len(name) > 10:
            found[name[9:-1]] = params.get(name)
    return found


def list_products(*, status: str | None = None, q: str | None = None, collection_id: str | None = None,
                  category_id: str | None = None, kind: str | None = None, metadata: dict | None = None,
                  sales_channel_id: str | None = None, include_category_children: bool = True):
    """Products matching every given filter, newest first (a queryset: paginate it)."""
    queryset = Product.objects.all()
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    if collection_id:
        queryset = queryset.filter(collection_id=collection_id)
    if category_id:
        queryset = queryset.filter(pk__in=products_in_category(category_id, include_category_children))
    if metadata:
        queryset = queryset.filter(metadata__contains=metadata)
    if sales_channel_id:
        queryset = queryset.filter(sales_channels=sales_channel_id)
    if q:
        queryset = search(queryset, q)
    return queryset


def search(queryset, text: str):
    """Full-text prefix search over title, subtitle and handle (GIN-indexed)."""
    from django.contrib.postgres.search import SearchQuery

    words = re.findall(r"\w+", text.lower())[:8]
    if not words:
        return queryset
    query = " & ".join(f"{w}:*" for w in words)
    return queryset.filter(search_vector=SearchQuery(query, search_type="raw", config="simple"))


def products_in_category(category_id: str, include_children: bool = True):
    category = ProductCategory.objects.filter(pk=category_id).only("mpath").first()
    if category is None:
        return Product.objects.none().values("pk")
    categories = (ProductCategory.objects.filter(mpath__startswith=category.mpath) if include_children
                  else ProductCategory.objects.filter(pk=category_id))
    return Product.categories.through.objects.filter(productcategory__in=categories).values("product_id")


# -- validation helpers ----------------------------------------------------------------------------

def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput(f"{field} is not a decimal amount.", fields={field: ["A decimal amount such as 12.50."]}) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e13"):
        raise InvalidInput(f"{field} must be 0 or more.", fields={field: ["Between 0 and 9,999,999,999,999."]})
    return amount


def _clean_prices(prices, where: str = "prices") -> list[tuple[str, Decimal]]:
    cleaned = {}
    for index, price in enumerate(prices or []):
        currency = str(price.get("currency_code", "")).upper()
        if len(currency) != 3 or not currency.isalpha():
            raise InvalidInput("A price needs a three-letter currency code.",
                               fields={f"{where}[{index}].currency_code": ["Like SAR."]})
        cleaned[currency] = round_money(_money(price.get("amount"), f"{where}[{index}].amount"), currency)
    return list(cleaned.items())


def _choice(value, choices, field):
    if value not in choices.values:
        raise InvalidInput(f"{field} must be one of {', '.join(choices.values)}.",
                           fields={field: [f"One of {', '.join(choices.values)}."]})
    return value


def _unique_handle(base: str, model=Product) -> str:
    handle = slugify(base)[:190] or "item"
    candidate, n = handle, 2
    while model.objects.filter(handle=candidate).exists():
        candidate, n = f"{handle}-{n}", n + 1
    return candidate


def _collection(collection_id):
    if not collection_id:
        return None
    collection = ProductCollection.objects.filter(pk=collection_id).first()
    if collection is None:
        raise InvalidInput("Unknown collection.", fields={"collection_id": [f"No collection {collection_id}."]})
    return collection


def _categories(category_ids):
    ids = list(dict.fromkeys(category_ids or []))
    found = list(ProductCategory.objects.filter(pk__in=ids))
    if len(found) != len(ids):
        missing = sorted(set(ids) - {c.pk for c in found})
        raise InvalidInput("Unknown category.", fields={"category_ids": [f"No category {', '.join(missing)}."]})
    return found


def _sales_channels(channel_ids):
    from commerce.regions.models import SalesChannel

    if channel_ids is None:
        return list(SalesChannel.objects.filter(is_default=True))
    ids = list(dict.fromkeys(channel_ids))
    found = list(SalesChannel.objects.filter(pk__in=ids))
    if len(found) != len(ids):
        raise InvalidInput("Unknown sales channel.", fields={"sales_channel_ids": ["Unknown sales channel."]})
    return found


# -- products --------------------------------------------------------------------------------------

def product_event_payload(product: Product, changes=None) -> dict:
    payload = {
        "product_id": product.id, "handle": product.handle, "title": product.title, "status": product.status,
        "kind": product.kind, "collection_id": product.collection_id,
        "variant_ids": list(product.variants.values_list("id", flat=True)), "metadata": product.metadata,
    }
    if changes is not None:
        payload["changes"] = sorted(set(changes))
    return payload


def create_product(data: dict) -> Product:
    """Create a product. `data`: title (required), handle, subtitle, description, status, kind,
    is_giftcard, discountable, thumbnail, weight, tags, metadata, collection_id, category_ids,
    sales_channel_ids (default: the default channel), images [url | {url, alt}],
    options [{title, values: [..]}], variants [see `create_variant`]."""
    title = (data.get("title") or "").strip()
    if not title:
        raise InvalidInput("A product needs a title.", fields={"title": ["This field is required."]})
    status = _choice(data.get("status", ProductStatus.DRAFT), ProductStatus, "status")
    kind = _choice(data.get("kind", ProductKind.PHYSICAL), ProductKind, "kind")
    handle = data.get("handle")
    with transaction.atomic():
        if handle:
            handle = slugify(handle)
            if not handle:
                raise InvalidInput("A handle is made of letters, digits and hyphens.", fields={"handle": ["Invalid handle."]})
            if Product.objects.filter(handle=handle).exists():
                raise Conflict(f"The handle {handle} is taken.", code="handle_taken", fields={"handle": ["Already in use."]})
        else:
            handle = _unique_handle(title)
        product = Product.objects.create(
            handle=handle, title=title, subtitle=data.get("subtitle", ""), description=data.get("description", ""),
            status=status, kind=kind, is_giftcard=bool(data.get("is_giftcard", False)),
            discountable=bool(data.get("discountable", True)), thumbnail=data.get("thumbnail", ""),
            weight=data.get("weight"), tags=list(data.get("tags") or []), metadata=dict(data.get("metadata") or {}),
            collection=_collection(data.get("collection_id")),
        )
        product.categories.set(_categories(data.get("category_ids")))
        product.sales_channels.set(_sales_channels(data.get("sales_channel_ids")))
        _set_images(product, data.get("images"))
        _set_options(product, data.get("options") or [])
        for index, variant in enumerate(data.get("variants") or []):
            _create_variant(product, variant, where=f"variants[{index}]")
        if not product.thumbnail:
            first = product.images.first()
            if first:
                product.thumbnail = first.url
                product.save(update_fields=["thumbnail"])
        events.emit(events.PRODUCT_CREATED, product.id, product_event_payload(product))
    return product


def update_product(product_id: str, data: dict) -> Product:
    """Change the given fields (the keys of `create_product`, variants excepted: see
    `create_variant` / `update_variant`). `images` and `category_ids` replace the current ones."""
    with transaction.atomic():
        product = Product.objects.select_for_update().filter(pk=product_id).first()
        if product is None:
            raise NotFound(f"No product {product_id}.", code="product_not_found")
        changes = []
        for field in PRODUCT_FIELDS:
            if field in data and getattr(product, field) != data[field]:
                value = data[field]
                if field == "status":
                    _choice(value, ProductStatus, "status")
                elif field == "kind":
                    _choice(value, ProductKind, "kind")
                elif field == "title" and not (value or "").strip():
                    raise InvalidInput("A product needs a title.", fields={"title": ["May not be blank."]})
                setattr(product, field, value)
                changes.append(field)
        if "handle" in data and data["handle"] != product.handle:
            handle = slugify(data["handle"] or "")
            if not handle:
                raise InvalidInput("A handle is made of letters, digits and hyphens.", fields={"handle": ["Invalid handle."]})
            if Product.objects.filter(handle=handle).exclude(pk=product.pk).exists():
                raise Conflict(f"The handle {handle} is taken.", code="handle_taken", fields={"handle": ["Already in use."]})
            product.handle = handle
            changes.append("handle")
        if "collection_id" in data and data["collection_id"] != product.collection_id:
            product.collection = _collection(data["collection_id"])
            changes.append("collection_id")
        product.save()
        if "category_ids" in data:
            product.categories.set(_categories(data["category_ids"]))
            changes.append("category_ids")
        if "sales_channel_ids" in data:
            product.sales_channels.set(_sales_channels(data["sales_channel_ids"]))
            changes.append("sales_channel_ids")
        if "images" in data:
            product.images.all().delete()
            _set_images(product, data["images"])
            changes.append("images")
        if "options" in data:
            _set_options(product, data["options"] or [])
            changes.append("options")
        if changes:
            events.emit(events.PRODUCT_UPDATED, product.id, product_event_payload(product, changes))
    return product


def archive_product(product_id: str) -> Product:
    """Take a product off sale for good (orders keep their copies; nothing is deleted)."""
    return update_product(product_id, {"status": ProductStatus.ARCHIVED})


def _set_images(product: Product, images) -> None:
    rows = []
    for rank, image in enumerate(images or []):
        url, alt = (image, "") if isinstance(image, str) else (image.get("url", ""), image.get("alt", ""))
        if not url:
            raise InvalidInput("An image needs a url.", fields={f"images[{rank}]": ["A URL is required."]})
        rows.append(ProductImage(product=product, url=url[:500], alt=(alt or "")[:255], rank=rank))
    ProductImage.objects.bulk_create(rows)


def _set_options(product: Product, options) -> None:
    """Add the options and values not yet on the product (existing ones are kept)."""
    for rank, option in enumerate(options):
        title = (option.get("title") or "").strip()
        if not title:
            raise InvalidInput("An option needs a title.", fields={f"options[{rank}].title": ["Required."]})
        row, _ = ProductOption.objects.get_or_create(product=product, title=title, defaults={"rank": rank})
        for value_rank, value in enumerate(option.get("values") or []):
            ProductOptionValue.objects.get_or_create(option=row, value=str(value), defaults={"rank": value_rank})


# -- variants --------------------------------------------------------------------------------------

def _option_values(product: Product, chosen: dict, where: str) -> list[ProductOptionValue]:
    options = {o.title: o for o in product.options.all()}
    if set(chosen) != set(options):
        raise InvalidInput("A variant names one value for each option of its product.",
                           fields={f"{where}.options": [f"Expected values for: {', '.join(sorted(options)) or 'none'}."]})
    values = []
    for title, value in chosen.items():
        row, _ = ProductOptionValue.objects.get_or_create(option=options[title], value=str(value))
        values.append(row)
    return values


def _check_combination_free(product: Product, values, exclude_variant_id=None, where="variant"):
    if not values:
        return
    wanted = {v.pk for v in values}
    for variant in product.variants.exclude(pk=exclude_variant_id).filter(is_archived=False).prefetch_related("option_values"):
        if {v.pk for v in variant.option_values.all()} == wanted:
            raise Conflict("Another variant already has these option values.", code="variant_options_taken",
                           fields={f"{where}.options": [f"Taken by {variant.sku}."]})


def _create_variant(product: Product, data: dict, where: str = "variant") -> ProductVariant:
    sku = (data.get("sku") or "").strip()
    if not sku:
        raise InvalidInput("A variant needs a SKU.", fields={f"{where}.sku": ["This field is required."]})
    if ProductVariant.objects.filter(sku=sku).exists() or InventoryItem.objects.filter(sku=sku).exists():
        raise Conflict(f"The SKU {sku} is taken.", code="sku_taken", fields={f"{where}.sku": ["Already in use."]})
    values = _option_values(product, data.get("options") or {}, where) if product.options.exists() or data.get("options") else []
    _check_combination_free(product, values, where=where)
    prices = _clean_prices(data.get("prices"), f"{where}.prices")
    manage = bool(data.get("manage_inventory", product.kind == ProductKind.PHYSICAL))
    title = data.get("title") or (" / ".join(v.value for v in values) if values else product.title)
    try:
        with transaction.atomic():
            item = inventory.create_inventory_item(sku=sku, title=title,
                                                   requires_shipping=product.kind == ProductKind.PHYSICAL)
            variant = ProductVariant.objects.create(
                product=product, title=title, sku=sku, barcode=data.get("barcode", ""),
                weight=data.get("weight"), manage_inventory=manage, allow_backorder=bool(data.get("allow_backorder", False)),
                inventory_item=item, rank=data.get("rank", product.variants.count()),
                metadata=dict(data.get("metadata") or {}),
            )
    except IntegrityError:
        raise Conflict(f"The SKU {sku} is taken.", code="sku_taken", fields={f"{where}.sku": ["Already in use."]}) from None
    variant.option_values.set(values)
    ProductPrice.objects.bulk_create([ProductPrice(variant=variant, currency_code=c, amount=a) for c, a in prices])
    quantity = data.get("inventory_quantity")
    if quantity is not None:
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
            raise InvalidInput("Stock is a whole number of 0 or more.", fields={f"{where}.inventory_quantity": ["Invalid."]})
        inventory.set_stock(item, quantity, reason="initial stock")
    return variant


def create_variant(product_id: str, data: dict) -> ProductVariant:
    """Add a variant. `data`: sku (required), title, options {option title: value},
    prices [{currency_code, amount}], weight, barcode, manage_inventory, allow_backorder,
    inventory_quantity (initial stock at the default location), metadata."""
    with transaction.atomic():
        product = Product.objects.select_for_update().filter(pk=product_id).first()
        if product is None:
            raise NotFound(f"No product {product_id}.", code="product_not_found")
        variant = _create_variant(product, data)
        events.emit(events.PRODUCT_UPDATED, product.id, product_event_payload(product, ["variants"]))
    return variant


def get_variant(variant_id: str) -> ProductVariant:
    variant = ProductVariant.objects.select_related("product").filter(pk=variant_id).first()
    if variant is None:
        raise NotFound(f"No variant {variant_id}.", code="variant_not_found")
    return variant


def update_variant(variant_id: str, data: dict) -> ProductVariant:
    """Change a variant's fields; `prices` upserts the given currencies (`replace_prices`: and
    drops the others); `options` re-chooses its option values; `is_archived` takes it off sale."""
    with transaction.atomic():
        variant = ProductVariant.objects.select_for_update().select_related("product").filter(pk=variant_id).first()
        if variant is None:
            raise NotFound(f"No variant {variant_id}.", code="variant_not_found")
        product = variant.product
        changes = ["variants"]
        if "sku" in data and data["sku"] != variant.sku:
            sku = (data["sku"] or "").strip()
            if not sku:
                raise InvalidInput("A variant needs a SKU.", fields={"sku": ["May not be blank."]})
            if ProductVariant.objects.filter(sku=sku).exclude(pk=variant.pk).exists():
                raise Conflict(f"The SKU {sku} is taken.", code="sku_taken", fields={"sku": ["Already in use."]})
            if variant.inventory_item_id:
                InventoryItem.objects.filter(pk=variant.inventory_item_id).update(sku=sku)
        for field in VARIANT_FIELDS:
            if field in data:
                setattr(variant, field, data[field])
        if "is_archived" in data:
            variant.is_archived = bool(data["is_archived"])
        if "options" in data:
            values = _option_values(product, data["options"] or {}, "variant")
            _check_combination_free(product, values, exclude_variant_id=variant.pk)
            variant.option_values.set(values)
        variant.save()
        if "prices" in data:
            set_variant_prices(variant, data["prices"], replace=bool(data.get("replace_prices")))
            changes.append("prices")
        events.emit(events.PRODUCT_UPDATED, product.id, product_event_payload(product, changes))
    return variant


def set_variant_prices(variant: ProductVariant, prices, *, replace: bool = False) -> list[ProductPrice]:
    """Upsert the variant's price per currency (`replace`: drop currencies not given)."""
    cleaned = _clean_prices(prices)
    with transaction.atomic():
        for currency, amount in cleaned:
            ProductPrice.objects.update_or_create(variant=variant, currency_code=currency, defaults={"amount": amount})
        if replace:
            variant.prices.exclude(currency_code__in=[c for c, _ in cleaned]).delete()
    return list(variant.prices.all())


# -- collections and categories --------------------------------------------------------------------

def create_collection(*, title: str, handle: str | None = None, metadata: dict | None = None) -> ProductCollection:
    if not (title or "").strip():
        raise InvalidInput("A collection needs a title.", fields={"title": ["Required."]})
    handle = slugify(handle) if handle else _unique_handle(title, ProductCollection)
    if ProductCollection.objects.filter(handle=handle).exists():
        raise Conflict(f"The handle {handle} is taken.", code="handle_taken", fields={"handle": ["Already in use."]})
    return ProductCollection.objects.create(title=title.strip(), handle=handle, metadata=metadata or {})


def update_collection(collection: ProductCollection, data: dict) -> ProductCollection:
    for field in ("title", "metadata"):
        if field in data:
            setattr(collection, field, data[field])
    if "handle" in data and data["handle"] != collection.handle:
        handle = slugify(data["handle"] or "")
        if not handle or ProductCollection.objects.filter(handle=handle).exclude(pk=collection.pk).exists():
            raise Conflict("That handle is invalid or taken.", code="handle_taken", fields={"handle": ["Invalid or taken."]})
        collection.handle = handle
    collection.save()
    return collection


def delete_collection(collection: ProductCollection) -> None:
    collection.delete()  # products keep existing, without a collection


def _category_path(category: ProductCategory) -> str:
    prefix = category.parent.mpath if category.parent_id else ""
    return f"{prefix}{category.pk}."


def create_category(*, name: str, handle: str | None = None, parent_id: str | None = None, description: str = "",
                    rank: int = 0, is_active: bool = True, metadata: dict | None = None) -> ProductCategory:
    if not (name or "").strip():
        raise InvalidInput("A category needs a name.", fields={"name": ["Required."]})
    parent = None
    if parent_id:
        parent = ProductCategory.objects.filter(pk=parent_id).first()
        if parent is None:
            raise InvalidInput("Unknown parent category.", fields={"parent_id": [f"No category {parent_id}."]})
    handle = slugify(handle) if handle else _unique_handle(name, ProductCategory)
    if ProductCategory.objects.filter(handle=handle).exists():
        raise Conflict(f"The handle {handle} is taken.", code="handle_taken", fields={"handle": ["Already in use."]})
    category = ProductCategory(name=name.strip(), handle=handle, parent=parent, description=description, rank=rank,
                               is_active=is_active, metadata=metadata or {})
    category.mpath = _category_path(category)
    category.save()
    return category


def update_category(category: ProductCategory, data: dict) -> ProductCategory:
    with transaction.atomic():
        for field in ("name", "description", "rank", "is_active", "metadata"):
            if field in data:
                setattr(category, field, data[field])
        if "handle" in data and data["handle"] != category.handle:
            handle = slugify(data["handle"] or "")
            if not handle or ProductCategory.objects.filter(handle=handle).exclude(pk=category.pk).exists():
                raise Conflict("That handle is invalid or taken.", code="handle_taken", fields={"handle": ["Invalid or taken."]})
            category.handle = handle
        if "parent_id" in data and data["parent_id"] != category.parent_id:
            parent = None
            if data["parent_id"]:
                parent = ProductCategory.objects.filter(pk=data["parent_id"]).first()
                if parent is None:
                    raise InvalidInput("Unknown parent category.", fields={"parent_id": ["Unknown category."]})
                if parent.mpath.startswith(category.mpath):
                    raise InvalidInput("A category cannot move under itself.", fields={"parent_id": ["Would make a cycle."]})
            old_path = category.mpath
            category.parent = parent
            category.mpath = _category_path(category)
            for child in ProductCategory.objects.filter(mpath__startswith=old_path).exclude(pk=category.pk):
                child.mpath = category.mpath + child.mpath[len(old_path):]
                child.save(update_fields=["mpath"])
        category.save()
    return category


def delete_category(category: ProductCategory) -> None:
    if category.children.exists():
        raise Conflict("Move or delete its subcategories first.", code="category_has_children")
    category.delete()


# -- bulk import -----------------------------------------------------------------------------------

def import_products(rows: list[dict], *, emit_events: bool = True, batch_size: int = 500, progress=None) -> int:
    """Create many simple products fast (one variant each, bulk inserts): rows of
    {title, handle, sku, price, currency_code, stock, kind, status, collection_id, category_ids,
    metadata, description, thumbnail}. For catalog loads and benchmarks; returns the count."""
    from commerce.inventory.models import InventoryLevel
    from commerce.regions.models import SalesChannel

    channel_ids = list(SalesChannel.objects.filter(is_default=True).values_list("pk", flat=True))
    location = inventory.ensure_default_location()
    created = 0
    for start in range(0, len(rows), batch_size):
        chunk = rows[start:start + batch_size]
        with transaction.atomic():
            products, items, variants, prices, levels, links, cats, images = [], [], [], [], [], [], [], []
            for row in chunk:
                product = Product(handle=row["handle"], title=row["title"], description=row.get("description", ""),
                                  status=row.get("status", ProductStatus.PUBLISHED), kind=row.get("kind", ProductKind.PHYSICAL),
                                  thumbnail=row.get("thumbnail", ""), collection_id=row.get("collection_id"),
                                  metadata=row.get("metadata") or {}, weight=row.get("weight"))
                item = InventoryItem(sku=row["sku"], title=row["title"])
                variant = ProductVariant(product=product, title=row.get("variant_title", "Default"), sku=row["sku"],
                                         inventory_item=item, manage_inventory=True)
                currency = row.get("currency_code", "SAR").upper()
                prices.append(ProductPrice(variant=variant, currency_code=currency,
                                           amount=round_money(_money(row["price"], "price"), currency)))
                levels.append(InventoryLevel(item=item, location=location, stocked_quantity=row.get("stock", 0)))
                links.extend(Product.sales_channels.through(product=product, saleschannel_id=c) for c in channel_ids)
                cats.extend(Product.categories.through(product=product, productcategory_id=c) for c in row.get("category_ids", []))
                if row.get("thumbnail"):
                    images.append(ProductImage(product=product, url=row["thumbnail"], rank=0))
                products.append(product)
                items.append(item)
                variants.append(variant)
            Product.objects.bulk_create(products)
            InventoryItem.objects.bulk_create(items)
            ProductVariant.objects.bulk_create(variants)
            ProductPrice.objects.bulk_create(prices)
            InventoryLevel.objects.bulk_create(levels)
            Product.sales_channels.through.objects.bulk_create(links)
            Product.categories.through.objects.bulk_create(cats)
            ProductImage.objects.bulk_create(images)
            if emit_events:
                for product, variant in zip(products, variants):
                    events.emit(events.PRODUCT_CREATED, product.id, {
                        "product_id": product.id, "handle": product.handle, "title": product.title,
                        "status": product.status, "kind": product.kind, "collection_id": product.collection_id,
                        "variant_ids": [variant.id], "metadata": product.metadata})
            cache.bump()  # bulk inserts send no model signals
        created += len(chunk)
        if progress:
            progress(created)
    return created
