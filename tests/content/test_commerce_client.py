"""The commerce client: every operation of seeds 000 §6 (25 listed) against the real commerce services, the
shapes they answer, the errors that pass through, and the import boundary (content imports no
commerce model; only the client imports commerce at all)."""
import ast
import pathlib
from decimal import Decimal

import pytest

from cityos.errors import Conflict, InvalidInput, NotFound
from content import commerce_client as client
from tests.commerce.conftest import Store
from tests.content.conftest import buy

pytestmark = pytest.mark.django_db

CONTENT = pathlib.Path(__file__).resolve().parents[2] / "content"


@pytest.fixture
def store(alpha, tenant_a):
    return Store(tenant_a).use()


def product_data(**fields):
    return {"title": "Camel milk soap", "status": "published", "kind": "physical", "metadata": {"cms_id": "doc_1"},
            "variants": [{"sku": "SOAP-1", "prices": [{"currency_code": "SAR", "amount": "18.5"}],
                          "inventory_quantity": 12}], **fields}


def test_products_and_variants(store):
    created = client.create_product(product_data())
    assert created["id"].startswith("prod_") and created["status"] == "published"
    assert created["variants"][0]["prices"] == [{"currency_code": "SAR", "amount": "18.50"}]
    assert created["variants"][0]["inventory_quantity"] == 12
    assert client.get_product(created["handle"])["id"] == created["id"]
    assert client.find_product_by_cms_id("doc_1")["id"] == created["id"]
    assert client.update_product(created["id"], {"title": "Camel milk soap, 100 g"})["title"] == "Camel milk soap, 100 g"
    listed = client.list_products({"metadata": {"cms_id": "doc_1"}})
    assert listed["count"] == 1 and listed["results"][0]["id"] == created["id"]
    variant = client.create_variant(created["id"], {"sku": "SOAP-2", "title": "Lavender",
                                                    "prices": [{"currency_code": "SAR", "amount": "20"}]})
    assert variant["sku"] == "SOAP-2"
    changed = client.update_variant(created["id"], variant["id"], {"prices": [{"currency_code": "SAR", "amount": "22"}],
                                                                   "inventory_quantity": 7})
    assert changed["prices"] == [{"currency_code": "SAR", "amount": "22.00"}] and changed["inventory_quantity"] == 7
    with pytest.raises(NotFound):
        client.update_variant("prod_other", variant["id"], {"title": "x"})
    assert client.delete_product(created["id"])["status"] == "archived"
    assert client.get_product(created["id"])["status"] == "archived"  # archived, not deleted


def test_bad_input_passes_through_with_its_fields(store):
    with pytest.raises(InvalidInput) as bad:
        client.create_product({"title": ""})
    assert "title" in bad.value.fields
    client.create_product(product_data(handle="soap"))
    with pytest.raises(Conflict):
        client.create_product(product_data(handle="soap", variants=[]))
    with pytest.raises(NotFound):
        client.get_product("prod_missing")


def test_price_lists_and_promotions(store):
    product = client.create_product(product_data())
    variant_id = product["variants"][0]["id"]
    price_list = client.create_price_list({"name": "Ramadan", "type": "sale", "prices": [
        {"variant_id": variant_id, "currency_code": "SAR", "amount": "15"}]})
    assert price_list["prices"][0]["amount"] == "15.00"
    assert client.update_price_list(price_list["id"], {"status": "draft"})["status"] == "draft"
    promotion = client.create_promotion({"code": "soap10", "type": "percentage", "value": Decimal("10")})
    assert promotion["code"] == "SOAP10"
    cart = store.post("/store/carts", {"email": "a@example.com", "items": [{"variant_id": variant_id, "quantity": 2}]})
    applied = client.apply_promotion("soap10", cart.json()["id"])
    assert applied["discount_total"] == "3.70" and applied["applied_promotions"][0]["code"] == "SOAP10"


def test_bookings_and_subscriptions(store):
    from datetime import timedelta

    from django.utils import timezone

    booking = client.create_booking({"title": "Eye test", "starts_at": timezone.now() + timedelta(days=1),
                                     "capacity": 2, "price": "90", "currency_code": "SAR", "cms_id": "appt_9"})
    assert booking["status"] == "open" and booking["capacity"] == 2 and booking["price"] == "90.00"
    assert client.update_booking(booking["id"], {"capacity": 4})["capacity"] == 4
    assert client.find_booking_by_cms_id("appt_9")["id"] == booking["id"]
    assert client.cancel_booking(booking["id"], reason="Closed")["status"] == "cancelled"

    plan = client.create_subscription_product({"title": "Gym", "price": "150", "currency_code": "SAR",
                                               "billing_interval": "month", "cms_id": "plan_9"})
    assert plan["product"]["kind"] == "subscription" and plan["price"] == "150.00"
    assert client.find_subscription_plan_by_cms_id("plan_9")["id"] == plan["id"]
    assert client.update_subscription_product(plan["id"], {"trial_days": 7})["trial_days"] == 7
    order = buy([(plan["variant_id"], 1)])
    from commerce.subscriptions.services import subscribe_for_order

    [subscription] = subscribe_for_order(order.pk)
    got = client.get_subscription(subscription.pk)
    assert got["id"] == subscription.pk and got["status"] == "trialing" and got["order_id"] == order.pk
    assert client.cancel_subscription(subscription.pk, reason="Moved")["status"] == "cancelled"


def test_loyalty_orders_and_customers(store):
    from django.contrib.auth.hashers import make_password

    customer, _ = store.customer(make_password("not-used-pw-123"), email="noura@example.com", first_name="Noura")
    assert client.add_loyalty_points(customer.pk, 120, reason="course enrolment", idempotency_key="enrol-1")["balance"] == 120
    assert client.add_loyalty_points(customer.pk, 120, idempotency_key="enrol-1")["balance"] == 120  # replayed
    assert client.redeem_loyalty_points(customer.pk, 20)["balance"] == 100
    assert client.get_loyalty_balance(customer.pk)["balance"] == 100
    assert client.get_customer(customer.pk)["email"] == "noura@example.com"
    assert client.list_customers({"q": "noura"})["count"] == 1

    product = client.create_product(product_data(metadata={"cms_poi_id": "poi_x", "cms_id": "doc_2"}, kind="digital"))
    order = buy([(product["variants"][0]["id"], 2)])
    found = client.list_orders_by_metadata({"cms_poi_id": "poi_x"})
    assert found["count"] == 1 and found["results"][0]["id"] == order.pk
    assert client.list_orders_by_metadata({"cms_poi_ids": "poi_x"})["count"] == 1
    assert client.get_order(order.pk)["totals"]["total"] == "42.55"
    from commerce.payments.services import capture_payment

    capture_payment(order.pk)
    refunded = client.refund_order(order.pk, Decimal("10.00"), idempotency_key="refund-1")
    assert refunded["totals"]["refunded_total"] == "10.00"


def test_the_storefront_read_and_the_key_check(store):
    client.create_product(product_data(title="Visible", handle="visible"))
    client.create_product(product_data(title="Draft", handle="draft", status="draft",
                                       variants=[{"sku": "D-1", "prices": [{"currency_code": "SAR", "amount": "1"}]}]))
    assert [p["handle"] for p in client.store_products()] == ["visible"]
    assert client.store_products(ids_or_handles=["draft"]) == []
    assert client.sales_channel_for_key("pk_unknown") is None
    assert client.sales_channel_for_key(store.key) is not None


def _imports(path: pathlib.Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_content_reaches_commerce_only_through_the_client():
    """No content module imports commerce — but the client, and it only commerce's services and
    query modules, never a `models` module."""
    offenders = {}
    for path in CONTENT.rglob("*.py"):
        commerce = {name for name in _imports(path) if name == "commerce" or name.startswith("commerce.")}
        if path.name == "commerce_client.py":
            commerce = {name for name in commerce if name.endswith(".models")}
        if commerce:
            offenders[str(path.relative_to(CONTENT))] = sorted(commerce)
    assert offenders == {}
