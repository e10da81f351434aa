"""Loyalty points: one account per customer (balance and tier) and its ledger."""
from django.db import models
from django.db.models import Q

from cityos.ids import PrefixedIdField
from commerce.core.models import Timestamped


class LoyaltyTier(models.TextChoices):
    BRONZE = "bronze", "Bronze"
    SILVER = "silver", "Silver"
    GOLD = "gold", "Gold"
    PLATINUM = "platinum", "Platinum"


class LoyaltyAccount(Timestamped):
    id = PrefixedIdField(prefix="loy")
    customer = models.OneToOneField("customers.Customer", on_delete=models.CASCADE, related_name="loyalty_account")
    balance = models.IntegerField(default=0)
    lifetime_points = models.IntegerField(default=0, help_text="everything ever earned; drives the tier")
    tier = models.CharField(max_length=20, choices=LoyaltyTier.choices, default=LoyaltyTier.BRONZE)

    class Meta:
        ordering = ["-lifetime_points"]
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="loyalty_balance_non_negative")]

    def __str__(self):
        return f"{self.customer_id}: {self.balance} pts ({self.tier})"


class LoyaltyTransactionKind(models.TextChoices):
    EARN = "earn", "Earned"
    REDEEM = "redeem", "Redeemed"
    ADJUST = "adjust", "Adjusted by staff"
    EXPIRE = "expire", "Expired"


class LoyaltyTransaction(models.Model):
    id = PrefixedIdField(prefix="loytx")
    account = models.ForeignKey(LoyaltyAccount, on_delete=models.CASCADE, related_name="transactions")
    kind = models.CharField(max_length=20, choices=LoyaltyTransactionKind.choices)
    points = models.IntegerField(help_text="signed")
    balance_after = models.IntegerField()
    reason = models.CharField(max_length=200, blank=True)
    reference = models.CharField(max_length=100, blank=True, help_text="order id, CMS document id …")
    idempotency_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} {self.points:+d}"
