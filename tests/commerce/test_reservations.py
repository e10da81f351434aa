"""Reservation holds: taken at checkout start, released when they expire (beat job) or the
payment is declined, moved to the order at placement."""
from datetime import timedelta

from django.utils import timezone

from cityos.tasks import TENANT_HEADER
from commerce.inventory import services as inventory
from commerce.inventory.models import InventoryLevel, ReservationHold
from commerce.inventory.tasks import release_expired_reservations
from tests.commerce.conftest import VISA


def level(variant):
    return InventoryLevel.objects.get(item_id=variant.inventory_item_id)


def test_expired_checkout_holds_are_released_and_fresh_ones_kept(store_a):
    stale = store_a.variant(store_a.product(stock=5))
    fresh = store_a.variant(store_a.product(stock=5))
    stale_cart = store_a.ready_cart(stale, 2)
    fresh_cart = store_a.ready_cart(fresh, 3)
    for cart_id in (stale_cart, fresh_cart):
        assert store_a.post(f"/store/carts/{cart_id}/payment-sessions", {"provider": "sandbox"}).status_code == 200
    ReservationHold.objects.filter(cart_id=stale_cart).update(expires_at=timezone.now() - timedelta(seconds=1))

    # the beat job's task, run as the fan-out runs it: inside the tenant's schema
    result = release_expired_reservations.apply(headers={TENANT_HEADER: store_a.tenant.schema_name})
    assert result.get() == 2
    store_a.use()
    assert level(stale).reserved_quantity == 0 and not ReservationHold.objects.filter(cart_id=stale_cart).exists()
    assert level(fresh).reserved_quantity == 3
    assert inventory.release_expired() == 0


def test_an_expired_hold_is_taken_again_at_completion_when_stock_allows(store_a):
    variant = store_a.variant(store_a.product(stock=2))
    cart_id = store_a.ready_cart(variant, 2)
    store_a.post(f"/store/carts/{cart_id}/payment-sessions", {"provider": "sandbox"})
    ReservationHold.objects.filter(cart_id=cart_id).update(expires_at=timezone.now() - timedelta(seconds=1))
    inventory.release_expired()
    response = store_a.post(f"/store/carts/{cart_id}/complete", {"payment_method": VISA})
    assert response.status_code == 201
    assert level(variant).reserved_quantity == 2


def test_someone_else_may_buy_stock_whose_hold_expired(store_a):
    variant = store_a.variant(store_a.product(stock=1))
    slow = store_a.ready_cart(variant)
    quick = store_a.ready_cart(variant)
    store_a.post(f"/store/carts/{slow}/payment-sessions", {"provider": "sandbox"})
    blocked = store_a.post(f"/store/carts/{quick}/complete", {"payment_method": VISA})
    assert blocked.status_code == 409  # the slow shopper's hold still counts
    ReservationHold.objects.filter(cart_id=slow).update(expires_at=timezone.now() - timedelta(seconds=1))
    inventory.release_expired()
    assert store_a.post(f"/store/carts/{quick}/complete", {"payment_method": VISA}).status_code == 201
    late = store_a.post(f"/store/carts/{slow}/complete", {"payment_method": VISA})
    assert late.status_code == 409 and late.json()["error"]["code"] == "insufficient_inventory"


def test_stock_is_spread_over_locations_default_first(store_a):
    variant = store_a.variant(store_a.product(stock=1))
    other = inventory.create_location(name="Overflow")
    inventory.set_stock(variant.inventory_item, 5, location_id=other.pk)
    cart_id = store_a.ready_cart(variant, 3)
    assert store_a.post(f"/store/carts/{cart_id}/complete", {"payment_method": VISA}).status_code == 201
    levels = {lv.location.is_default: lv.reserved_quantity for lv in
              InventoryLevel.objects.filter(item_id=variant.inventory_item_id).select_related("location")}
    assert levels == {True: 1, False: 2}


def test_the_operators_command_releases_expired_holds(store_a):
    from io import StringIO

    from django.core.management import call_command

    variant = store_a.variant(store_a.product(stock=3))
    cart_id = store_a.ready_cart(variant, 2)
    store_a.post(f"/store/carts/{cart_id}/payment-sessions", {"provider": "sandbox"})
    ReservationHold.objects.filter(cart_id=cart_id).update(expires_at=timezone.now() - timedelta(seconds=1))
    out = StringIO()
    call_command("release_reservations", schema=store_a.tenant.schema_name, stdout=out)
    store_a.use()
    assert "released 2 unit(s)" in out.getvalue()
    assert level(variant).reserved_quantity == 0
