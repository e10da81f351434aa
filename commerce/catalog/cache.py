"""The per-process cache of store product-list pages, invalidated by a catalog version.

Every change to what a product page shows (products, variants, prices, images, options,
collections, categories, price lists, volume tiers, regions, tax rules, shipping rates) replaces the tenant's catalog version — a
random token in a one-row table, written in the same transaction — through model signals (so
Django admin edits count too) and explicitly after bulk writes. A page is cached under the
version it was built from, so a committed change is visible on the next request; stock figures
and price-list time windows may lag by at most `COMMERCE_STORE_LIST_CACHE_SECONDS`.
"""
import uuid

from django.core.cache import cache
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save

from commerce import conf

_TABLE = "catalog_catalogversion"


def bump() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_TABLE} (id, token) VALUES (1, %s) ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token",
            [uuid.uuid4().hex])


def version() -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else "initial"


def memo(name: str, catalog_version: str, compute):
    """`compute()` remembered per process for one catalog version (for data that every version
    change covers: tax rules, shipping rates, …)."""
    key = f"commerce:memo:{name}:{catalog_version}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, 3600)
    return value


def get(key: str):
    if conf.STORE_LIST_CACHE_SECONDS <= 0:
        return None
    return cache.get(key)


def put(key: str, value) -> None:
    if conf.STORE_LIST_CACHE_SECONDS > 0:
        cache.set(key, value, conf.STORE_LIST_CACHE_SECONDS)


def _on_change(sender, **kwargs):
    if kwargs.get("raw"):  # loaddata
        return
    bump()


def connect_signals() -> None:
    from commerce.catalog import models as catalog
    from commerce.pricing import models as pricing
    from commerce.pricing.models import TaxRule
    from commerce.regions.models import Region
    from commerce.shipping.models import ShippingOption, ShippingRate

    watched = (catalog.Product, catalog.ProductVariant, catalog.ProductPrice, catalog.ProductImage,
               catalog.ProductOption, catalog.ProductOptionValue, catalog.ProductCollection, catalog.ProductCategory,
               pricing.PriceList, pricing.PriceListPrice, pricing.VolumePricing, pricing.VolumePricingTier, Region,
               TaxRule, ShippingOption, ShippingRate)
    for model in watched:
        post_save.connect(_on_change, sender=model, dispatch_uid=f"catalog-version-save-{model.__name__}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"catalog-version-delete-{model.__name__}")
    for through in (catalog.Product.categories.through, catalog.Product.sales_channels.through,
                    catalog.ProductVariant.option_values.through, pricing.PriceList.customer_groups.through):
        m2m_changed.connect(_on_change, sender=through, dispatch_uid=f"catalog-version-m2m-{through.__name__}")
