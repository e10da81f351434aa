"""Bookings: slots sold through the normal checkout (their seats are stock), the reservations
orders create, the reservation lifecycle, no-shows freeing seats, the admin API and admin."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cityos.errors import Conflict, InvalidInput
from commerce.bookings import services
from commerce.bookings.models import Booking, Reservation
from commerce.inventory.services import available_quantities
from commerce.orders.services import cancel_order
from tests.commerce.conftest import VISA
from workflows.models import EventOutbox

D = Decimal


def slot(**fields) -> Booking:
    data = {"title": "GP consultation", "starts_at": timezone.now() + timedelta(days=2), "duration_minutes": 20,
            "capacity": 2, "price": D("250"), "currency_code": "SAR", "provider_name": "Dr. Layla Haddad",
            "service": "Family medicine", "metadata": {"cms_poi_id": "poi_test_clinic"}}
    return services.create_booking({**data, **fields})


def seats_left(booking) -> int:
    variant = booking.product.variants.get()
    return available_quantities([variant.inventory_item_id])[variant.inventory_item_id]


def book(store, booking, seats=1, email="patient@example.com"):
    """A checkout of the slot's product (no shipping: a booking), then its reservations."""
    variant = booking.product.variants.get()
    cart = store.post("/store/carts", {"email": email, "items": [{"variant_id": variant.pk, "quantity": seats}]})
    assert cart.status_code == 201, cart.json()
    cart_id = cart.json()["id"]
    assert store.post(f"/store/carts/{cart_id}/payment-sessions", {"provider": "sandbox"}).status_code == 200
    placed = store.post(f"/store/carts/{cart_id}/complete", {"payment_method": VISA, "provider": "sandbox"})
    assert placed.status_code == 201, placed.json()
    order_id = placed.json()["order"]["id"]
    return order_id, services.reserve_for_order(order_id)


def test_a_slot_is_a_bookable_product_whose_seats_are_its_stock(store_a):
    booking = slot()
    assert booking.ends_at == booking.starts_at + timedelta(minutes=20) and booking.status == "open"
    product = booking.product
    assert (product.kind, product.status, product.metadata["booking_id"]) == ("booking", "published", booking.pk)
    assert product.variants.get().prices.get().amount == D("250.00")
    assert seats_left(booking) == 2
    assert EventOutbox.objects.filter(event_type="booking_slot.created", aggregate_id=booking.pk).count() == 1
    listed = store_a.get("/store/products", kind="booking").json()
    assert booking.product_id in [row["id"] for row in listed["results"]]


def test_booking_through_checkout_creates_a_reservation_and_holds_the_seats(store_a):
    booking = slot(capacity=3)
    order_id, [reservation] = book(store_a, booking, seats=2)
    assert (reservation.status, reservation.seats, reservation.amount) == ("pending", 2, D("575.00"))
    assert reservation.order_id == order_id and reservation.metadata == {"cms_poi_id": "poi_test_clinic"}
    assert seats_left(booking) == 1
    assert services.reserve_for_order(order_id) == []  # recorded once
    event = EventOutbox.objects.get(event_type="booking.created", aggregate_id=reservation.pk)
    assert event.payload["slot_id"] == booking.pk and event.payload["service_product_id"] == booking.product_id


def test_a_full_slot_cannot_be_overbooked(store_a):
    booking = slot(capacity=1)
    book(store_a, booking)
    variant = booking.product.variants.get()
    cart = store_a.post("/store/carts", {"email": "late@example.com", "items": [{"variant_id": variant.pk, "quantity": 1}]})
    assert cart.status_code == 409 and cart.json()["error"]["code"] == "insufficient_inventory"


def test_the_reservation_lifecycle(store_a):
    booking = slot()
    _, [reservation] = book(store_a, booking)
    assert services.confirm_reservation(reservation.pk).status == "confirmed"
    assert services.check_in(reservation.pk).status == "checked_in"
    with pytest.raises(Conflict) as refused:
        services.cancel_reservation(reservation.pk)
    assert refused.value.code == "reservation_invalid_transition"
    assert services.complete_reservation(reservation.pk).status == "completed"
    types = list(EventOutbox.objects.filter(aggregate_id=reservation.pk).values_list("event_type", flat=True))
    assert types == ["booking.created", "booking.confirmed", "booking.customer.checked_in", "booking.completed"]


def test_overdue_reservations_become_no_shows_and_free_their_seats(store_a):
    booking = slot(capacity=2)
    _, [late] = book(store_a, booking)
    _, [on_time] = book(store_a, booking, email="ontime@example.com")
    services.check_in(on_time.pk)
    assert seats_left(booking) == 0
    with pytest.raises(Conflict) as early:
        services.mark_no_show(late.pk)
    assert early.value.code == "reservation_not_overdue"

    after_start = booking.starts_at + timedelta(minutes=45)
    assert list(services.overdue_reservations(now=after_start)) == [late]
    assert list(services.overdue_reservations(now=booking.starts_at + timedelta(minutes=10))) == []
    marked = services.mark_no_show(late.pk, now=after_start)
    assert (marked.status, marked.seats_released) == ("no_show", True)
    assert seats_left(booking) == 1
    assert services.mark_no_show(late.pk, now=after_start).status == "no_show"  # again: nothing more
    assert seats_left(booking) == 1
    event = EventOutbox.objects.get(event_type="booking.no_show", aggregate_id=late.pk)
    assert event.payload["seats_released"] == 1
    assert list(services.overdue_reservations(now=after_start)) == []


def test_cancelling_a_slot_cancels_its_open_reservations(store_a):
    booking = slot(capacity=2)
    _, [reservation] = book(store_a, booking)
    services.cancel_booking(booking.pk, reason="The doctor is away.")
    booking.refresh_from_db()
    reservation.refresh_from_db()
    assert booking.status == "cancelled" and booking.product.status == "archived"
    assert reservation.status == "cancelled" and reservation.cancel_reason == "The doctor is away."
    assert services.cancel_booking(booking.pk).cancelled_at == booking.cancelled_at  # idempotent
    reopened = services.update_booking(booking.pk, {"status": "open"})
    assert reopened.status == "open" and reopened.product.status == "published"
    assert Reservation.objects.get(pk=reservation.pk).status == "cancelled"


def test_a_cancelled_order_cancels_its_reservations(store_a):
    booking = slot(capacity=2)
    order_id, [reservation] = book(store_a, booking)
    cancel_order(order_id)
    [cancelled] = services.cancel_for_order(order_id)
    assert cancelled.pk == reservation.pk and cancelled.status == "cancelled"
    assert seats_left(booking) == 2


def test_updating_a_slot_moves_its_product(store_a):
    booking = slot(capacity=2)
    updated = services.update_booking(booking.pk, {"price": D("300"), "capacity": 5, "title": "Long consultation"})
    assert updated.product.title == "Long consultation"
    assert updated.product.variants.get().prices.get().amount == D("300.00")
    assert seats_left(updated) == 5
    events = EventOutbox.objects.filter(event_type="booking_slot.updated", aggregate_id=booking.pk)
    assert events.get().payload["changes"] == ["capacity", "price", "title"]
    assert services.update_booking(booking.pk, {"capacity": 5}) and events.count() == 1  # no change, no event


def test_bad_slots_are_refused_with_field_details(store_a):
    with pytest.raises(InvalidInput) as bad:
        services.create_booking({"title": "", "starts_at": "tomorrow", "capacity": 0, "price": "-1",
                                 "currency_code": "riyal", "duration_minutes": 2})
    assert set(bad.value.fields) == {"title", "starts_at", "capacity", "price", "currency_code", "duration_minutes"}
    booking = slot(cms_id="appt_1")
    with pytest.raises(Conflict):
        slot(cms_id="appt_1")
    assert services.find_by_cms_id("appt_1") == booking


# ----- admin API and admin -------------------------------------------------------------------
def test_the_admin_api_manages_slots_and_reservations(store_a, client_a, admin_token_headers):
    starts = (timezone.now() + timedelta(days=3)).isoformat()
    created = client_a.post("/admin/api/bookings", {
        "title": "Physiotherapy", "starts_at": starts, "duration_minutes": 45, "capacity": 4, "price": "180",
        "currency_code": "SAR", "metadata": {"cms_poi_id": "poi_physio"}}, format="json", **admin_token_headers)
    assert created.status_code == 201, created.json()
    booking = created.json()
    assert (booking["price"], booking["capacity"], booking["seats_booked"]) == ("180.00", 4, 0)
    store_a.use()
    _, [reservation] = book(store_a, Booking.objects.get(pk=booking["id"]))
    listed = client_a.get("/admin/api/bookings", {"poi_id": "poi_physio"}, **admin_token_headers).json()
    assert listed["count"] == 1 and listed["results"][0]["seats_booked"] == 1
    patched = client_a.patch(f"/admin/api/bookings/{booking['id']}", {"capacity": 6}, format="json",
                             **admin_token_headers)
    assert patched.status_code == 200 and patched.json()["capacity"] == 6
    of_slot = client_a.get(f"/admin/api/bookings/{booking['id']}/reservations", **admin_token_headers).json()
    assert [row["id"] for row in of_slot["results"]] == [reservation.pk]
    confirmed = client_a.post(f"/admin/api/reservations/{reservation.pk}/confirm", **admin_token_headers)
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    too_early = client_a.post(f"/admin/api/reservations/{reservation.pk}/no-show", **admin_token_headers)
    assert too_early.status_code == 409 and too_early.json()["error"]["code"] == "reservation_not_overdue"
    cancelled = client_a.post(f"/admin/api/reservations/{reservation.pk}/cancel", {"reason": "Sick"}, format="json",
                              **admin_token_headers)
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["seats_released"] is True
    gone = client_a.delete(f"/admin/api/bookings/{booking['id']}", **admin_token_headers)
    assert gone.status_code == 204
    assert client_a.get(f"/admin/api/bookings/{booking['id']}", **admin_token_headers).json()["status"] == "cancelled"


def test_the_admin_api_refuses_bad_input_and_strangers(store_a, client_a, admin_token_headers):
    bad = client_a.post("/admin/api/bookings", {"title": "X", "price": "-5", "currency_code": "SAR"}, format="json",
                        **admin_token_headers)
    assert bad.status_code == 400 and {"starts_at", "price"} <= set(bad.json()["error"]["fields"])
    assert client_a.get("/admin/api/bookings").status_code == 401
    assert client_a.get("/admin/api/reservations", **admin_token_headers).status_code == 200


def test_the_overdue_filter_lists_no_show_candidates(store_a, client_a, admin_token_headers):
    booking = slot(starts_at=timezone.now() + timedelta(minutes=5))
    _, [reservation] = book(store_a, booking)
    Booking.objects.filter(pk=booking.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    overdue = client_a.get("/admin/api/reservations", {"overdue": "true"}, **admin_token_headers).json()
    assert [row["id"] for row in overdue["results"]] == [reservation.pk]


def test_slots_are_added_and_changed_in_the_django_admin(store_a, client_a):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("slots-admin", "slots@example.com", "not-used-pw-123")
    client_a.force_login(admin)
    starts = timezone.localtime(timezone.now() + timedelta(days=4))
    response = client_a.post("/django-admin/bookings/booking/add/", {
        "title": "Dental check-up", "description": "", "provider_name": "Dr. Omar", "provider_id": "", "service": "Dental",
        "mode": "in_person", "location": "", "starts_at_0": starts.strftime("%Y-%m-%d"),
        "starts_at_1": starts.strftime("%H:%M:%S"), "duration_minutes": 30, "capacity": 2, "price": "150",
        "no_show_fee": "25", "currency_code": "SAR", "reservations-TOTAL_FORMS": 0, "reservations-INITIAL_FORMS": 0})
    assert response.status_code == 302, response.content[:2000]
    store_a.use()
    booking = Booking.objects.get(title="Dental check-up")
    assert booking.product.kind == "booking" and seats_left(booking) == 2 and booking.no_show_fee == Decimal("25")
