"""No-show fees: the slot's fee charged once to the card the booking was paid with; a declined
card or a booking paid without a card is recorded, not raised; seats given back in a step of their own."""
from datetime import timedelta
from decimal import Decimal

import pytest

from cityos.errors import Conflict
from commerce.bookings import services
from commerce.payments.models import Payment
from integrations.models import SandboxObject
from tests.commerce.bookings.test_bookings import book, seats_left, slot
from workflows.models import EventOutbox

D = Decimal


def no_show(store, booking, **book_options):
    _, [reservation] = book(store, booking, **book_options)
    return services.mark_no_show(reservation.pk, now=booking.starts_at + timedelta(minutes=45), release_seats=False)


def fee_intents(reservation_id: str) -> list[dict]:
    return [row.data for row in SandboxObject.objects.using("sandbox").filter(system="stripe", kind="payment_intent")
            if (row.data.get("metadata") or {}).get("reservation_id") == reservation_id]


def test_the_fee_is_charged_once_to_the_bookings_card(store_a):
    booking = slot(no_show_fee=D("50.005"))
    assert booking.no_show_fee == D("50.01")  # half-up to the currency's minor unit
    reservation = no_show(store_a, booking)

    charged = services.charge_no_show_fee(reservation.pk, idempotency_key=f"test:{reservation.pk}:fee")
    assert (charged.no_show_fee_status, charged.no_show_fee) == ("charged", D("50.01"))
    [intent] = fee_intents(reservation.pk)
    assert (intent["id"], intent["amount"], intent["status"]) == (charged.no_show_fee_intent_id, 5001, "succeeded")
    assert intent["payment_method"] == Payment.objects.get(order_id=reservation.order_id).data["payment_method"]

    again = services.charge_no_show_fee(reservation.pk, idempotency_key=f"test:{reservation.pk}:fee:2")
    assert again.no_show_fee_intent_id == charged.no_show_fee_intent_id and len(fee_intents(reservation.pk)) == 1
    event = EventOutbox.objects.get(event_type="booking.no_show_fee", aggregate_id=reservation.pk)
    assert (event.payload["fee"], event.payload["fee_status"]) == ("50.01", "charged")


def test_a_declined_card_is_recorded_and_not_charged_again(store_a):
    reservation = no_show(store_a, slot(no_show_fee=D("30")))
    Payment.objects.filter(order_id=reservation.order_id).update(data={"payment_method": "pm_card_chargeDeclined"})
    declined = services.charge_no_show_fee(reservation.pk, idempotency_key=f"test:{reservation.pk}:fee")
    assert (declined.no_show_fee_status, declined.no_show_fee, declined.no_show_fee_intent_id) == ("declined", 0, "")
    event = EventOutbox.objects.get(event_type="booking.no_show_fee", aggregate_id=reservation.pk)
    assert event.payload["decline_code"] == "generic_decline"
    services.charge_no_show_fee(reservation.pk, idempotency_key=f"test:{reservation.pk}:fee:2")
    assert EventOutbox.objects.filter(event_type="booking.no_show_fee", aggregate_id=reservation.pk).count() == 1


def test_no_fee_without_a_fee_or_without_a_card(store_a):
    free = no_show(store_a, slot())
    assert services.charge_no_show_fee(free.pk, idempotency_key="k1").no_show_fee_status == ""
    unpaid = no_show(store_a, slot(price=D("0"), no_show_fee=D("20")), email="free@example.com")
    assert services.charge_no_show_fee(unpaid.pk, idempotency_key="k2").no_show_fee_status == "no_card"
    assert not EventOutbox.objects.filter(event_type="booking.no_show_fee", aggregate_id=free.pk).exists()


def test_only_a_no_show_is_charged(store_a):
    _, [reservation] = book(store_a, slot(no_show_fee=D("10")))
    with pytest.raises(Conflict) as refused:
        services.charge_no_show_fee(reservation.pk, idempotency_key="k")
    assert refused.value.code == "reservation_invalid_transition"


def test_seats_of_a_no_show_are_released_once_and_the_waitlist_told(store_a):
    booking = slot(capacity=1)
    reservation = no_show(store_a, booking)
    assert seats_left(booking) == 0 and not reservation.seats_released
    assert services.release_seats(reservation.pk) == 1
    assert seats_left(booking) == 1
    assert services.release_seats(reservation.pk) == 0
    assert EventOutbox.objects.filter(event_type="booking.seats_released", aggregate_id=reservation.pk).count() == 1
