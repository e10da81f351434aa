"""Products created in commerce, mirrored in the CMS for editors to enrich (seeds 001).

`sync_product(product_id)` — run by the ProductCatalogSync (`product.created`) and
ProductCMSSync (`product.updated`) workflows — makes the product's `ProductContent` entry exist
and carry commerce's current id, handle, title and status. The editors' fields are never
touched. Products pushed from a CMS record (their metadata has `cms_id`) are skipped: the record
is their content.
"""
from django.db import transaction
from django.utils import timezone

from cityos.errors import NotFound
from content import commerce_client as commerce
from content.models import ProductContent

COMMERCE_OWNED = ("handle", "title", "commerce_status")


@transaction.atomic
def sync_product(product_id: str) -> dict:
    """`{action: created | updated | unchanged | skipped, product_id, reason?}`."""
    try:
        product = commerce.get_product(product_id)
    except NotFound:
        return {"action": "skipped", "product_id": product_id, "reason": "no such product"}
    if (product.get("metadata") or {}).get("cms_id"):
        return {"action": "skipped", "product_id": product_id, "reason": "pushed from a CMS record"}
    wanted = {"handle": product["handle"], "title": product["title"], "commerce_status": product["status"]}
    entry = ProductContent.objects.select_for_update().filter(product_id=product_id).first()
    if entry is None:
        entry = ProductContent(product_id=product_id, live=True, synced_at=timezone.now(), **wanted)
        entry.save()
        return {"action": "created", "product_id": product_id}
    if all(getattr(entry, name) == value for name, value in wanted.items()):
        return {"action": "unchanged", "product_id": product_id}
    ProductContent.objects.filter(pk=entry.pk).update(synced_at=timezone.now(), **wanted)
    return {"action": "updated", "product_id": product_id}
