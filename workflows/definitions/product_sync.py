"""Products created or changed in commerce, mirrored in the CMS (seeds 001: Medusa → Payload).

- `ProductCatalogSync` (`product.created`): the product appears in the CMS as a product-content
  entry editors can enrich with SEO, a rich description and images.
- `ProductCMSSync` (`product.updated`, one run per event): the entry follows commerce's handle,
  title and status.

Both run `content.product_content.sync_product`, an idempotent upsert of what commerce owns;
products pushed from a CMS record are skipped (the record is their content).
"""
from integrations import policies
from workflows.definition import Step, Workflow, register


def sync(ctx):
    from content.product_content import sync_product

    return sync_product(ctx.input["product_id"])


STEPS = [Step("sync_product_content", sync, system="content", policy=policies.CONTENT_SYNC, timeout=60,
              description="create or update the product's content entry in the CMS")]


class _ProductSync(Workflow):
    domain = "product"
    entity_field = "product_id"
    steps = STEPS

    @classmethod
    def input_from_event(cls, event) -> dict:
        return {"product_id": event.payload.get("product_id") or event.aggregate_id, "event_type": event.event_type}


@register
class ProductCatalogSync(_ProductSync):
    type = "ProductCatalogSync"
    action = "catalog-sync"
    description = "Mirror a new commerce product in the CMS as a product-content entry."


@register
class ProductCMSSync(_ProductSync):
    type = "ProductCMSSync"
    action = "cms-sync"
    one_run_per_event = True
    description = "Keep a product's CMS entry in step with commerce (handle, title, status)."
