"""The bookings module's outbox events, added to `commerce.events.CATALOG` (so `commerce.events.emit`
accepts them).

Slot events (`booking_slot.*`) describe the offer; the customer's booking — a reservation, the
seeds' `booking_id` — uses the seeds' names: `booking.created` starts the BookingLifecycle
workflow, and `booking.customer.checked_in`, `booking.completed`, `booking.no_show` and
`booking.cancelled` are the signals of seeds 003 §4.4 (keyed by the reservation id).
"""
from commerce import events

SLOT_CREATED = "booking_slot.created"
SLOT_UPDATED = "booking_slot.updated"
SLOT_CANCELLED = "booking_slot.cancelled"
BOOKING_CREATED = "booking.created"
BOOKING_CONFIRMED = "booking.confirmed"
BOOKING_CHECKED_IN = "booking.customer.checked_in"
BOOKING_COMPLETED = "booking.completed"
BOOKING_NO_SHOW = "booking.no_show"
BOOKING_CANCELLED = "booking.cancelled"
BOOKING_NO_SHOW_FEE = "booking.no_show_fee"
BOOKING_SEATS_RELEASED = "booking.seats_released"

_SLOT = ("booking_id, cms_id, title, provider_name, service, starts_at, ends_at, capacity, price, no_show_fee, "
         "currency_code, "
         "status, product_id, variant_id, metadata")
_RESERVATION = ("booking_id (the reservation), slot_id, order_id, line_item_id, customer_id, email, seats, status, "
                "service_product_id, provider_name, scheduled_at, start_time, end_time, price, currency_code, "
                "metadata")

events.CATALOG.update({
    SLOT_CREATED: events.EventSpec("booking_slot", _SLOT),
    SLOT_UPDATED: events.EventSpec("booking_slot", _SLOT + ", changes [field names]"),
    SLOT_CANCELLED: events.EventSpec("booking_slot", _SLOT + ", reason, cancelled_reservations [ids]"),
    BOOKING_CREATED: events.EventSpec("booking", _RESERVATION),
    BOOKING_CONFIRMED: events.EventSpec("booking", _RESERVATION),
    BOOKING_CHECKED_IN: events.EventSpec("booking", _RESERVATION + ", checked_in_at"),
    BOOKING_COMPLETED: events.EventSpec("booking", _RESERVATION + ", completed_at"),
    BOOKING_NO_SHOW: events.EventSpec("booking", _RESERVATION + ", marked_at, seats_released"),
    BOOKING_CANCELLED: events.EventSpec("booking", _RESERVATION + ", cancelled_by, cancellation_reason, "
                                                                  "seats_released"),
    BOOKING_NO_SHOW_FEE: events.EventSpec("booking", _RESERVATION + ", fee, fee_status (charged / declined / "
                                                                    "no_card), payment_intent_id, decline_code"),
    BOOKING_SEATS_RELEASED: events.EventSpec("booking", _RESERVATION + ", seats_released (the slot's seats given "
                                                                       "back, for its waitlist)"),
})
