"""Booking slots and reservations: creating and changing slots, recording what customers booked,
and the reservation lifecycle (confirm, check in, complete, no-show, cancel).

Every change locks its row and writes its event in the same transaction. A slot's seats are the
stock of its product's variant, so checkout holds seats like any stock; a no-show or a cancelled
reservation gives them back (`free_seats`).
"""
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from cityos.errors import Conflict, InvalidInput
from cityos.money import fmt, round_money
from commerce import events as catalog_events
from commerce.bookings import events
from commerce.bookings.models import HOLDING, Booking, BookingStatus, NoShowFeeStatus, Reservation, ReservationStatus
from commerce.catalog import offers
from commerce.catalog.models import ProductStatus
from commerce.core.lookups import get_one
from commerce.inventory import services as inventory

SLOT_FIELDS = ("title", "description", "provider_name", "provider_id", "service", "mode", "location", "starts_at",
               "duration_minutes", "capacity", "price", "no_show_fee", "currency_code", "metadata")
NO_SHOW_GRACE_MINUTES = 30


# -- validation ------------------------------------------------------------------------------------

def _clean(data: dict, *, partial: bool) -> dict:
    """The slot fields of `data`, checked (a full set unless `partial`)."""
    cleaned, errors = {}, {}
    required = () if partial else ("title", "starts_at", "currency_code")
    for name in required:
        if data.get(name) in (None, ""):
            errors[name] = ["This field is required."]
    for name in SLOT_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name == "title" and not str(value or "").strip():
            errors[name] = ["May not be blank."]
        elif name == "starts_at" and not (isinstance(value, datetime) and timezone.is_aware(value)):
            errors[name] = ["A date and time with its time zone."]
        elif name == "duration_minutes" and not (isinstance(value, int) and 5 <= value <= 1440):
            errors[name] = ["Between 5 and 1440 minutes."]
        elif name == "capacity" and not (isinstance(value, int) and not isinstance(value, bool) and value >= 1):
            errors[name] = ["At least 1."]
        elif name == "currency_code" and not (isinstance(value, str) and len(value) == 3 and value.isalpha()):
            errors[name] = ["A three-letter currency code such as SAR."]
        elif name in ("price", "no_show_fee"):
            try:
                value = Decimal(str(value))
                if not value.is_finite() or value < 0:
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                errors[name] = ["A decimal amount of 0 or more."]
        elif name == "metadata" and not isinstance(value, dict):
            errors[name] = ["An object."]
        cleaned[name] = value.upper() if name == "currency_code" and isinstance(value, str) else value
    if "status" in data and data["status"] not in (BookingStatus.DRAFT, BookingStatus.OPEN):
        errors["status"] = ["draft or open (cancel a slot with cancel_booking)."]
    if errors:
        raise InvalidInput("The booking slot is not valid.", fields=errors)
    return cleaned


# -- events ----------------------------------------------------------------------------------------

def slot_payload(booking: Booking) -> dict:
    variant = offers.offer_variant(booking.product) if booking.product_id else None
    return {
        "booking_id": booking.id, "cms_id": booking.cms_id, "title": booking.title,
        "provider_name": booking.provider_name, "service": booking.service,
        "starts_at": booking.starts_at.isoformat(), "ends_at": booking.ends_at.isoformat(),
        "capacity": booking.capacity, "price": fmt(booking.price, booking.currency_code),
        "no_show_fee": fmt(booking.no_show_fee, booking.currency_code), "currency_code": booking.currency_code,
        "status": booking.status, "product_id": booking.product_id,
        "variant_id": variant.id if variant else None, "metadata": booking.metadata,
    }


def reservation_payload(reservation: Reservation) -> dict:
    booking = reservation.booking
    return {
        "booking_id": reservation.id, "slot_id": booking.id, "order_id": reservation.order_id,
        "line_item_id": reservation.line_item_id, "customer_id": reservation.customer_id, "email": reservation.email,
        "seats": reservation.seats, "status": reservation.status, "service_product_id": booking.product_id,
        "provider_name": booking.provider_name, "scheduled_at": booking.starts_at.isoformat(),
        "start_time": booking.starts_at.isoformat(), "end_time": booking.ends_at.isoformat(),
        "price": fmt(reservation.amount, reservation.currency_code), "currency_code": reservation.currency_code,
        "metadata": booking.metadata,
    }


def _emit_reservation(event_type: str, reservation: Reservation, **extra) -> None:
    catalog_events.emit(event_type, reservation.id, {**reservation_payload(reservation), **extra})


# -- slots -----------------------------------------------------------------------------------------

def _product_status(status: str) -> str:
    return {BookingStatus.OPEN: ProductStatus.PUBLISHED, BookingStatus.DRAFT: ProductStatus.DRAFT}.get(
        status, ProductStatus.ARCHIVED)


def _offer_data(booking: Booking) -> dict:
    return {"title": booking.title, "description": booking.description, "price": booking.price,
            "currency_code": booking.currency_code, "quantity": booking.capacity,
            "subtitle": " · ".join(filter(None, [booking.provider_name, booking.service])),
            "status": _product_status(booking.status), "metadata": {**booking.metadata, "booking_id": booking.id}}


def get_booking(booking_id: str, *, lock: bool = False) -> Booking:
    return get_one(Booking.objects.select_related("product"), booking_id, lock=lock, what="booking",
                   code="booking_not_found")


def find_by_cms_id(cms_id: str) -> Booking | None:
    return Booking.objects.select_related("product").filter(cms_id=cms_id).first()


def list_bookings(*, status: str | None = None, poi_id: str | None = None, starts_after: datetime | None = None,
                  starts_before: datetime | None = None, q: str | None = None, cms_id: str | None = None):
    """Slots matching every filter, soonest first (a queryset); `poi_id` is the `cms_poi_id`."""
    queryset = Booking.objects.select_related("product")
    if status:
        queryset = queryset.filter(status=status)
    if poi_id:
        queryset = queryset.filter(metadata__contains={"cms_poi_id": poi_id})
    if starts_after:
        queryset = queryset.filter(starts_at__gte=starts_after)
    if starts_before:
        queryset = queryset.filter(starts_at__lt=starts_before)
    if cms_id:
        queryset = queryset.filter(cms_id=cms_id)
    if q:
        queryset = queryset.filter(Q(title__icontains=q) | Q(provider_name__icontains=q) | Q(service__icontains=q))
    return queryset.order_by("starts_at", "id")


@transaction.atomic
def create_booking(data: dict) -> Booking:
    """Offer a slot: `title`, `starts_at`, `duration_minutes`, `capacity`, `price`, `no_show_fee`, `currency_code`,
    `provider_name`, `service`, `mode`, `location`, `description`, `metadata`, `status` (open or
    draft), `cms_id` (unique: the CMS document it comes from), `handle` and `images` (its product)."""
    cleaned = _clean(data, partial=False)
    cms_id = data.get("cms_id") or None
    if cms_id and Booking.objects.filter(cms_id=cms_id).exists():
        raise Conflict(f"A booking for {cms_id} exists already.", code="booking_exists",
                       fields={"cms_id": ["Already pushed; update that booking."]})
    booking = Booking(cms_id=cms_id, status=data.get("status", BookingStatus.OPEN), **cleaned)
    booking.price = round_money(booking.price, booking.currency_code)
    booking.no_show_fee = round_money(booking.no_show_fee, booking.currency_code)
    booking.save()
    extra = {k: data[k] for k in ("handle", "images") if data.get(k)}
    booking.product = offers.create_offer({**_offer_data(booking), **extra}, kind="booking",
                                          sku=f"BKG-{booking.id.split('_', 1)[1]}")
    booking.save(update_fields=["product", "updated_at"])
    catalog_events.emit(events.SLOT_CREATED, booking.id, slot_payload(booking))
    return booking


@transaction.atomic
def update_booking(booking_id: str, data: dict) -> Booking:
    """Change a slot's fields (those of `create_booking`); `status: open` re-opens a cancelled slot
    (its cancelled reservations stay cancelled). Its product follows: title, price, seats, status."""
    booking = get_booking(booking_id, lock=True)
    cleaned = _clean(data, partial=True)
    for name in ("price", "no_show_fee"):
        if name in cleaned:
            cleaned[name] = round_money(cleaned[name], cleaned.get("currency_code", booking.currency_code))
    changes = [name for name, value in cleaned.items() if getattr(booking, name) != value]
    for name in changes:
        setattr(booking, name, cleaned[name])
    status = data.get("status")
    if status and status != booking.status:
        booking.status = status
        booking.cancelled_at, booking.cancel_reason = None, ""
        changes.append("status")
    if not changes:
        return booking
    booking.save()
    if booking.product_id:
        offers.update_offer(booking.product_id, _offer_data(booking))
        booking.product.refresh_from_db()
    catalog_events.emit(events.SLOT_UPDATED, booking.id, {**slot_payload(booking), "changes": sorted(changes)})
    return booking


@transaction.atomic
def cancel_booking(booking_id: str, *, reason: str = "") -> Booking:
    """Cancel a slot: it goes off sale (its product archived) and every reservation still pending
    or confirmed is cancelled, its seats given back. Cancelling again changes nothing."""
    booking = get_booking(booking_id, lock=True)
    if booking.status == BookingStatus.CANCELLED:
        return booking
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at, booking.cancel_reason = timezone.now(), reason[:300]
    booking.save()
    if booking.product_id:
        offers.update_offer(booking.product_id, {"status": ProductStatus.ARCHIVED})
        booking.product.refresh_from_db()
    cancelled = []
    for reservation in (booking.reservations.select_for_update()
                        .filter(status__in=(ReservationStatus.PENDING, ReservationStatus.CONFIRMED)).order_by("pk")):
        _cancel(reservation, by="provider", reason=reason or "The slot was cancelled.")
        cancelled.append(reservation.id)
    catalog_events.emit(events.SLOT_CANCELLED, booking.id, {**slot_payload(booking), "reason": reason,
                                                            "cancelled_reservations": cancelled})
    return booking


# -- reservations ----------------------------------------------------------------------------------

def get_reservation(reservation_id: str, *, lock: bool = False) -> Reservation:
    return get_one(Reservation.objects.select_related("booking"), reservation_id, lock=lock, what="reservation",
                   code="reservation_not_found")


def list_reservations(*, status: str | None = None, booking_id: str | None = None, order_id: str | None = None,
                      customer_id: str | None = None, email: str | None = None):
    queryset = Reservation.objects.select_related("booking")
    if status:
        queryset = queryset.filter(status=status)
    if booking_id:
        queryset = queryset.filter(booking_id=booking_id)
    if order_id:
        queryset = queryset.filter(order_id=order_id)
    if customer_id:
        queryset = queryset.filter(customer_id=customer_id)
    if email:
        queryset = queryset.filter(email=email.strip().lower())
    return queryset.order_by("-created_at")


@transaction.atomic
def reserve_for_order(order_id: str) -> list[Reservation]:
    """Record the reservations of a placed order: one per line that bought a booking slot.
    Idempotent — a line already recorded is skipped — so the order's workflow may run it again."""
    from commerce.orders.models import OrderStatus
    from commerce.orders.services import get_order

    order = get_order(order_id)
    if order.status == OrderStatus.CANCELED:
        return []
    lines = list(order.items.all())
    slots = {b.product_id: b for b in Booking.objects.filter(product_id__in=[line.product_id for line in lines])}
    created = []
    for line in lines:
        booking = slots.get(line.product_id)
        if booking is None:
            continue
        reservation, made = Reservation.objects.get_or_create(
            order_id=order.id, line_item_id=line.id,
            defaults={"booking": booking, "customer_id": order.customer_id, "email": order.email,
                      "seats": line.quantity, "amount": line.total, "currency_code": order.currency_code,
                      "metadata": {k: v for k, v in booking.metadata.items() if k.startswith("cms_")}})
        if made:
            _emit_reservation(events.BOOKING_CREATED, reservation)
            created.append(reservation)
    return created


def _require(reservation: Reservation, allowed: tuple, action: str) -> None:
    if reservation.status not in allowed:
        raise Conflict(f"A {reservation.get_status_display().lower()} reservation cannot be {action}.",
                       code="reservation_invalid_transition",
                       fields={"status": [f"Is {reservation.status}; must be {' or '.join(allowed)}."]})


def free_seats(reservation: Reservation) -> int:
    """Give the reservation's seats back to its slot: the order's stock hold is released, or —
    when the seats were already taken from stock by a fulfilment — put back. (Seats of a
    cancelled order came back with its cancellation.) Returns the seats freed."""
    from commerce.orders.models import OrderLineItem

    if reservation.seats_released:
        return 0
    reservation.seats_released = True
    released = inventory.release_holds(order_id=reservation.order_id, line_item_id=reservation.line_item_id)
    if released:
        return released
    fulfilled = (OrderLineItem.objects.filter(pk=reservation.line_item_id)
                 .values_list("fulfilled_quantity", flat=True).first() or 0)
    variant = offers.offer_variant(reservation.booking.product) if reservation.booking.product_id else None
    if fulfilled and variant is not None and variant.inventory_item_id:
        seats = min(fulfilled, reservation.seats)
        inventory.restock(variant.inventory_item_id, seats, reason=f"reservation {reservation.id}")
        return seats
    return 0


@transaction.atomic
def confirm_reservation(reservation_id: str) -> Reservation:
    reservation = get_reservation(reservation_id, lock=True)
    if reservation.status == ReservationStatus.CONFIRMED:
        return reservation
    _require(reservation, (ReservationStatus.PENDING,), "confirmed")
    reservation.status, reservation.confirmed_at = ReservationStatus.CONFIRMED, timezone.now()
    reservation.save()
    _emit_reservation(events.BOOKING_CONFIRMED, reservation)
    return reservation


@transaction.atomic
def check_in(reservation_id: str) -> Reservation:
    reservation = get_reservation(reservation_id, lock=True)
    if reservation.status == ReservationStatus.CHECKED_IN:
        return reservation
    _require(reservation, (ReservationStatus.PENDING, ReservationStatus.CONFIRMED), "checked in")
    reservation.status, reservation.checked_in_at = ReservationStatus.CHECKED_IN, timezone.now()
    reservation.save()
    _emit_reservation(events.BOOKING_CHECKED_IN, reservation, checked_in_at=reservation.checked_in_at.isoformat())
    return reservation


@transaction.atomic
def complete_reservation(reservation_id: str) -> Reservation:
    reservation = get_reservation(reservation_id, lock=True)
    if reservation.status == ReservationStatus.COMPLETED:
        return reservation
    _require(reservation, (ReservationStatus.CHECKED_IN,), "completed")
    reservation.status, reservation.completed_at = ReservationStatus.COMPLETED, timezone.now()
    reservation.save()
    _emit_reservation(events.BOOKING_COMPLETED, reservation, completed_at=reservation.completed_at.isoformat())
    return reservation


def unreleased_no_shows():
    """No-shows whose seats are still held (marked without `release_seats`, not yet released),
    oldest first: what an interrupted NoShowCheck run left to finish."""
    return (Reservation.objects.filter(status=ReservationStatus.NO_SHOW, seats_released=False)
            .order_by("no_show_at", "pk"))


def overdue_reservations(*, now: datetime | None = None, grace_minutes: int = NO_SHOW_GRACE_MINUTES):
    """Reservations nobody checked in for although their slot began more than `grace_minutes` ago
    (pending or confirmed, slot not cancelled): the NoShowCheck workflow's candidates, oldest slot first."""
    cutoff = (now or timezone.now()) - timedelta(minutes=grace_minutes)
    return (Reservation.objects.select_related("booking")
            .filter(status__in=(ReservationStatus.PENDING, ReservationStatus.CONFIRMED), booking__starts_at__lte=cutoff)
            .exclude(booking__status=BookingStatus.CANCELLED)
            .order_by("booking__starts_at", "pk"))


@transaction.atomic
def mark_no_show(reservation_id: str, *, now: datetime | None = None, grace_minutes: int = NO_SHOW_GRACE_MINUTES,
                 release_seats: bool = True) -> Reservation:
    """The customer did not come: the reservation becomes a no-show and (unless `release_seats` is
    off: the NoShowCheck workflow frees them in a later step) its seats are freed. Refused before
    the slot's start plus the grace period. Marking it again changes nothing."""
    reservation = get_reservation(reservation_id, lock=True)
    if reservation.status == ReservationStatus.NO_SHOW:
        return reservation
    _require(reservation, (ReservationStatus.PENDING, ReservationStatus.CONFIRMED), "marked as a no-show")
    now = now or timezone.now()
    if reservation.booking.starts_at + timedelta(minutes=grace_minutes) > now:
        raise Conflict("The slot has not begun (plus its grace period) yet.", code="reservation_not_overdue",
                       fields={"starts_at": [reservation.booking.starts_at.isoformat()]})
    freed = free_seats(reservation) if release_seats else 0
    reservation.status, reservation.no_show_at = ReservationStatus.NO_SHOW, now
    reservation.save()
    _emit_reservation(events.BOOKING_NO_SHOW, reservation, marked_at=now.isoformat(), seats_released=freed)
    return reservation


@transaction.atomic
def release_seats(reservation_id: str) -> int:
    """Give a no-show's or a cancelled reservation's seats back to its slot (once); returns the
    seats freed and, when there were any, tells the slot's waitlist (`booking.seats_released`)."""
    reservation = get_reservation(reservation_id, lock=True)
    _require(reservation, (ReservationStatus.NO_SHOW, ReservationStatus.CANCELLED), "given up")
    if reservation.seats_released:
        return 0
    freed = free_seats(reservation)
    reservation.save(update_fields=["seats_released", "updated_at"])
    if freed:
        _emit_reservation(events.BOOKING_SEATS_RELEASED, reservation, seats_released=freed)
    return freed


@transaction.atomic
def charge_no_show_fee(reservation_id: str, *, idempotency_key: str) -> Reservation:
    """Charge the slot's `no_show_fee` to the card the booking was paid with (once: a charged or
    declined fee is not charged again). A declined card is recorded (`declined`), not raised; a
    gateway that cannot be reached raises, so the caller retries with the same key."""
    from commerce.payments import gateway
    from commerce.payments.services import card_of_order

    reservation = get_reservation(reservation_id, lock=True)
    _require(reservation, (ReservationStatus.NO_SHOW,), "charged a no-show fee")
    fee = reservation.booking.no_show_fee  # rounded to the currency when the slot was saved
    if reservation.no_show_fee_status or fee <= 0:
        return reservation
    card = card_of_order(reservation.order_id)
    outcome = {"fee": fmt(fee, reservation.currency_code), "payment_intent_id": "", "decline_code": ""}
    if card is None:
        reservation.no_show_fee_status = NoShowFeeStatus.NO_CARD
    else:
        provider, method = card
        try:
            intent = gateway.charge(provider=provider, amount=fee, currency=reservation.currency_code,
                                    idempotency_key=idempotency_key, payment_method=method, email=reservation.email,
                                    description=f"No-show fee: {reservation.booking.title}",
                                    metadata={"reservation_id": reservation.id, "order_id": reservation.order_id})
        except gateway.PaymentDeclined as exc:
            reservation.no_show_fee_status = NoShowFeeStatus.DECLINED
            outcome.update(payment_intent_id=exc.payment_intent_id, decline_code=exc.decline_code)
        else:
            reservation.no_show_fee_status, reservation.no_show_fee = NoShowFeeStatus.CHARGED, fee
            reservation.no_show_fee_intent_id = outcome["payment_intent_id"] = intent["id"]
    reservation.save()
    _emit_reservation(events.BOOKING_NO_SHOW_FEE, reservation, fee_status=reservation.no_show_fee_status, **outcome)
    return reservation


def _cancel(reservation: Reservation, *, by: str, reason: str) -> None:
    freed = free_seats(reservation)
    reservation.status, reservation.cancelled_at = ReservationStatus.CANCELLED, timezone.now()
    reservation.cancel_reason = reason[:300]
    reservation.save()
    _emit_reservation(events.BOOKING_CANCELLED, reservation, cancelled_by=by, cancellation_reason=reason,
                      seats_released=freed)


@transaction.atomic
def cancel_reservation(reservation_id: str, *, reason: str = "", by: str = "customer") -> Reservation:
    """Cancel a pending or confirmed reservation; its seats go back to the slot. (Refunding the
    order is the order's business: cancel or refund it through the orders API.)"""
    reservation = get_reservation(reservation_id, lock=True)
    if reservation.status == ReservationStatus.CANCELLED:
        return reservation
    _require(reservation, (ReservationStatus.PENDING, ReservationStatus.CONFIRMED), "cancelled")
    _cancel(reservation, by=by, reason=reason)
    return reservation


@transaction.atomic
def cancel_for_order(order_id: str, *, reason: str = "order cancelled") -> list[Reservation]:
    """The order was cancelled: its reservations still pending or confirmed are cancelled."""
    cancelled = []
    for reservation in (Reservation.objects.select_for_update(of=("self",)).select_related("booking")
                        .filter(order_id=order_id, status__in=(ReservationStatus.PENDING, ReservationStatus.CONFIRMED))
                        .order_by("pk")):
        _cancel(reservation, by="system", reason=reason)
        cancelled.append(reservation)
    return cancelled


# -- reporting -------------------------------------------------------------------------------------

def summaries_by_poi(*, poi_ids=None, now: datetime | None = None) -> dict[str, dict]:
    """Per POI (`cms_poi_id`): its slots and their reservations, by SQL aggregation —
    `{slots, upcoming_slots, cancelled_slots, capacity, seats_booked, utilisation, reservations:
    {status: count}}`. `capacity` and `seats_booked` cover the slots that are not cancelled."""
    now = now or timezone.now()
    slots = Booking.objects.filter(metadata__has_key="cms_poi_id")
    if poi_ids is not None:
        slots = slots.filter(metadata__cms_poi_id__in=list(poi_ids))
    live = ~Q(status=BookingStatus.CANCELLED)
    found: dict[str, dict] = {}
    for row in (slots.values("metadata__cms_poi_id")
                .annotate(slots=Count("id"), upcoming=Count("id", filter=live & Q(starts_at__gte=now)),
                          cancelled=Count("id", filter=~live), capacity=Sum("capacity", filter=live))):
        found[row["metadata__cms_poi_id"]] = {
            "slots": row["slots"], "upcoming_slots": row["upcoming"], "cancelled_slots": row["cancelled"],
            "capacity": row["capacity"] or 0, "seats_booked": 0, "utilisation": "0.00",
            "reservations": {status: 0 for status in ReservationStatus.values}}
    reservations = Reservation.objects.filter(booking__in=slots)
    for row in (reservations.values("booking__metadata__cms_poi_id", "status")
                .annotate(count=Count("id"), seats=Sum("seats", filter=~Q(booking__status=BookingStatus.CANCELLED)))):
        summary = found[row["booking__metadata__cms_poi_id"]]
        summary["reservations"][row["status"]] = row["count"]
        if row["status"] in HOLDING:
            summary["seats_booked"] += row["seats"] or 0
    for summary in found.values():
        if summary["capacity"]:
            summary["utilisation"] = str((Decimal(summary["seats_booked"]) / summary["capacity"])
                                         .quantize(Decimal("0.01")))
    return found
