"""Content enriches commerce (seeds 001): products created in commerce appear in the CMS as
product-content entries (ProductCatalogSync / ProductCMSSync); what editors publish there — and
the records pushed from the CMS — shows in the store's product responses under `content`."""
import pytest
from django.core.files.images import ImageFile
from django.db import connection
from wagtail.images.models import Image

from content.models import ProductContent, ProductContentImage
from content.product_content import sync_product
from tests.commerce.conftest import Store
from tests.content.conftest import run_workflows
from workflows.models import RunStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(alpha, tenant_a):
    return Store(tenant_a).use()


def image(title: str) -> Image:
    import io

    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), "teal").save(buffer, "PNG")
    return Image.objects.create(title=title, file=ImageFile(buffer, name=f"{title}.png"))


def test_a_new_commerce_product_appears_in_the_cms(store, alpha):
    product = store.product(title="Saffron threads", handle="saffron-threads")
    runs = run_workflows(alpha, "ProductCatalogSync")
    assert [(run.status, run.result["sync_product_content"]["action"]) for run in runs] == [
        (RunStatus.COMPLETED, "created")]
    entry = ProductContent.objects.get(product_id=product.pk)
    assert (entry.title, entry.handle, entry.commerce_status, entry.live) == (
        "Saffron threads", "saffron-threads", "published", True)


def test_changes_in_commerce_follow_and_editors_fields_stay(store, alpha):
    from commerce.catalog import services as catalog

    product = store.product(title="Sidr honey")
    run_workflows(alpha, "ProductCatalogSync")
    ProductContent.objects.filter(product_id=product.pk).update(seo_title="Best honey in Riyadh")
    catalog.update_product(product.pk, {"title": "Sidr honey, 500 g", "status": "archived"})
    runs = run_workflows(alpha, "ProductCMSSync")
    assert runs and all(run.status == RunStatus.COMPLETED for run in runs)
    entry = ProductContent.objects.get(product_id=product.pk)
    assert (entry.title, entry.commerce_status, entry.seo_title) == ("Sidr honey, 500 g", "archived",
                                                                     "Best honey in Riyadh")
    assert sync_product(product.pk)["action"] == "unchanged"


def test_restoring_a_revision_keeps_what_commerce_owns(store, alpha):
    product = store.product(title="Cardamom")
    sync_product(product.pk)
    entry = ProductContent.objects.get(product_id=product.pk)
    entry.seo_title = "Green cardamom"
    old = entry.save_revision()
    ProductContent.objects.filter(pk=entry.pk).update(title="Cardamom pods")  # commerce renamed it meanwhile
    restored = ProductContent.objects.get(pk=entry.pk)
    restored = restored.with_content_json(old.content)
    assert restored.title == "Cardamom pods" and restored.seo_title == "Green cardamom"


def test_products_pushed_from_a_record_get_no_entry(alpha, make_record):
    from commerce.catalog.models import Product

    record = make_record("events", publish=True)
    run_workflows(alpha, "CMSCommercePush", "ProductCatalogSync")
    product = Product.objects.get(metadata__cms_id=record.cms_id)
    assert not ProductContent.objects.filter(product_id=product.pk).exists()
    assert sync_product(product.pk) == {"action": "skipped", "product_id": product.pk,
                                        "reason": "pushed from a CMS record"}
    assert sync_product("prod_missing")["action"] == "skipped"


def test_the_store_serves_the_published_enrichment(store, alpha):
    product = store.product(title="Oud perfume", handle="oud-perfume")
    sync_product(product.pk)
    entry = ProductContent.objects.get(product_id=product.pk)
    entry.seo_title = "Oud perfume from Riyadh"
    entry.search_description = "Hand-blended oud."
    entry.description = "<p>Aged <b>oud</b> oil.</p>"
    entry.share_image = image("oud-share")
    entry.save()
    ProductContentImage.objects.create(product=entry, image=image("oud-bottle"), alt_text="The bottle", sort_order=0)
    entry.save_revision().publish()

    detail = store.get("/store/products/oud-perfume").json()["content"]
    assert detail["source"] == "product_content"
    assert detail["seo"]["title"] == "Oud perfume from Riyadh" and detail["seo"]["description"] == "Hand-blended oud."
    assert detail["seo"]["image"]["url"].endswith(".png")
    assert detail["description_html"] == "<p>Aged <b>oud</b> oil.</p>"
    assert [(i["alt"], i["width"], i["height"]) for i in detail["images"]] == [("The bottle", 40, 30)]
    listed = store.get("/store/products", q="oud").json()["results"]
    assert listed[0]["content"]["seo"]["title"] == "Oud perfume from Riyadh"


def test_a_draft_enrichment_is_not_served(store, alpha):
    product = store.product(title="Rose water", handle="rose-water")
    sync_product(product.pk)
    entry = ProductContent.objects.get(product_id=product.pk)
    entry.seo_title = "Published title"
    entry.save_revision().publish()
    draft = ProductContent.objects.get(pk=entry.pk)
    draft.seo_title = "Draft title"
    draft.save_revision()  # saved, not published
    assert store.get("/store/products/rose-water").json()["content"]["seo"]["title"] == "Published title"
    ProductContent.objects.filter(pk=entry.pk).update(live=False)  # unpublished
    assert store.get("/store/products/rose-water").json()["content"] == {}


def test_pushed_products_carry_their_record(alpha, make_record, tenant_a):
    from commerce.catalog.models import Product

    record = make_record("rentals", publish=True, description="A stall\nby the week.")
    run_workflows(alpha, "CMSCommercePush")
    product = Product.objects.get(metadata__cms_id=record.cms_id)
    content = Store(tenant_a).get(f"/store/products/{product.handle}").json()["content"]
    assert content["source"] == "record"
    assert content["record"] == {"collection": "rentals", "cms_id": record.cms_id,
                                 "poi": {"id": record.poi_id, "name": "Old Town Hall"}}
    assert content["description_html"] == "<p>A stall<br>by the week.</p>"


def test_the_enricher_needs_one_query_per_page_whatever_its_size(store, alpha):
    from django.test.utils import CaptureQueriesContext

    from content.enrichment import enrich_products

    products = [store.product(title=f"Spice {n}") for n in range(6)]
    for product in products:
        sync_product(product.pk)
    rows = [{"id": p.pk, "metadata": p.metadata} for p in products]
    with CaptureQueriesContext(connection) as two:
        enrich_products(rows[:2])
    with CaptureQueriesContext(connection) as six:
        enrich_products(rows)
    assert len(two.captured_queries) == len(six.captured_queries)


def test_the_cms_lists_product_content_for_editors(store, alpha, cms_client):
    product = store.product(title="Za'atar mix")
    sync_product(product.pk)
    page = cms_client.get("/cms/snippets/content/productcontent/")
    assert page.status_code == 200 and b"Za&#x27;atar mix" in page.content
    assert cms_client.get("/cms/snippets/content/productcontent/add/").status_code in (302, 403)
