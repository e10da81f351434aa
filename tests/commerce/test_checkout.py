"""Completing a cart: the order, its event, idempotency, declines, validation, gift cards, metadata."""
from decimal import Decimal as D

import pytest

from commerce.carts.models import Cart
from commerce.giftcards.models import GiftCard
from commerce.giftcards.services import issue
from commerce.inventory.models import InventoryLevel, ReservationHold
from commerce.orders.models import Order
from commerce.payments.models import Payment, PaymentAttempt
from commerce.promotions.models import Promotion
from commerce.promotions.services import save_promotion
from integrations.stripe.sandbox import StripeSandbox
from tests.commerce.conftest import ADDRESS, DECLINED, NO_FUNDS, VISA, unique
from workflows.models import EventOutbox


def complete(store, cart_id, card=VISA, token=None, **extra):
    return store.post(f"/store/carts/{cart_id}/complete", {"payment_method": card, **extra}, token=token)


def level_of(variant):
    return InventoryLevel.objects.get(item_id=variant.inventory_item_id)


def authorisations(cart_id):
    return StripeSandbox().store.calls("create_payment_intent").filter(idempotency_key__startswith=cart_id)


def test_completion_places_the_order_with_an_authorised_payment_and_writes_order_placed(store_a):
    product = store_a.product(price="100.00", stock=5, metadata={"cms_poi_id": "poi_7", "cms_domain": "commerce"})
    variant = store_a.variant(product)
    cart_id = store_a.ready_cart(variant, 2, shipping=store_a.shipping("20.00"), email="Buyer@Example.com")
    response = complete(store_a, cart_id)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["type"] == "order"
    order = body["order"]
    assert (order["status"], order["payment_status"], order["fulfillment_status"]) == (
        "pending", "authorized", "not_fulfilled")
    assert (order["subtotal"], order["shipping_total"], order["tax_total"], order["total"]) == (
        "200.00", "20.00", "33.00", "253.00")
    assert order["display_id"] >= 1001 and order["email"] == "buyer@example.com"

    payment = Payment.objects.get(order_id=order["id"])
    assert (payment.status, payment.amount, payment.provider) == ("authorized", D("253.00"), "sandbox")
    intent = StripeSandbox().retrieve_payment_intent(payment.payment_intent_id)
    assert (intent["status"], intent["amount"], intent["capture_method"]) == ("requires_capture", 25300, "manual")

    level = level_of(variant)
    assert (level.stocked_quantity, level.reserved_quantity) == (5, 2)
    assert ReservationHold.objects.get(order_id=order["id"]).expires_at is None

    event = EventOutbox.objects.get(event_type="order.placed", aggregate_id=order["id"])
    payload = event.payload
    assert payload["totals"]["total"] == "253.00" and payload["email"] == "buyer@example.com"
    assert payload["payment"] == {"provider": "sandbox", "payment_intent_id": payment.payment_intent_id,
                                  "status": "authorized", "amount": "253.00"}
    assert payload["items"][0]["variant_id"] == variant.pk and payload["items"][0]["quantity"] == 2
    assert payload["items"][0]["unit_price"] == "100.00"
    assert payload["items"][0]["metadata"]["cms_poi_id"] == "poi_7"
    assert payload["shipping_address"]["city"] == "Riyadh"
    assert payload["metadata"]["cms_poi_id"] == "poi_7" and payload["customer_id"]
    assert event.tenant_id == "alpha"
    assert Cart.objects.get(pk=cart_id).completed_at is not None


def test_completing_twice_returns_the_same_order_and_authorises_once(store_a):
    variant = store_a.variant(store_a.product(stock=5))
    cart_id = store_a.ready_cart(variant)
    first = complete(store_a, cart_id)
    second = complete(store_a, cart_id)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["order"]["id"] == second.json()["order"]["id"]
    assert Order.objects.filter(cart_id=cart_id).count() == 1
    assert authorisations(cart_id).filter(replayed=False).count() == 1
    assert level_of(variant).reserved_quantity == 1
    assert store_a.post(f"/store/carts/{cart_id}/line-items", {"variant_id": variant.pk, "quantity": 1}).status_code == 409


@pytest.mark.parametrize("card, decline_code", [(DECLINED, "generic_decline"), (NO_FUNDS, "insufficient_funds"),
                                                ("4100 0000 0000 0019", "fraudulent")])
def test_a_declined_card_answers_402_keeps_the_cart_and_releases_the_stock(store_a, card, decline_code):
    variant = store_a.variant(store_a.product(stock=4))
    cart_id = store_a.ready_cart(variant, 3)
    store_a.post(f"/store/carts/{cart_id}/payment-sessions", {"provider": "sandbox"})
    assert level_of(variant).reserved_quantity == 3
    before = store_a.get(f"/store/carts/{cart_id}").json()

    response = complete(store_a, cart_id, card=card)
    assert response.status_code == 402
    error = response.json()["error"]
    assert error["code"] == "payment_declined" and error["fields"]["decline_code"] == [decline_code]
    assert level_of(variant).reserved_quantity == 0
    after = store_a.get(f"/store/carts/{cart_id}").json()
    assert after["items"] == before["items"] and after["total"] == before["total"] and after["completed_at"] is None
    assert after["payment_session"]["status"] == "declined"
    assert PaymentAttempt.objects.filter(cart_id=cart_id, succeeded=False, decline_code=decline_code).exists()
    assert not Order.objects.filter(cart_id=cart_id).exists()

    retry = complete(store_a, cart_id, card=VISA)
    assert retry.status_code == 201
    assert level_of(variant).reserved_quantity == 3


def test_an_unknown_card_is_a_400_and_nothing_is_held(store_a):
    variant = store_a.variant(store_a.product(stock=2))
    cart_id = store_a.ready_cart(variant)
    response = complete(store_a, cart_id, card="1234 5678")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_payment_method"
    assert level_of(variant).reserved_quantity == 0


@pytest.mark.parametrize("missing, code", [("email", "email_required"), ("shipping", "shipping_method_required"),
                                           ("items", "cart_empty"), ("card", "payment_method_required")])
def test_an_incomplete_cart_cannot_be_completed(store_a, missing, code):
    variant = store_a.variant(store_a.product(stock=2))
    option = store_a.shipping()
    data = {"shipping_address": ADDRESS}
    if missing != "email":
        data["email"] = "someone@example.com"
    if missing != "items":
        data["items"] = [{"variant_id": variant.pk, "quantity": 1}]
    cart_id = store_a.post("/store/carts", data).json()["id"]
    if missing not in ("shipping", "items"):
        store_a.post(f"/store/carts/{cart_id}/shipping-methods", {"option_id": option.pk})
    response = store_a.post(f"/store/carts/{cart_id}/complete", {} if missing == "card" else {"payment_method": VISA})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code
    assert level_of(variant).reserved_quantity == 0


def test_stock_that_ran_out_after_the_cart_was_filled_is_a_conflict(store_a):
    from commerce.inventory.services import set_stock

    variant = store_a.variant(store_a.product(stock=2))
    cart_id = store_a.ready_cart(variant, 2)
    set_stock(variant.inventory_item, 1)
    response = complete(store_a, cart_id)
    assert response.status_code == 409 and response.json()["error"]["code"] == "insufficient_inventory"
    assert authorisations(cart_id).count() == 0


def test_services_and_digital_goods_need_no_shipping_and_no_stock(store_a):
    service = store_a.product(kind="service", variants=[
        {"sku": unique("SRV"), "manage_inventory": False, "prices": [{"currency_code": "SAR", "amount": "250.00"}]}])
    cart_id = store_a.post("/store/carts", {"email": "p@example.com", "items": [
        {"variant_id": store_a.variant(service).pk, "quantity": 1}]}).json()["id"]
    response = complete(store_a, cart_id)
    assert response.status_code == 201, response.json()
    assert response.json()["order"]["total"] == "287.50"


def test_promotion_usage_is_counted_at_placement_and_the_limit_holds(store_a):
    variant = store_a.variant(store_a.product(price="100.00", stock=10))
    promo = save_promotion({"code": unique("ONCE"), "type": "fixed", "value": D("30"), "currency_code": "SAR",
                            "usage_limit": 1})
    first = store_a.ready_cart(variant)
    second = store_a.ready_cart(variant)
    for cart_id in (first, second):
        assert store_a.post(f"/store/carts/{cart_id}/promotions", {"code": promo.code}).status_code == 200
    placed = complete(store_a, first)
    assert placed.status_code == 201 and placed.json()["order"]["discount_total"] == "30.00"
    assert Promotion.objects.get(pk=promo.pk).usage_count == 1
    # the second cart had the code before it was used up: it now completes without the discount
    later = complete(store_a, second)
    assert later.status_code == 201, later.json()
    assert later.status_code == 201 and later.json()["order"]["discount_total"] == "0.00"


def test_per_customer_limit_counts_the_shoppers_email(store_a):
    variant = store_a.variant(store_a.product(price="100.00", stock=10))
    promo = save_promotion({"code": unique("FIRST"), "type": "percentage", "value": D("10"), "per_customer_limit": 1})
    first = store_a.ready_cart(variant, email="repeat@example.com")
    store_a.post(f"/store/carts/{first}/promotions", {"code": promo.code})
    assert complete(store_a, first).status_code == 201
    second = store_a.ready_cart(variant, email="repeat@example.com")
    response = store_a.post(f"/store/carts/{second}/promotions", {"code": promo.code})
    assert response.status_code == 422 and response.json()["error"]["code"] == "promotion_customer_limit_reached"


def test_gift_cards_pay_part_of_an_order_and_bought_gift_cards_are_issued(store_a):
    card = issue(amount=D("50.00"), currency_code="SAR")
    gift_product = store_a.product(kind="digital", is_giftcard=True, discountable=False, variants=[
        {"sku": unique("GIFT"), "manage_inventory": False, "prices": [{"currency_code": "SAR", "amount": "100.00"}]}])
    cart_id = store_a.post("/store/carts", {"email": "giver@example.com", "items": [
        {"variant_id": store_a.variant(gift_product).pk, "quantity": 2}]}).json()["id"]
    cart = store_a.post(f"/store/carts/{cart_id}/gift-cards", {"code": card.code.lower()}).json()
    assert cart["gift_card_total"] == "50.00" and cart["total"] == "180.00"  # 230.00 − 50.00
    order = complete(store_a, cart_id).json()["order"]
    assert order["gift_card_total"] == "50.00" and order["total"] == "180.00"
    card.refresh_from_db()
    assert card.balance == D("0.00")
    bought = GiftCard.objects.filter(order_id=order["id"])
    assert sorted(c.value for c in bought) == [D("100.00"), D("100.00")]
    assert EventOutbox.objects.filter(event_type="gift_card.purchased", payload__order_id=order["id"]).count() == 2
    assert EventOutbox.objects.filter(event_type="gift_card.redeemed", aggregate_id=card.pk).count() == 1
    empty = store_a.post(f"/store/carts/{store_a.ready_cart(store_a.variant(store_a.product()))}/gift-cards",
                         {"code": card.code})
    assert empty.status_code == 422 and empty.json()["error"]["code"] == "gift_card_empty"


def test_a_fully_covered_order_needs_no_payment_method(store_a):
    card = issue(amount=D("500.00"), currency_code="SAR")
    variant = store_a.variant(store_a.product(price="10.00"))
    cart_id = store_a.ready_cart(variant)
    store_a.post(f"/store/carts/{cart_id}/gift-cards", {"code": card.code})
    response = store_a.post(f"/store/carts/{cart_id}/complete", {})
    assert response.status_code == 201
    assert response.json()["order"]["payment_status"] == "not_required"


def test_order_metadata_carries_the_cms_keys_of_its_products(store_a):
    meta = lambda poi, cms_id: {"cms_poi_id": poi, "cms_domain": "healthcare", "cms_tenant_id": "t1",  # noqa: E731
                                "cms_collection": "healthcare-appointments", "cms_id": cms_id,
                                "cms_title": "Check-up", "cms_synced_at": "2026-01-01T00:00:00Z"}
    first = store_a.variant(store_a.product(metadata=meta("poi_a", "doc_1")))
    second = store_a.variant(store_a.product(metadata=meta("poi_b", "doc_2")))
    plain = store_a.variant(store_a.product())
    cart_id = store_a.post("/store/carts", {
        "email": "m@example.com", "shipping_address": ADDRESS, "metadata": {"cms_poi_id": "spoofed", "source": "app"},
        "items": [{"variant_id": v.pk, "quantity": 1} for v in (first, second, plain)]}).json()["id"]
    store_a.post(f"/store/carts/{cart_id}/shipping-methods", {"option_id": store_a.shipping().pk})
    order = complete(store_a, cart_id).json()["order"]
    metadata = order["metadata"]
    assert metadata["cms_poi_id"] == "poi_a" and metadata["cms_id"] == "doc_1" and metadata["source"] == "app"
    assert metadata["cms_poi_ids"] == ["poi_a", "poi_b"]
    assert [item["cms_id"] for item in metadata["items"]] == ["doc_1", "doc_2"]
    single = store_a.ready_cart(first)
    assert "items" not in complete(store_a, single).json()["order"]["metadata"]


def test_orders_of_a_signed_in_customer(store_a, password_hash):
    customer, token = store_a.customer(password_hash)
    variant = store_a.variant(store_a.product(stock=3))
    cart_id = store_a.ready_cart(variant, token=token, email=customer.email)
    order_id = complete(store_a, cart_id, token=token).json()["order"]["id"]
    mine = store_a.get("/store/orders", token=token).json()
    assert mine["count"] == 1 and mine["results"][0]["id"] == order_id
    assert store_a.get(f"/store/orders/{order_id}", token=token).status_code == 200
    assert store_a.get(f"/store/orders/{order_id}").status_code == 404
    _, other = store_a.customer(password_hash)
    assert store_a.get(f"/store/orders/{order_id}", token=other).status_code == 404


def test_another_tenants_order_does_not_exist(store_a, store_b):
    variant = store_a.variant(store_a.product(stock=3))
    order_id = complete(store_a, store_a.ready_cart(variant)).json()["order"]["id"]
    assert store_a.get(f"/store/orders/{order_id}").status_code == 200
    assert store_b.get(f"/store/orders/{order_id}").status_code == 404


def test_provider_stripe_without_a_secret_key_uses_the_same_sandbox(store_a):
    variant = store_a.variant(store_a.product(stock=2))
    cart_id = store_a.ready_cart(variant)
    session = store_a.post(f"/store/carts/{cart_id}/payment-sessions", {"provider": "stripe"}).json()
    assert session["payment_session"]["provider"] == "stripe"
    order = complete(store_a, cart_id).json()["order"]
    payment = Payment.objects.get(order_id=order["id"])
    assert payment.provider == "stripe"
    assert StripeSandbox().retrieve_payment_intent(payment.payment_intent_id)["status"] == "requires_capture"


def test_a_card_needing_3d_secure_is_refused_and_its_intent_cancelled(store_a):
    variant = store_a.variant(store_a.product(stock=2))
    cart_id = store_a.ready_cart(variant)
    response = complete(store_a, cart_id, card="4000 0025 0000 3155")
    assert response.status_code == 402 and response.json()["error"]["code"] == "payment_requires_action"
    assert level_of(variant).reserved_quantity == 0
    intents = StripeSandbox().store.all("payment_intent")
    mine = [i for i in intents if i["metadata"].get("cart_id") == cart_id]
    assert [i["status"] for i in mine] == ["canceled"]
    assert complete(store_a, cart_id).status_code == 201


def test_a_signed_in_customer_claims_a_guest_cart(store_a, password_hash):
    customer, token = store_a.customer(password_hash)
    variant = store_a.variant(store_a.product(stock=2))
    cart_id = store_a.post("/store/carts", {"items": [{"variant_id": variant.pk, "quantity": 1}]}).json()["id"]
    claimed = store_a.post(f"/store/carts/{cart_id}", {}, token=token).json()
    assert (claimed["customer_id"], claimed["email"]) == (customer.pk, customer.email)
    assert store_a.get(f"/store/carts/{cart_id}").status_code == 404  # now theirs alone
