"""Store API of the catalog: keys, filters, sorting, pagination, detail, no N+1, cache, enrichment."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commerce.catalog import enrichment, services
from commerce.regions.models import PublishableApiKey
from commerce.regions.services import revoke_publishable_key
from tests.commerce.conftest import unique, unique_word


def ids(response):
    assert response.status_code == 200, response.json()
    return [p["id"] for p in response.json()["results"]]


@pytest.mark.parametrize("headers", [{}, {"HTTP_X_PUBLISHABLE_API_KEY": "pk_wrong"}])
def test_store_calls_without_a_valid_publishable_key_are_refused(store_a, headers):
    from tests.support.tenants import host_client

    client = host_client("alpha.localhost", **headers)
    for path in ("/store/products", "/store/regions", "/store/carts/cart_x"):
        response = client.get(path)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_publishable_key"
    assert client.post("/store/carts", {}, format="json").status_code == 401


def test_a_revoked_key_stops_working(store_a):
    key = PublishableApiKey.objects.get(token=store_a.key)
    assert store_a.get("/store/products").status_code == 200
    revoke_publishable_key(key)
    assert store_a.get("/store/products").json()["error"]["code"] == "invalid_publishable_key"


def test_another_tenants_key_is_not_valid_here(store_a, store_b):
    from tests.support.tenants import host_client

    client = host_client("alpha.localhost", HTTP_X_PUBLISHABLE_API_KEY=store_b.key)
    assert client.get("/store/products").status_code == 401


def test_only_published_products_of_the_channel_are_listed(store_a):
    published = store_a.product()
    store_a.product(status="draft")
    hidden = store_a.product()
    services.update_product(hidden.pk, {"sales_channel_ids": []})
    listed = ids(store_a.get("/store/products", limit=100))
    assert published.pk in listed and hidden.pk not in listed
    assert all(pid != hidden.pk for pid in listed)
    assert store_a.get(f"/store/products/{hidden.pk}").status_code == 404


def test_filters_q_kind_collection_category_price_and_metadata(store_a):
    collection = services.create_collection(title=unique("Ramadan"))
    parent = services.create_category(name=unique("Food"))
    child = services.create_category(name=unique("Dates"), parent_id=parent.pk)
    dates = store_a.product(title="Khalas Dates Premium", price="40.00", collection_id=collection.pk,
                            category_ids=[child.pk], metadata={"cms_poi_id": "poi_souq"})
    coffee = store_a.product(title="Khawlani Coffee", price="80.00", kind="digital")
    assert ids(store_a.get("/store/products", q="khal dat")) == [dates.pk]
    assert ids(store_a.get("/store/products", collection_id=collection.pk)) == [dates.pk]
    assert ids(store_a.get("/store/products", collection=collection.handle)) == [dates.pk]
    assert ids(store_a.get("/store/products", category_id=parent.pk)) == [dates.pk]  # includes subcategories
    assert ids(store_a.get("/store/products", category=child.handle)) == [dates.pk]
    assert coffee.pk in ids(store_a.get("/store/products", kind="digital"))
    assert dates.pk not in ids(store_a.get("/store/products", kind="digital"))
    cheap = ids(store_a.get("/store/products", price_min="30", price_max="50", limit=100))
    assert dates.pk in cheap and coffee.pk not in cheap
    assert ids(store_a.get("/store/products", **{"metadata[cms_poi_id]": "poi_souq"})) == [dates.pk]
    assert ids(store_a.get("/store/products", **{"metadata[cms_poi_id]": "poi_other"})) == []


def test_sorting_and_pagination(store_a):
    tag = unique_word("sortable")
    made = [store_a.product(title=f"{tag} {name}", price=price) for name, price in
            (("Alpha", "30.00"), ("Bravo", "10.00"), ("Charlie", "20.00"))]
    by_price = ids(store_a.get("/store/products", q=tag, order="price"))
    assert by_price == [made[1].pk, made[2].pk, made[0].pk]
    assert ids(store_a.get("/store/products", q=tag, order="-title")) == [made[2].pk, made[1].pk, made[0].pk]
    page = store_a.get("/store/products", q=tag, order="title", limit=2, offset=1).json()
    assert page["count"] == 3 and [p["id"] for p in page["results"]] == [made[1].pk, made[2].pk]
    assert page["previous"] is not None and page["next"] is None


@pytest.mark.parametrize("params, field", [
    ({"limit": "0"}, "limit"), ({"limit": "101"}, "limit"), ({"offset": "-1"}, "offset"),
    ({"order": "random"}, "order"), ({"price_min": "abc"}, "price_min"), ({"kind": "weapon"}, "kind"),
    ({"price_min": "50", "price_max": "10"}, "price_max"),
])
def test_bad_query_parameters_answer_400_with_the_field(store_a, params, field):
    response = store_a.get("/store/products", **params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_product_detail_by_id_and_handle_with_variants_prices_and_stock(store_a):
    product = services.create_product({
        "title": unique("Abaya"), "status": "published", "options": [{"title": "Size", "values": ["S", "M"]}],
        "variants": [
            {"sku": unique("AB-S"), "options": {"Size": "S"}, "prices": [{"currency_code": "SAR", "amount": "199.99"}],
             "inventory_quantity": 3},
            {"sku": unique("AB-M"), "options": {"Size": "M"}, "prices": [{"currency_code": "SAR", "amount": "209"}],
             "inventory_quantity": 0}]})
    by_id = store_a.get(f"/store/products/{product.pk}").json()
    by_handle = store_a.get(f"/store/products/{product.handle}").json()
    assert by_id == by_handle
    variants = {v["options"]["Size"]: v for v in by_id["variants"]}
    assert variants["S"]["calculated_price"]["amount"] == "199.99"
    assert variants["M"]["prices"] == [{"currency_code": "SAR", "amount": "209.00"}]
    assert (variants["S"]["in_stock"], variants["S"]["inventory_quantity"]) == (True, 3)
    assert variants["M"]["in_stock"] is False
    assert by_id["price_range"] == {"currency_code": "SAR", "min": "199.99", "max": "209.00"}
    assert by_id["options"][0]["title"] == "Size" and by_id["content"] == {}
    assert store_a.get("/store/products/prod_doesnotexist").status_code == 404


def test_collections_categories_and_regions(store_a):
    collection = services.create_collection(title=unique("Eid"))
    root = services.create_category(name=unique("Root"))
    child = services.create_category(name=unique("Leaf"), parent_id=root.pk)
    assert collection.pk in [c["id"] for c in store_a.get("/store/collections", limit=100).json()["results"]]
    children = store_a.get("/store/categories", parent_id=root.pk).json()["results"]
    assert [c["id"] for c in children] == [child.pk] and children[0]["parent_id"] == root.pk
    regions = store_a.get("/store/regions").json()["results"]
    assert regions[0]["currency_code"] == "SAR" and regions[0]["tax_rate"] == "0.1500"


def test_the_number_of_queries_for_a_product_page_does_not_grow_with_its_size(store_a):
    for _ in range(12):
        store_a.product(options=[{"title": "Size", "values": ["S", "M"]}], variants=[
            {"sku": unique("NQ"), "options": {"Size": "S"}, "prices": [{"currency_code": "SAR", "amount": "5"}],
             "inventory_quantity": 2},
            {"sku": unique("NQ"), "options": {"Size": "M"}, "prices": [{"currency_code": "SAR", "amount": "6"}],
             "inventory_quantity": 2}], images=["https://img.example/a.png", "https://img.example/b.png"])

    def queries(limit):
        services.update_product(store_a.product().pk, {"title": unique("bust the page cache")})
        with CaptureQueriesContext(connection) as captured:
            response = store_a.get("/store/products", limit=limit)
        assert response.status_code == 200 and len(response.json()["results"]) == limit
        return len(captured.captured_queries)

    assert queries(2) == queries(12)


def test_a_catalog_change_is_visible_on_the_next_list_despite_the_page_cache(store_a):
    product = store_a.product(title=unique("Before"))
    first = store_a.get("/store/products", limit=100).json()["results"]
    assert product.title in [p["title"] for p in first]
    services.update_product(product.pk, {"title": "After the edit"})
    again = store_a.get("/store/products", limit=100).json()["results"]
    assert "After the edit" in [p["title"] for p in again]


def test_registered_enrichers_fill_the_content_key_once_per_page(store_a):
    products = [store_a.product() for _ in range(3)]
    calls = []

    def seo(batch):
        calls.append(len(batch))
        return {p["id"]: {"seo_title": p["title"].upper()} for p in batch}

    enrichment.register(seo)
    try:
        page = store_a.get("/store/products", limit=3).json()["results"]
    finally:
        enrichment.unregister(seo)
    assert calls == [3]
    assert {p["id"]: p["content"] for p in page} == {p.pk: {"seo_title": p.title.upper()} for p in products[::-1]}
