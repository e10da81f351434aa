"""Payments of orders (one PaymentIntent each), their refunds, and every authorisation attempt.

Amounts are `Decimal` in the order's currency; the gateway sees minor units.
"""
from django.db import models
from django.db.models import Q

from cityos.ids import PrefixedIdField
from cityos.money import money_field
from commerce.core.models import Timestamped, currency_field


class PaymentState(models.TextChoices):
    AUTHORIZED = "authorized", "Authorised"
    CAPTURED = "captured", "Captured"
    PARTIALLY_CAPTURED = "partially_captured", "Partially captured (rest released)"
    CANCELED = "canceled", "Cancelled"


class Payment(Timestamped):
    id = PrefixedIdField(prefix="pay")
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="payments")
    provider = models.CharField(max_length=20)
    payment_intent_id = models.CharField(max_length=100, unique=True)
    currency_code = currency_field()
    amount = money_field(help_text="authorised")
    captured_amount = money_field()
    refunded_amount = money_field()
    status = models.CharField(max_length=20, choices=PaymentState.choices, default=PaymentState.AUTHORIZED)
    captured_at = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True, help_text="the gateway's last PaymentIntent")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(refunded_amount__lte=models.F("captured_amount")),
                                   name="payment_refunds_within_captured"),
            models.CheckConstraint(condition=Q(captured_amount__lte=models.F("amount")),
                                   name="payment_capture_within_authorised"),
        ]

    def __str__(self):
        return f"{self.payment_intent_id} ({self.status})"

    @property
    def refundable_amount(self):
        return self.captured_amount - self.refunded_amount


class Refund(models.Model):
    id = PrefixedIdField(prefix="ref")
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="refunds")
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="refunds")
    amount = money_field()
    reason = models.CharField(max_length=40, blank=True)
    note = models.CharField(max_length=500, blank=True)
    external_id = models.CharField(max_length=100, blank=True, help_text="the gateway's refund id")
    idempotency_key = models.CharField(max_length=200, unique=True)
    return_id = models.CharField(max_length=40, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive")]

    def __str__(self):
        return f"{self.amount} on {self.order_id}"


class PaymentAttempt(models.Model):
    """One authorisation attempt at checkout, successful or not (what support looks at)."""

    id = PrefixedIdField(prefix="patt")
    cart_id = models.CharField(max_length=40, db_index=True)
    provider = models.CharField(max_length=20)
    amount = money_field()
    currency_code = currency_field()
    succeeded = models.BooleanField(default=False)
    payment_intent_id = models.CharField(max_length=100, blank=True)
    error_class = models.CharField(max_length=60, blank=True)
    decline_code = models.CharField(max_length=60, blank=True)
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.cart_id}: {'ok' if self.succeeded else self.decline_code or self.error_class}"
