"""Promotions redeemed with a code (coupons): percentage, fixed amount or free shipping.

Eligibility: active, inside its date window, the cart's currency (for fixed amounts), the cart's
subtotal at least `minimum_subtotal`, total uses below `usage_limit`, this shopper's uses (by
email) below `per_customer_limit`, and the shopper in one of `customer_groups` when any are set.
`products` narrows the discount to those products' lines.
"""
from django.db import models
from django.db.models import Q

from cityos.ids import PrefixedIdField
from cityos.money import money_field
from commerce.core.models import Timestamped, currency_field, metadata_field


class PromotionType(models.TextChoices):
    PERCENTAGE = "percentage", "Percentage off eligible items"
    FIXED = "fixed", "Fixed amount off eligible items"
    FREE_SHIPPING = "free_shipping", "Free shipping"


class Promotion(Timestamped):
    id = PrefixedIdField(prefix="promo")
    code = models.CharField(max_length=60, unique=True, help_text="stored upper case")
    name = models.CharField(max_length=200, blank=True)
    description = models.CharField(max_length=500, blank=True)
    type = models.CharField(max_length=20, choices=PromotionType.choices)
    value = models.DecimalField(max_digits=18, decimal_places=4, default=0,
                                help_text="percent (10 = 10 %) or an amount in `currency_code`")
    currency_code = currency_field(blank=True, help_text="required for fixed amounts")
    minimum_subtotal = money_field(null=True, blank=True, default=None)
    usage_limit = models.PositiveIntegerField(null=True, blank=True, help_text="total uses; empty: unlimited")
    per_customer_limit = models.PositiveIntegerField(null=True, blank=True)
    usage_count = models.PositiveIntegerField(default=0)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    products = models.ManyToManyField("catalog.Product", blank=True, related_name="promotions")
    customer_groups = models.ManyToManyField("customers.CustomerGroup", blank=True, related_name="promotions")
    metadata = metadata_field()

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(value__gte=0), name="promotion_value_non_negative")]

    def __str__(self):
        return self.code


class PromotionUsage(models.Model):
    promotion = models.ForeignKey(Promotion, on_delete=models.CASCADE, related_name="usages")
    order_id = models.CharField(max_length=40)
    customer_id = models.CharField(max_length=40, blank=True)
    email = models.EmailField(max_length=254)
    amount = money_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["promotion", "email"], name="promotion_usage_email")]
        constraints = [models.UniqueConstraint(fields=["promotion", "order_id"], name="promotion_usage_once_per_order")]

    def __str__(self):
        return f"{self.promotion.code} on {self.order_id}"
