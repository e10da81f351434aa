"""Gift cards: a code with a balance in one currency, and the ledger of what moved it."""
from django.db import models
from django.db.models import Q

from cityos.ids import PrefixedIdField
from cityos.money import money_field
from commerce.core.models import Timestamped, currency_field, metadata_field


class GiftCard(Timestamped):
    id = PrefixedIdField(prefix="gc")
    code = models.CharField(max_length=40, unique=True)
    currency_code = currency_field()
    value = money_field(help_text="the amount issued")
    balance = money_field()
    is_disabled = models.BooleanField(default=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="gift_cards", help_text="who bought it")
    recipient_email = models.EmailField(blank=True)
    order_id = models.CharField(max_length=40, blank=True, help_text="the order that bought it")
    note = models.CharField(max_length=300, blank=True)
    metadata = metadata_field()

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="gift_card_balance_non_negative")]

    def __str__(self):
        return f"{self.code} ({self.balance} {self.currency_code})"


class GiftCardTransactionKind(models.TextChoices):
    ISSUE = "issue", "Issued"
    REDEEM = "redeem", "Redeemed"
    REFUND = "refund", "Refunded back to the card"
    DISABLE = "disable", "Disabled"


class GiftCardTransaction(models.Model):
    id = PrefixedIdField(prefix="gctx")
    gift_card = models.ForeignKey(GiftCard, on_delete=models.CASCADE, related_name="transactions")
    kind = models.CharField(max_length=20, choices=GiftCardTransactionKind.choices)
    amount = money_field(help_text="signed: negative when the balance went down")
    balance_after = money_field()
    order_id = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} {self.amount}"
