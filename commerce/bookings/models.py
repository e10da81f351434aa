"""Bookable slots (`Booking`) and the customers' reservations of them (`Reservation`).

A booking pushed from the CMS carries the canonical metadata (seeds 000 §3) in `metadata` and
the CMS document id in `cms_id`, the key its upserts use.
"""
from datetime import timedelta

from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q

from cityos.ids import PrefixedIdField
from cityos.money import money_field
from commerce.core.models import Timestamped, currency_field, metadata_field


class BookingStatus(models.TextChoices):
    DRAFT = "draft", "Draft (not on sale)"
    OPEN = "open", "Open for booking"
    CANCELLED = "cancelled", "Cancelled"


class Booking(Timestamped):
    id = PrefixedIdField(prefix="bkg")
    cms_id = models.CharField(max_length=64, unique=True, null=True, blank=True,
                              help_text="the CMS document this slot was pushed from")
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    provider_name = models.CharField(max_length=160, blank=True, help_text="practitioner, teacher or host")
    provider_id = models.CharField(max_length=64, blank=True, help_text="the provider's id, when there is one")
    service = models.CharField(max_length=120, blank=True, help_text="specialty or kind of service")
    mode = models.CharField(max_length=20, blank=True, help_text="in_person, telehealth, online, …")
    location = models.CharField(max_length=255, blank=True)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField(default=30)
    ends_at = models.DateTimeField(editable=False)
    capacity = models.PositiveIntegerField(default=1, help_text="seats (patients, attendees) the slot takes")
    price = money_field()
    no_show_fee = money_field(help_text="charged to the card the booking was paid with when the customer does not "
                                        "come (0: none)")
    currency_code = currency_field()
    status = models.CharField(max_length=20, choices=BookingStatus.choices, default=BookingStatus.OPEN)
    product = models.OneToOneField("catalog.Product", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="booking", help_text="what shoppers buy to book a seat")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    metadata = metadata_field()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="booking_status_starts"),
            GinIndex(fields=["metadata"], name="booking_metadata_gin"),
        ]
        constraints = [models.CheckConstraint(condition=Q(capacity__gte=1), name="booking_capacity_positive"),
                       models.CheckConstraint(condition=Q(price__gte=0), name="booking_price_non_negative")]

    def __str__(self):
        return f"{self.title} — {self.starts_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        self.ends_at = self.starts_at + timedelta(minutes=self.duration_minutes)
        super().save(*args, **kwargs)


class ReservationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    CONFIRMED = "confirmed", "Confirmed"
    CHECKED_IN = "checked_in", "Checked in"
    COMPLETED = "completed", "Completed"
    NO_SHOW = "no_show", "No-show"
    CANCELLED = "cancelled", "Cancelled"


class NoShowFeeStatus(models.TextChoices):
    NONE = "", "No fee"
    CHARGED = "charged", "Charged"
    DECLINED = "declined", "Declined by the card"
    NO_CARD = "no_card", "No card to charge"


# Reservations that still hold their seats.
HOLDING = (ReservationStatus.PENDING, ReservationStatus.CONFIRMED, ReservationStatus.CHECKED_IN,
           ReservationStatus.COMPLETED)


class Reservation(Timestamped):
    id = PrefixedIdField(prefix="rsv")
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="reservations")
    order_id = models.CharField(max_length=40, db_index=True)
    line_item_id = models.CharField(max_length=40)
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="reservations")
    email = models.EmailField(blank=True)
    seats = models.PositiveIntegerField(default=1)
    amount = money_field(help_text="what the order line cost")
    currency_code = currency_field()
    status = models.CharField(max_length=20, choices=ReservationStatus.choices, default=ReservationStatus.PENDING)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    no_show_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    seats_released = models.BooleanField(default=False, help_text="its seats were given back to the slot")
    no_show_fee = money_field(help_text="the no-show fee charged")
    no_show_fee_status = models.CharField(max_length=20, choices=NoShowFeeStatus.choices, blank=True,
                                          default=NoShowFeeStatus.NONE)
    no_show_fee_intent_id = models.CharField(max_length=100, blank=True, help_text="the fee's PaymentIntent")
    metadata = metadata_field()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["order_id", "line_item_id"], name="reservation_per_order_line"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="reservation_seats_positive"),
        ]
        indexes = [models.Index(fields=["status", "booking"], name="reservation_status_booking")]

    def __str__(self):
        return f"{self.id} ({self.status}) for {self.booking_id}"
