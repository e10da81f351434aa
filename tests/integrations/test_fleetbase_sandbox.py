"""The Fleetbase sandbox moves deliveries along over time and sends Fleetbase's webhooks, which
become the delivery signals of seeds 003 §4.4 in the tenant's outbox."""
import time

import pytest
from django.core.management import call_command

from integrations import errors
from integrations.fleetbase.sandbox import FleetbaseSandbox
from integrations.tasks import sandbox_tick
from tests.integrations.conftest import deliver, outbox_for

pytestmark = pytest.mark.django_db

SHOP = {"name": "Souq Al-Zal", "street1": "King Faisal Rd", "city": "Riyadh", "country": "SA",
        "latitude": 24.6333, "longitude": 46.7167}
HOME = {"name": "Layla Haddad", "street1": "Olaya St 12", "city": "Riyadh", "country": "SA",
        "latitude": 24.6995, "longitude": 46.6837}


@pytest.fixture
def fleet():
    return FleetbaseSandbox()


def _order(fleet, request, **extra):
    return fleet.create_delivery_order(pickup=SHOP, dropoff=HOME, idempotency_key=f"del-{request.node.name}",
                                       packages=[{"name": "Dates 1kg", "sku": "DATES-1", "quantity": 2}], **extra)


def test_orders_look_like_fleetbase_orders_and_carry_the_tenant(fleet, request, alpha):
    order = _order(fleet, request, pod_required=True, pod_method="signature")
    assert order["id"].startswith("order_") and order["status"] == "created"
    assert order["internal_id"] == f"del-{request.node.name}"
    assert order["meta"]["cityos_tenant"] == "alpha"
    assert order["payload"]["pickup"]["location"] == {"type": "Point", "coordinates": [46.7167, 24.6333]}
    assert order["payload"]["entities"][0]["meta"]["quantity"] == 2
    assert order["tracking_number"]["tracking_number"].startswith("SBX")
    assert _order(fleet, request, pod_required=True, pod_method="signature")["id"] == order["id"]  # idempotent


def test_places_need_coordinates(fleet, request):
    with pytest.raises(errors.SchemaValidationError, match="dropoff needs numeric latitude"):
        fleet.create_delivery_order(pickup=SHOP, dropoff={"name": "x", "street1": "somewhere"}, packages=[],
                                    idempotency_key=request.node.name)


def test_quotes_price_by_distance_and_refuse_far_drop_offs(fleet):
    quote = fleet.get_service_quote(pickup=SHOP, dropoff=HOME, currency="sar")
    assert quote["id"].startswith("quote_") and quote["currency"] == "SAR"
    assert quote["amount_minor"] > 1200 and str(quote["amount"]) == f"{quote['amount_minor'] / 100:.2f}"
    with pytest.raises(errors.DeliveryZoneUnavailableError):
        fleet.get_service_quote(pickup=SHOP, dropoff={**HOME, "latitude": 21.4858, "longitude": 39.1925},
                                currency="SAR")


def test_dispatch_without_a_driver_needs_an_ad_hoc_order(fleet, request):
    order = _order(fleet, request, adhoc=False)
    with pytest.raises(errors.InvalidArgumentError, match="No driver assigned"):
        fleet.dispatch_order(order["id"], idempotency_key=f"d-{request.node.name}")
    fleet.assign_driver(order["id"], "driver_sbx002", idempotency_key=f"a-{request.node.name}")
    assert fleet.dispatch_order(order["id"], idempotency_key=f"d2-{request.node.name}")["status"] == "dispatched"


def test_a_delivery_runs_its_course_and_every_step_becomes_a_signal(fleet, request, alpha, settings):
    settings.SANDBOX_DELIVERY_STEP_SECONDS = 0
    order = _order(fleet, request, pod_required=True, pod_method="photo")
    fleet.dispatch_order(order["id"], idempotency_key=f"d-{request.node.name}")
    for _ in range(4):  # driver assigned → started → enroute → completed, one beat tick each
        time.sleep(0.01)
        assert order["id"] in fleet.advance_due()
        deliver("fleetbase")
    assert fleet.get_order(order["id"])["status"] == "completed"
    assert order["id"] not in fleet.advance_due()

    events = outbox_for(order["id"])
    assert [e.event_type for e in events] == [
        "delivery.order.dispatched", "delivery.driver.assigned", "delivery.order.picked_up",
        "delivery.order.in_transit", "delivery.order.delivered", "delivery.proof.submitted"]
    assert {e.aggregate_type for e in events} == {"delivery_order"} and {e.tenant_id for e in events} == {"alpha"}
    assigned, picked_up, in_transit, delivered, proof = (e.payload for e in events[1:])
    assert assigned["driver_id"].startswith("driver_sbx") and assigned["driver_name"]
    assert assigned["vehicle_plate"] and assigned["driver_phone"].startswith("+966")
    assert picked_up["pickup_location"] == {"lat": 24.6333, "lng": 46.7167}
    assert in_transit["current_position"]["lat"] == pytest.approx((24.6333 + 24.6995) / 2)
    assert delivered["delivery_location"] == {"lat": 24.6995, "lng": 46.6837}
    assert delivered["delivered_at"].endswith("Z") and delivered["recipient_name"] == "Layla Haddad"
    assert proof["proof_type"] == "photo" and proof["verified"] is True


def test_the_beat_tick_advances_due_deliveries_and_delivers_their_webhooks(fleet, request, alpha, settings):
    settings.SANDBOX_DELIVERY_STEP_SECONDS = 0
    order = _order(fleet, request)
    fleet.dispatch_order(order["id"], idempotency_key=f"d-{request.node.name}")
    time.sleep(0.01)
    result = sandbox_tick.run()
    assert result["deliveries_advanced"] >= 1 and result["webhooks_delivered"] >= 2
    assert [e.event_type for e in outbox_for(order["id"])] == ["delivery.order.dispatched", "delivery.driver.assigned"]


def test_a_failed_delivery_is_a_failure_signal(fleet, request, alpha):
    order = _order(fleet, request)
    fleet.dispatch_order(order["id"], idempotency_key=f"d-{request.node.name}")
    fleet.advance(order["id"])
    fleet.fail(order["id"], "address_not_found", "gate closed")
    deliver("fleetbase")
    failed = outbox_for(order["id"])[-1]
    assert failed.event_type == "delivery.order.failed"
    assert failed.payload["failure_reason"] == "address_not_found" and failed.payload["notes"] == "gate closed"
    assert failed.payload["retry_eligible"] is False


def test_cancelling_is_idempotent_and_final(fleet, request, alpha):
    order = _order(fleet, request)
    assert fleet.cancel_order(order["id"], idempotency_key=f"c-{request.node.name}")["status"] == "canceled"
    assert fleet.cancel_order(order["id"], idempotency_key=f"c2-{request.node.name}")["status"] == "canceled"
    assert fleet.dispatch_order(order["id"], idempotency_key=f"d-{request.node.name}")["status"] == "canceled"
    assert fleet.advance(order["id"])["status"] == "canceled"
    deliver("fleetbase")
    assert [e.event_type for e in outbox_for(order["id"])] == ["delivery.order.canceled"]


def test_the_sandbox_command_drives_a_delivery(fleet, request, alpha, capsys):
    order = _order(fleet, request)
    fleet.dispatch_order(order["id"], idempotency_key=f"d-{request.node.name}")
    call_command("integrations_sandbox", "delivery", "advance", order["id"])
    out = capsys.readouterr().out
    assert "Delivered" in out and '"driver_id": "driver_sbx' in out
