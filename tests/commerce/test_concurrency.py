"""Real concurrent transactions: many shoppers racing for the last units, one cart completed at once
from several tabs. Each thread has its own database connection; all writes commit (`live_db`)."""
import threading
from collections import Counter

import pytest
from django.db import connections
from django.utils import timezone

from commerce.carts import services as carts
from commerce.catalog import services as catalog
from commerce.inventory.models import InventoryLevel, ReservationHold
from commerce.orders.models import Order
from commerce.regions.services import default_sales_channel
from commerce.shipping.services import save_option
from tests.commerce.conftest import ADDRESS, VISA, publishable_key, unique
from tests.support.tenants import host_client, in_tenant

pytestmark = pytest.mark.slow


def _race(callables):
    """Run the callables at the same moment, one thread each; return their results in order."""
    barrier = threading.Barrier(len(callables))
    results = [None] * len(callables)

    def run(index, call):
        try:
            barrier.wait(timeout=60)
            results[index] = call()
        except Exception as exc:  # reported by the test's assertions
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(callables)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def _checkout_fixture(tenant, stock: int, carts_wanted: int):
    with in_tenant(tenant):
        product = catalog.create_product({"title": unique("Last units"), "status": "published", "variants": [
            {"sku": unique("RACE"), "prices": [{"currency_code": "SAR", "amount": "50.00"}], "inventory_quantity": stock}]})
        variant = product.variants.get()
        option = save_option({"region_id": carts.regions.default_region().pk, "name": "Race", "code": unique("race"),
                              "rates": [{"amount": "10.00"}]})
        channel = default_sales_channel().pk
        cart_ids = []
        for n in range(carts_wanted):
            cart = carts.create_cart(sales_channel_id=channel, email=f"racer{n}@example.com", shipping_address=ADDRESS,
                                     items=[{"variant_id": variant.pk, "quantity": 1}])
            carts.add_shipping_method(cart.id, option.pk)
            cart_ids.append(cart.id)
    return variant, cart_ids


def _complete_call(tenant, key, cart_id):
    def call():
        client = host_client(f"{tenant.slug}.localhost", HTTP_X_PUBLISHABLE_API_KEY=key)
        response = client.post(f"/store/carts/{cart_id}/complete", {"payment_method": VISA}, format="json")
        return response.status_code, response.json()
    return call


def test_fifty_checkouts_racing_for_ten_units_place_exactly_ten_orders(live_db, tenant_a):
    variant, cart_ids = _checkout_fixture(tenant_a, stock=10, carts_wanted=50)
    key = publishable_key(tenant_a)
    started = timezone.now()
    results = _race([_complete_call(tenant_a, key, cart_id) for cart_id in cart_ids])

    statuses = Counter(r[0] if isinstance(r, tuple) else repr(r) for r in results)
    assert statuses == {201: 10, 409: 40}, statuses
    assert {r[1]["error"]["code"] for r in results if r[0] == 409} == {"insufficient_inventory"}
    with in_tenant(tenant_a):
        assert Order.objects.filter(cart_id__in=cart_ids).count() == 10
        level = InventoryLevel.objects.get(item_id=variant.inventory_item_id)
        assert (level.stocked_quantity, level.reserved_quantity) == (10, 10)
        assert ReservationHold.objects.filter(cart_id__in=cart_ids).count() == 0
        assert sum(ReservationHold.objects.filter(level=level).values_list("quantity", flat=True)) == 10
        assert Order.objects.filter(cart_id__in=cart_ids, created_at__gte=started).count() == 10


def test_one_cart_completed_from_several_tabs_at_once_places_one_order(live_db, tenant_a):
    from integrations.stripe.sandbox import StripeSandbox

    variant, (cart_id,) = _checkout_fixture(tenant_a, stock=5, carts_wanted=1)
    key = publishable_key(tenant_a)
    results = _race([_complete_call(tenant_a, key, cart_id) for _ in range(5)])

    assert all(isinstance(r, tuple) and r[0] in (200, 201) for r in results), results
    assert [r[0] for r in results].count(201) == 1
    assert len({r[1]["order"]["id"] for r in results}) == 1
    with in_tenant(tenant_a):
        assert Order.objects.filter(cart_id=cart_id).count() == 1
        assert InventoryLevel.objects.get(item_id=variant.inventory_item_id).reserved_quantity == 1
    calls = StripeSandbox().store.calls("create_payment_intent").filter(idempotency_key__startswith=cart_id)
    assert calls.filter(replayed=False).count() == 1
