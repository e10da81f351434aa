"""Store API of carts: items, quantities, stock, promotions, shipping, payment sessions, access."""
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from commerce.inventory.models import InventoryLevel, ReservationHold
from commerce.promotions.services import save_promotion
from tests.commerce.conftest import ADDRESS, unique


def new_cart(store, token=None, **data):
    response = store.post("/store/carts", data, token=token)
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def test_create_a_cart_with_items_in_the_default_region(store_a):
    variant = store_a.variant(store_a.product(price="12.50"))
    cart = store_a.post("/store/carts", {"items": [{"variant_id": variant.pk, "quantity": 2}]}).json()
    assert cart["currency_code"] == "SAR" and cart["subtotal"] == "25.00" and cart["tax_total"] == "3.75"
    assert store_a.get(f"/store/carts/{cart['id']}").json()["total"] == "28.75"


def test_adding_the_same_variant_again_adds_to_its_line_then_update_and_remove(store_a):
    variant = store_a.variant(store_a.product(price="10.00", stock=20))
    cart_id = new_cart(store_a)
    store_a.post(f"/store/carts/{cart_id}/line-items", {"variant_id": variant.pk, "quantity": 2})
    cart = store_a.post(f"/store/carts/{cart_id}/line-items", {"variant_id": variant.pk, "quantity": 3}).json()
    assert len(cart["items"]) == 1 and cart["items"][0]["quantity"] == 5
    line_id = cart["items"][0]["id"]
    cart = store_a.post(f"/store/carts/{cart_id}/line-items/{line_id}", {"quantity": 7}).json()
    assert cart["items"][0]["quantity"] == 7 and cart["subtotal"] == "70.00"
    cart = store_a.delete(f"/store/carts/{cart_id}/line-items/{line_id}").json()
    assert cart["items"] == [] and cart["total"] == "0.00"
    again = store_a.post(f"/store/carts/{cart_id}/line-items", {"variant_id": variant.pk, "quantity": 1}).json()
    removed = store_a.post(f"/store/carts/{cart_id}/line-items/{again['items'][0]['id']}", {"quantity": 0}).json()
    assert removed["items"] == []


@pytest.mark.parametrize("quantity", [0, -1, 1_000_001, "lots", 2.5, None])
def test_bad_quantities_are_refused(store_a, quantity):
    variant = store_a.variant(store_a.product())
    cart_id = new_cart(store_a)
    response = store_a.post(f"/store/carts/{cart_id}/line-items", {"variant_id": variant.pk, "quantity": quantity})
    assert response.status_code == 400
    assert "quantity" in response.json()["error"]["fields"]


def test_unknown_draft_or_archived_variants_cannot_be_added(store_a):
    from commerce.catalog.services import update_variant

    cart_id = new_cart(store_a)
    draft = store_a.variant(store_a.product(status="draft"))
    archived = store_a.variant(store_a.product())
    update_variant(archived.pk, {"is_archived": True})
    for variant_id in ("variant_unknown", draft.pk, archived.pk):
        response = store_a.post(f"/store/carts/{cart_id}/line-items", {"variant_id": variant_id, "quantity": 1})
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "variant_not_found"


def test_quantity_above_stock_is_a_conflict(store_a):
    variant = store_a.variant(store_a.product(stock=3))
    cart_id = new_cart(store_a)
    response = store_a.post(f"/store/carts/{cart_id}/line-items", {"variant_id": variant.pk, "quantity": 4})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "insufficient_inventory"
    assert store_a.get(f"/store/carts/{cart_id}").json()["items"] == []


def test_a_variant_without_a_price_in_the_cart_currency_is_refused(store_a):
    variant = store_a.variant(store_a.product(currency="USD"))
    cart_id = new_cart(store_a)
    response = store_a.post(f"/store/carts/{cart_id}/line-items", {"variant_id": variant.pk, "quantity": 1})
    assert response.status_code == 422 and response.json()["error"]["code"] == "variant_not_priced"


def test_malformed_json_and_wrong_types(store_a):
    cart_id = new_cart(store_a)
    response = store_a.client.post(f"/store/carts/{cart_id}/line-items", data='{"variant_id": ', content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "malformed_request"
    response = store_a.post(f"/store/carts/{cart_id}", {"shipping_address": "Riyadh"})
    assert response.status_code == 400
    response = store_a.post(f"/store/carts/{cart_id}", {"email": "nope"})
    assert response.status_code == 400 and "email" in response.json()["error"]["fields"]


def test_update_email_and_addresses_and_refuse_a_country_outside_the_region(store_a):
    cart_id = new_cart(store_a)
    cart = store_a.post(f"/store/carts/{cart_id}", {"email": "Buyer@Example.com", "shipping_address": ADDRESS}).json()
    assert cart["email"] == "buyer@example.com" and cart["shipping_address"]["city"] == "Riyadh"
    response = store_a.post(f"/store/carts/{cart_id}", {"shipping_address": {**ADDRESS, "country_code": "FR"}})
    assert response.status_code == 422 and response.json()["error"]["code"] == "country_not_in_region"


def _promo(**fields):
    return save_promotion({"code": unique("CODE"), "type": "percentage", "value": D("10"), **fields})


def test_promotion_codes_apply_and_are_removed(store_a):
    variant = store_a.variant(store_a.product(price="100.00"))
    promo = _promo()
    cart_id = new_cart(store_a, items=[{"variant_id": variant.pk, "quantity": 1}])
    cart = store_a.post(f"/store/carts/{cart_id}/promotions", {"code": promo.code.lower()}).json()
    assert cart["discount_total"] == "10.00"
    assert cart["promotions"] == [{"code": promo.code, "amount": "10.00", "applied": True, "reason": ""}]
    cart = store_a.delete(f"/store/carts/{cart_id}/promotions/{promo.code}").json()
    assert cart["discount_total"] == "0.00" and cart["promotions"] == []


@pytest.mark.parametrize("fields, code", [
    ({"ends_at": timezone.now() - timedelta(days=1)}, "promotion_expired"),
    ({"starts_at": timezone.now() + timedelta(days=1)}, "promotion_not_started"),
    ({"usage_limit": 1}, "promotion_exhausted"),
    ({"minimum_subtotal": D("500")}, "promotion_minimum_not_met"),
    ({"is_active": False}, "promotion_inactive"),
    ({"type": "fixed", "value": D("5"), "currency_code": "USD"}, "promotion_currency_mismatch"),
])
def test_ineligible_promotions_answer_422_with_the_reason(store_a, fields, code):
    variant = store_a.variant(store_a.product(price="100.00"))
    promo = _promo(**fields)
    if code == "promotion_exhausted":
        promo.usage_count = 1
        promo.save()
    cart_id = new_cart(store_a, items=[{"variant_id": variant.pk, "quantity": 1}])
    response = store_a.post(f"/store/carts/{cart_id}/promotions", {"code": promo.code})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code


def test_unknown_promotion_code_is_404(store_a):
    cart_id = new_cart(store_a)
    response = store_a.post(f"/store/carts/{cart_id}/promotions", {"code": "NOPE-NOT-HERE"})
    assert response.status_code == 404 and response.json()["error"]["code"] == "promotion_not_found"


def test_a_promotion_that_stops_qualifying_stays_but_discounts_nothing(store_a):
    variant = store_a.variant(store_a.product(price="100.00", stock=5))
    promo = _promo(minimum_subtotal=D("150"))
    cart_id = new_cart(store_a, items=[{"variant_id": variant.pk, "quantity": 2}])
    cart = store_a.post(f"/store/carts/{cart_id}/promotions", {"code": promo.code}).json()
    assert cart["discount_total"] == "20.00"
    line_id = cart["items"][0]["id"]
    cart = store_a.post(f"/store/carts/{cart_id}/line-items/{line_id}", {"quantity": 1}).json()
    assert cart["discount_total"] == "0.00"
    assert cart["promotions"] == [{"code": promo.code, "amount": "0.00", "applied": False,
                                   "reason": "promotion_minimum_not_met"}]


def test_shipping_options_are_priced_by_their_rates_and_chosen(store_a):
    variant = store_a.variant(store_a.product(price="60.00", stock=10, weight=500))
    free_over = store_a.shipping(rates=[{"amount": "0", "min_subtotal": "100"}, {"amount": "25.00"}])
    heavy_only = store_a.shipping(rates=[{"amount": "70.00", "min_weight": 5000}])
    cart_id = new_cart(store_a, items=[{"variant_id": variant.pk, "quantity": 1}])
    options = {o["id"]: o for o in store_a.get("/store/shipping-options", cart_id=cart_id).json()}
    assert options[free_over.pk]["amount"] == "25.00" and heavy_only.pk not in options
    cart = store_a.post(f"/store/carts/{cart_id}/shipping-methods", {"option_id": free_over.pk}).json()
    assert cart["shipping_total"] == "25.00" and cart["tax_total"] == "12.75"
    line_id = cart["items"][0]["id"]
    cart = store_a.post(f"/store/carts/{cart_id}/line-items/{line_id}", {"quantity": 2}).json()
    assert cart["shipping_total"] == "0.00"  # the free-over-100 rate now matches
    refused = store_a.post(f"/store/carts/{cart_id}/shipping-methods", {"option_id": heavy_only.pk})
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "shipping_option_unavailable"
    assert store_a.get("/store/shipping-options").status_code == 400


def test_payment_session_holds_the_stock_and_a_cart_change_gives_it_back(store_a):
    variant = store_a.variant(store_a.product(stock=5))
    cart_id = new_cart(store_a, items=[{"variant_id": variant.pk, "quantity": 2}])
    cart = store_a.post(f"/store/carts/{cart_id}/payment-sessions", {"provider": "sandbox"}).json()
    assert cart["payment_session"]["provider"] == "sandbox"
    assert cart["payment_session"]["reservation_expires_at"] is not None
    level = InventoryLevel.objects.get(item_id=variant.inventory_item_id)
    assert level.reserved_quantity == 2
    assert ReservationHold.objects.filter(cart_id=cart_id).count() == 1
    store_a.post(f"/store/carts/{cart_id}/line-items", {"variant_id": variant.pk, "quantity": 1})
    level.refresh_from_db()
    assert level.reserved_quantity == 0
    bad = store_a.post(f"/store/carts/{cart_id}/payment-sessions", {"provider": "paypal"})
    assert bad.status_code == 400 and "provider" in bad.json()["error"]["fields"]


def test_another_tenants_cart_does_not_exist(store_a, store_b):
    cart_id = new_cart(store_a)
    assert store_b.get(f"/store/carts/{cart_id}").status_code == 404
    assert store_b.post(f"/store/carts/{cart_id}/line-items", {"variant_id": "x", "quantity": 1}).status_code == 404


def test_a_signed_in_customers_cart_is_theirs_alone(store_a, password_hash):
    _, token = store_a.customer(password_hash)
    _, other = store_a.customer(password_hash)
    cart_id = new_cart(store_a, token=token)
    assert store_a.get(f"/store/carts/{cart_id}", token=token).status_code == 200
    assert store_a.get(f"/store/carts/{cart_id}").status_code == 404
    assert store_a.get(f"/store/carts/{cart_id}", token=other).status_code == 404
