"""Content for the store's product responses (seeds 001: the CMS enriches commerce).

`enrich_products` is registered with commerce's product enrichment (through
`commerce_client.register_product_enricher`, when the app starts). For a page of store products
it answers, under each product's `content`:

    {"source": "product_content" | "record",
     "seo": {"title", "description", "image"},
     "description_html": "<p>…</p>",
     "images": [{"url", "alt", "width", "height"}],
     "record": {"collection", "cms_id", "poi": {"id", "name"}}        # pushed products only}

from the published `ProductContent` entry of the product, or — for a product pushed from a
domain record — from that record. A fixed number of queries per page: one for the entries (and
one for their galleries), one per collection present on the page.
"""
from collections import defaultdict

from django.utils.html import linebreaks

from content.models import COLLECTIONS, ProductContent
from content.models.pages import expand_rich_text


def _image(image, alt: str = "") -> dict | None:
    if image is None or not image.file:
        return None
    return {"url": image.file.url, "alt": alt or getattr(image, "default_alt_text", None) or image.title,
            "width": image.width, "height": image.height}


def _from_entries(product_ids: list[str]) -> dict[str, dict]:
    entries = (ProductContent.objects.filter(product_id__in=product_ids, live=True)
               .select_related("share_image").prefetch_related("gallery__image"))
    found = {}
    for entry in entries:
        gallery = [_image(item.image, item.alt_text) for item in entry.gallery.all()]
        found[entry.product_id] = {
            "source": "product_content",
            "seo": {"title": entry.seo_title or entry.title, "description": entry.search_description,
                    "image": _image(entry.share_image)},
            "description_html": expand_rich_text(entry.description),
            "images": [image for image in gallery if image],
        }
    return found


def _from_records(products: list[dict]) -> dict[str, dict]:
    wanted = defaultdict(dict)  # collection → {cms_id: product_id}
    for product in products:
        metadata = product.get("metadata") or {}
        if metadata.get("cms_collection") in COLLECTIONS and metadata.get("cms_id"):
            wanted[metadata["cms_collection"]][metadata["cms_id"]] = product["id"]
    found = {}
    for collection, by_cms_id in wanted.items():
        records = (COLLECTIONS[collection].objects.filter(cms_id__in=list(by_cms_id))
                   .select_related("poi", "image"))
        for record in records:
            image = _image(record.image, record.title)
            found[by_cms_id[record.cms_id]] = {
                "source": "record",
                "seo": {"title": record.title, "description": record.description[:320], "image": image},
                "description_html": linebreaks(record.description),
                "images": [image] if image else [],
                "record": {"collection": collection, "cms_id": record.cms_id,
                           "poi": {"id": record.poi_id, "name": record.poi.name}},
            }
    return found


def enrich_products(products: list[dict]) -> dict[str, dict]:
    """`{product_id: content}` for the products that have some (see the module's docstring)."""
    if not products:
        return {}
    return {**_from_records(products), **_from_entries([product["id"] for product in products])}
