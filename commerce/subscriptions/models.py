"""Subscription plans (the terms of a `subscription` product) and customers' subscriptions."""
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q

from cityos.ids import PrefixedIdField
from cityos.money import money_field
from commerce.core.models import Timestamped, currency_field, metadata_field


class BillingInterval(models.TextChoices):
    DAY = "day", "Daily"
    WEEK = "week", "Weekly"
    MONTH = "month", "Monthly"
    QUARTER = "quarter", "Quarterly"
    YEAR = "year", "Yearly"
    NONE = "none", "Does not renew (fixed validity)"


class SubscriptionPlan(Timestamped):
    id = PrefixedIdField(prefix="splan")
    product = models.OneToOneField("catalog.Product", on_delete=models.PROTECT, related_name="subscription_plan")
    cms_id = models.CharField(max_length=64, unique=True, null=True, blank=True,
                              help_text="the CMS document this plan was pushed from")
    title = models.CharField(max_length=255)
    billing_interval = models.CharField(max_length=10, choices=BillingInterval.choices, default=BillingInterval.MONTH)
    interval_count = models.PositiveSmallIntegerField(default=1, help_text="bill every N intervals")
    validity_days = models.PositiveIntegerField(null=True, blank=True,
                                                help_text="how long a non-renewing subscription lasts")
    trial_days = models.PositiveSmallIntegerField(default=0)
    max_subscribers = models.PositiveIntegerField(null=True, blank=True, help_text="empty: unlimited")
    metadata = metadata_field()

    class Meta:
        ordering = ["title"]
        indexes = [GinIndex(fields=["metadata"], name="subscription_plan_metadata_gin")]
        constraints = [models.CheckConstraint(condition=Q(interval_count__gte=1), name="plan_interval_count_positive")]

    def __str__(self):
        return self.title

    @property
    def renews(self) -> bool:
        return self.billing_interval != BillingInterval.NONE


class SubscriptionStatus(models.TextChoices):
    TRIALING = "trialing", "Trialing"
    ACTIVE = "active", "Active"
    PAST_DUE = "past_due", "Past due"
    CANCELLED = "cancelled", "Cancelled"
    EXPIRED = "expired", "Expired"


LIVE_STATUSES = (SubscriptionStatus.TRIALING, SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE)


class Subscription(Timestamped):
    id = PrefixedIdField(prefix="sub")
    plan = models.ForeignKey(SubscriptionPlan, on_delete=models.PROTECT, related_name="subscriptions")
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="subscriptions")
    email = models.EmailField(blank=True)
    order_id = models.CharField(max_length=40, db_index=True)
    line_item_id = models.CharField(max_length=40)
    quantity = models.PositiveIntegerField(default=1)
    unit_price = money_field()
    currency_code = currency_field()
    status = models.CharField(max_length=20, choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE)
    started_at = models.DateTimeField()
    trial_ends_at = models.DateTimeField(null=True, blank=True)
    current_period_start = models.DateTimeField()
    current_period_end = models.DateTimeField()
    cancel_at_period_end = models.BooleanField(default=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    metadata = metadata_field()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["order_id", "line_item_id"], name="subscription_per_order_line"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="subscription_quantity_positive"),
        ]
        indexes = [models.Index(fields=["status", "current_period_end"], name="subscription_status_period")]

    def __str__(self):
        return f"{self.id} ({self.status}) on {self.plan_id}"
