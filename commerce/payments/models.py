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


# -- escrow, instalments, disputes, reconciliation (the workflows' money records) -----------------

class EscrowStatus(models.TextChoices):
    HELD = "held", "Held"
    RELEASED = "released", "Released to the vendor"
    DISPUTED = "disputed", "Held for a dispute"
    REFUNDED = "refunded", "Returned to the shopper"


class EscrowHold(Timestamped):
    """A vendor's share of an order kept on the platform until delivery and the dispute window
    have passed (WF-011). The money stays on the platform's account; releasing makes the share
    payable to the vendor."""

    id = PrefixedIdField(prefix="esc")
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="escrow_holds")
    vendor_order = models.OneToOneField("marketplace.VendorOrder", on_delete=models.CASCADE,
                                        related_name="escrow_hold")
    currency_code = currency_field()
    amount = money_field()
    status = models.CharField(max_length=20, choices=EscrowStatus.choices, default=EscrowStatus.HELD)
    release_after = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.id}: {self.amount} {self.currency_code} ({self.status})"


class InstallmentInterval(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    BIWEEKLY = "biweekly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"


class InstallmentPlanStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    DEFAULTED = "defaulted", "Defaulted (a payment failed for good)"
    CANCELED = "canceled", "Cancelled"


class InstallmentPlan(Timestamped):
    """Buy now, pay later (WF-012): the order's total in `count` payments, the first at checkout."""

    id = PrefixedIdField(prefix="iplan")
    order = models.OneToOneField("orders.Order", on_delete=models.CASCADE, related_name="installment_plan")
    provider = models.CharField(max_length=20)
    payment_method = models.CharField(max_length=100, help_text="charged for every instalment")
    currency_code = currency_field()
    total = money_field()
    count = models.PositiveSmallIntegerField()
    interval = models.CharField(max_length=20, choices=InstallmentInterval.choices)
    fees = money_field()
    status = models.CharField(max_length=20, choices=InstallmentPlanStatus.choices,
                              default=InstallmentPlanStatus.ACTIVE)
    paid_total = money_field()
    closed_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(count__gte=2) & Q(count__lte=12),
                                              name="installment_count_2_12")]

    def __str__(self):
        return f"{self.id}: {self.count} × {self.interval} ({self.status})"


class InstallmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    PAID = "paid", "Paid"
    FAILED = "failed", "Failed"
    CANCELED = "canceled", "Cancelled"


class Installment(models.Model):
    plan = models.ForeignKey(InstallmentPlan, on_delete=models.CASCADE, related_name="installments")
    sequence = models.PositiveSmallIntegerField()
    amount = money_field()
    due_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=InstallmentStatus.choices, default=InstallmentStatus.SCHEDULED)
    payment_intent_id = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "sequence"]
        constraints = [models.UniqueConstraint(fields=["plan", "sequence"], name="installment_sequence_once")]

    def __str__(self):
        return f"{self.plan_id} #{self.sequence}: {self.amount} ({self.status})"


class DisputeStatus(models.TextChoices):
    NEEDS_RESPONSE = "needs_response", "Needs response"
    UNDER_REVIEW = "under_review", "Evidence submitted"
    WON = "won", "Won"
    LOST = "lost", "Lost"
    EXPIRED = "expired", "No decision before the deadline (review)"


class Dispute(Timestamped):
    """A chargeback the card holder's bank opened on an order's payment (WF-005)."""

    id = PrefixedIdField(prefix="dsp")
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="disputes")
    gateway_dispute_id = models.CharField(max_length=100, unique=True, help_text="the gateway's dispute (dp_…)")
    payment_intent_id = models.CharField(max_length=100, blank=True)
    currency_code = currency_field()
    amount = money_field()
    reason = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=20, choices=DisputeStatus.choices, default=DisputeStatus.NEEDS_RESPONSE)
    evidence_due_by = models.DateTimeField()
    evidence = models.JSONField(default=dict, blank=True)
    evidence_submitted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.id} on {self.order_id} ({self.status})"


class ReconciliationReport(Timestamped):
    """One day's comparison of the gateway, the commerce ledger and ERPNext (WF-014)."""

    id = PrefixedIdField(prefix="recon")
    date = models.DateField(unique=True)
    balanced = models.BooleanField(default=True)
    payments_checked = models.PositiveIntegerField(default=0)
    refunds_checked = models.PositiveIntegerField(default=0)
    commerce_total = models.JSONField(default=dict, blank=True, help_text="captured − refunded per currency")
    gateway_total = models.JSONField(default=dict, blank=True)
    discrepancies = models.JSONField(default=list, blank=True)
    workflow_id = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date}: {'balanced' if self.balanced else f'{len(self.discrepancies)} discrepancies'}"
