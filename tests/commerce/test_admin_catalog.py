"""Admin API of the catalog and store configuration: writes go through services and emit events."""
import pytest

from commerce.catalog.models import Product, ProductStatus
from tests.commerce.conftest import unique
from workflows.models import EventOutbox


@pytest.fixture
def admin(store_a, admin_token_headers):
    from tests.support.tenants import host_client

    return host_client("alpha.localhost", **admin_token_headers)


def post(admin, path, data):
    return admin.post(path, data, format="json")


def patch(admin, path, data):
    return admin.patch(path, data, format="json")


def test_create_a_product_with_options_variants_prices_and_stock(admin):
    sku = unique("TSHIRT")
    response = post(admin, "/admin/api/products", {
        "title": "City T-shirt", "status": "published", "metadata": {"cms_poi_id": "poi_shop"},
        "options": [{"title": "Size", "values": ["M", "L"]}],
        "images": [{"url": "https://img.example/shirt.png", "alt": "shirt"}],
        "variants": [
            {"sku": f"{sku}-M", "options": {"Size": "M"}, "prices": [{"currency_code": "SAR", "amount": "79.00"}],
             "inventory_quantity": 7},
            {"sku": f"{sku}-L", "options": {"Size": "L"}, "prices": [{"currency_code": "SAR", "amount": "79.00"}]}]})
    assert response.status_code == 201, response.json()
    product = response.json()
    assert product["handle"].startswith("city-t-shirt") and product["thumbnail"] == "https://img.example/shirt.png"
    variants = {v["sku"]: v for v in product["variants"]}
    assert variants[f"{sku}-M"]["stocked_quantity"] == 7 and variants[f"{sku}-M"]["options"] == {"Size": "M"}
    assert variants[f"{sku}-M"]["prices"] == [{"currency_code": "SAR", "amount": "79.00"}]
    event = EventOutbox.objects.get(event_type="product.created", aggregate_id=product["id"])
    assert event.payload["metadata"] == {"cms_poi_id": "poi_shop"} and len(event.payload["variant_ids"]) == 2
    listed = admin.get("/admin/api/products", {"metadata[cms_poi_id]": "poi_shop"}).json()
    assert [p["id"] for p in listed["results"]] == [product["id"]]


@pytest.mark.parametrize("payload, field", [
    ({}, "title"),
    ({"title": "x", "status": "live"}, "status"),
    ({"title": "x", "variants": [{"prices": [{"currency_code": "SAR", "amount": "1"}]}]}, "variants"),
    ({"title": "x", "variants": [{"sku": "NEG", "prices": [{"currency_code": "SAR", "amount": "-1"}]}]}, "variants"),
    ({"title": "x", "collection_id": "pcol_missing"}, "collection_id"),
])
def test_bad_product_input_is_refused_with_the_field(admin, payload, field):
    response = post(admin, "/admin/api/products", payload)
    assert response.status_code == 400, response.json()
    assert field in str(response.json()["error"]["fields"])


def test_duplicate_handle_and_sku_are_conflicts(admin, store_a):
    existing = store_a.product()
    variant = store_a.variant(existing)
    handle = post(admin, "/admin/api/products", {"title": "Dup", "handle": existing.handle})
    assert handle.status_code == 409 and handle.json()["error"]["code"] == "handle_taken"
    sku = post(admin, "/admin/api/products", {"title": "Dup", "variants": [{"sku": variant.sku}]})
    assert sku.status_code == 409 and sku.json()["error"]["code"] == "sku_taken"
    assert not Product.objects.filter(title="Dup").exists()


def test_update_archive_and_variant_endpoints(admin, store_a):
    product = store_a.product(price="10.00")
    response = patch(admin, f"/admin/api/products/{product.pk}", {"title": "Renamed", "metadata": {"k": "v"}})
    assert response.status_code == 200 and response.json()["title"] == "Renamed"
    updated = EventOutbox.objects.filter(event_type="product.updated", aggregate_id=product.pk).latest("created_at")
    assert set(updated.payload["changes"]) == {"title", "metadata"}

    added = post(admin, f"/admin/api/products/{product.pk}/variants",
                 {"sku": unique("EXTRA"), "prices": [{"currency_code": "SAR", "amount": "12.00"}]})
    assert added.status_code == 201
    variant_id = added.json()["id"]
    priced = post(admin, f"/admin/api/variants/{variant_id}/prices",
                  [{"currency_code": "USD", "amount": "3.25"}, {"currency_code": "SAR", "amount": "12.50"}])
    assert {p["currency_code"]: p["amount"] for p in priced.json()["prices"]} == {"SAR": "12.50", "USD": "3.25"}
    replaced = post(admin, f"/admin/api/variants/{variant_id}/prices?replace=true", [{"currency_code": "SAR", "amount": "11"}])
    assert replaced.json()["prices"] == [{"currency_code": "SAR", "amount": "11.00"}]
    assert admin.delete(f"/admin/api/variants/{variant_id}").status_code == 204
    assert admin.get(f"/admin/api/variants/{variant_id}").json()["is_archived"] is True
    assert post(admin, "/admin/api/variants", {"sku": "NOPE"}).status_code == 400

    assert admin.delete(f"/admin/api/products/{product.pk}").status_code == 204
    product.refresh_from_db()
    assert product.status == ProductStatus.ARCHIVED
    assert store_a.get(f"/store/products/{product.pk}").status_code == 404


def test_collections_and_the_category_tree(admin):
    collection = post(admin, "/admin/api/collections", {"title": "Summer"}).json()
    assert collection["handle"] == "summer" or collection["handle"].startswith("summer")
    root = post(admin, "/admin/api/categories", {"name": unique("Root")}).json()
    child = post(admin, "/admin/api/categories", {"name": unique("Child"), "parent_id": root["id"]}).json()
    assert child["parent_id"] == root["id"]
    cycle = patch(admin, f"/admin/api/categories/{root['id']}", {"parent_id": child["id"]})
    assert cycle.status_code == 400
    assert admin.delete(f"/admin/api/categories/{root['id']}").status_code == 409
    assert admin.delete(f"/admin/api/categories/{child['id']}").status_code == 204


def test_price_lists_volume_pricing_promotions_tax_rules(admin, store_a):
    from commerce.regions.services import default_region

    variant = store_a.variant(store_a.product())
    price_list = post(admin, "/admin/api/price-lists", {
        "name": "Weekend", "type": "sale", "prices": [{"variant_id": variant.pk, "currency_code": "SAR", "amount": "5"}]})
    assert price_list.status_code == 201 and price_list.json()["prices"][0]["amount"] == "5.00"
    bad = post(admin, "/admin/api/price-lists", {"name": "Bad", "prices": [
        {"variant_id": "variant_nope", "currency_code": "SAR", "amount": "5"}]})
    assert bad.status_code == 400
    window = post(admin, "/admin/api/price-lists", {"name": "Backwards", "starts_at": "2030-01-02T00:00:00Z",
                                                    "ends_at": "2030-01-01T00:00:00Z"})
    assert window.status_code == 400 and "ends_at" in window.json()["error"]["fields"]
    tiers = post(admin, "/admin/api/volume-pricing", {"name": "Bulk", "variant_id": variant.pk, "tiers": [
        {"min_quantity": 10, "discount_type": "percentage", "value": "5"}]})
    assert tiers.status_code == 201 and tiers.json()["tiers"][0]["min_quantity"] == 10
    assert post(admin, "/admin/api/volume-pricing", {"name": "No target", "tiers": []}).status_code == 400
    promo = post(admin, "/admin/api/promotions", {"code": unique("spring"), "type": "percentage", "value": "15"})
    assert promo.status_code == 201 and promo.json()["code"].isupper()
    for payload in ({"code": "bad code!", "type": "percentage", "value": "5"},
                    {"code": unique("p"), "type": "percentage", "value": "150"},
                    {"code": unique("f"), "type": "fixed", "value": "5"}):
        assert post(admin, "/admin/api/promotions", payload).status_code == 400
    rule = post(admin, "/admin/api/tax-rules", {"region_id": default_region().pk, "name": "Zero", "rate": "0"})
    assert rule.status_code == 201
    assert post(admin, "/admin/api/tax-rules", {"region_id": default_region().pk, "name": "Big", "rate": "1.5"}).status_code == 400


def test_stock_levels_set_adjust_and_refuse_negative(admin, store_a):
    variant = store_a.variant(store_a.product(stock=5))
    counted = post(admin, "/admin/api/stock-levels", {"sku": variant.sku, "stocked_quantity": 12})
    assert counted.status_code == 200 and counted.json()["stocked_quantity"] == 12
    adjusted = post(admin, "/admin/api/stock-levels", {"sku": variant.sku, "delta": -2, "reason": "damaged"})
    assert adjusted.json()["available_quantity"] == 10
    negative = post(admin, "/admin/api/stock-levels", {"sku": variant.sku, "delta": -11})
    assert negative.status_code == 409
    assert post(admin, "/admin/api/stock-levels", {"sku": variant.sku}).status_code == 400
    assert post(admin, "/admin/api/stock-levels", {"sku": "NO-SUCH", "delta": 1}).status_code == 404
    low = admin.get("/admin/api/stock-levels", {"sku": variant.sku, "below": "11"}).json()
    assert low["count"] == 1
    event = EventOutbox.objects.filter(event_type="inventory.adjusted", aggregate_id=variant.inventory_item_id
                                       ).latest("created_at")
    assert (event.payload["delta"], event.payload["reason"]) == (-2, "damaged")


def test_shipping_options_regions_locations_and_sales_channel_keys(admin, store_a):
    from commerce.regions.services import default_region

    option = post(admin, "/admin/api/shipping-options", {"region_id": default_region().pk, "name": "Courier",
                                                         "code": unique("courier"), "amount": "19.5"})
    assert option.status_code == 201 and option.json()["rates"][0]["amount"] == "19.50"
    region = post(admin, "/admin/api/regions", {"name": "Gulf", "currency_code": "aed", "countries": ["ae"]})
    assert region.status_code == 201 and region.json()["currency_code"] == "AED"
    location = post(admin, "/admin/api/stock-locations", {"name": "Jeddah depot"})
    assert location.status_code == 201
    channel = post(admin, "/admin/api/sales-channels", {"name": "Kiosk"}).json()
    key = channel["api_keys"][0]
    from tests.support.tenants import host_client

    kiosk = host_client("alpha.localhost", HTTP_X_PUBLISHABLE_API_KEY=key["token"])
    assert kiosk.get("/store/products").status_code == 200
    revoked = post(admin, f"/admin/api/sales-channels/{channel['id']}/keys/{key['id']}/revoke", {})
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert kiosk.get("/store/products").status_code == 401


def test_customers_groups_and_loyalty_in_the_admin_api(admin, store_a, password_hash):
    customer, _ = store_a.customer(password_hash, first_name="Omar")
    group = post(admin, "/admin/api/customer-groups", {"name": unique("VIP")}).json()
    updated = patch(admin, f"/admin/api/customers/{customer.pk}", {"group_ids": [group["id"]]})
    assert updated.status_code == 200 and updated.json()["group_ids"] == [group["id"]]
    assert admin.get("/admin/api/customers", {"q": "Omar"}).json()["count"] >= 1
    added = post(admin, f"/admin/api/customers/{customer.pk}/loyalty", {"action": "add", "points": 300})
    assert added.json()["balance"] == 300
    too_many = post(admin, f"/admin/api/customers/{customer.pk}/loyalty", {"action": "redeem", "points": 301})
    assert too_many.status_code == 409 and too_many.json()["error"]["code"] == "insufficient_points"
    assert admin.get(f"/admin/api/customers/{customer.pk}/loyalty").json()["balance"] == 300
    assert post(admin, "/admin/api/customers", {"email": "x@example.com"}).status_code == 400


def test_gift_cards_and_review_moderation_in_the_admin_api(admin, store_a, password_hash):
    card = post(admin, "/admin/api/gift-cards", {"amount": "150", "currency_code": "SAR"})
    assert card.status_code == 201 and card.json()["balance"] == "150.00"
    found = admin.get("/admin/api/gift-cards", {"code": card.json()["code"].lower()}).json()
    assert found["count"] == 1
    disabled = post(admin, f"/admin/api/gift-cards/{card.json()['id']}/disable", {})
    assert disabled.json()["is_disabled"] is True

    customer, token = store_a.customer(password_hash)
    product = store_a.product()
    review = store_a.post(f"/store/products/{product.handle}/reviews", {"rating": 4, "title": "Good"}, token=token)
    assert review.status_code == 201 and review.json()["status"] == "pending"
    assert store_a.get(f"/store/products/{product.pk}/reviews").json()["count"] == 0
    queue = admin.get("/admin/api/reviews", {"status": "pending", "product_id": product.pk}).json()
    assert [r["id"] for r in queue["results"]] == [review.json()["id"]]
    post(admin, f"/admin/api/reviews/{review.json()['id']}/approve", {})
    shown = store_a.get(f"/store/products/{product.pk}/reviews").json()
    assert shown["count"] == 1 and shown["rating"] == {"average": 4.0, "count": 1}
