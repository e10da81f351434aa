"""Extension point: content edited elsewhere (SEO, rich descriptions, images from the CMS) for
store product responses.

An enricher is a callable `enricher(products: list[dict]) -> dict[product_id, dict]`. It is called
once per page of products (one batch: it must not query per product) with the product dicts the
store is about to return (id, handle, title, metadata …). What it returns for a product is merged
into that product's `content` key; `content` is an empty dict when nothing is registered or an
enricher has nothing for it. Registering the same callable twice has no effect.

    from commerce.catalog import enrichment
    enrichment.register(my_enricher)
"""
import logging

logger = logging.getLogger(__name__)

_enrichers: list = []


def register(enricher) -> None:
    if enricher not in _enrichers:
        _enrichers.append(enricher)


def unregister(enricher) -> None:
    if enricher in _enrichers:
        _enrichers.remove(enricher)


def registered() -> list:
    return list(_enrichers)


def enrich(products: list[dict]) -> dict[str, dict]:
    """{product_id: content} merged over every registered enricher (a failing enricher is logged
    and skipped: content is an extra, the catalog must keep serving)."""
    content: dict[str, dict] = {p["id"]: {} for p in products}
    if not products:
        return content
    for enricher in _enrichers:
        try:
            found = enricher(products) or {}
        except Exception:
            logger.exception("product enricher %r failed", enricher)
            continue
        for product_id, extra in found.items():
            if product_id in content and isinstance(extra, dict):
                content[product_id].update(extra)
    return content
