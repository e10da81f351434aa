"""Carts and their line items, chosen shipping method and payment session.

Every figure on a cart is computed by the server (`commerce.carts.totals`) from the catalog and
stored as a snapshot each time the cart changes, so reading a cart is one cheap query; completing
a cart recomputes everything once more under lock.
"""
from django.db import models
from django.db.models import Q

from cityos.ids import PrefixedIdField
from cityos.money import money_field
from commerce.core.models import Timestamped, currency_field, metadata_field


class Cart(Timestamped):
    id = PrefixedIdField(prefix="cart")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="carts")
    sales_channel = models.ForeignKey("regions.SalesChannel", on_delete=models.PROTECT, related_name="carts")
    currency_code = currency_field()
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="carts")
    email = models.EmailField(blank=True)
    shipping_address = models.JSONField(null=True, blank=True)
    billing_address = models.JSONField(null=True, blank=True)
    promotions = models.ManyToManyField("promotions.Promotion", blank=True, related_name="carts")
    gift_cards = models.ManyToManyField("giftcards.GiftCard", blank=True, related_name="carts")
    completed_at = models.DateTimeField(null=True, blank=True)
    payment_attempts = models.PositiveIntegerField(default=0, help_text="declined attempts so far")
    metadata = metadata_field()

    # Snapshot of the last computation.
    subtotal = money_field()
    discount_total = money_field()
    shipping_total = money_field()
    tax_total = money_field()
    gift_card_total = money_field()
    total = money_field()
    applied_promotions = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["customer", "-created_at"], name="cart_customer_created")]

    def __str__(self):
        return self.id

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


class LineItem(Timestamped):
    id = PrefixedIdField(prefix="cali")
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    variant = models.ForeignKey("catalog.ProductVariant", on_delete=models.CASCADE, related_name="cart_lines")
    quantity = models.PositiveIntegerField()
    title = models.CharField(max_length=255)
    variant_title = models.CharField(max_length=255, blank=True)
    sku = models.CharField(max_length=100)
    thumbnail = models.CharField(max_length=500, blank=True)
    unit_price = money_field()
    price_source = models.CharField(max_length=60, blank=True, help_text="base, price list or volume tier")
    subtotal = money_field()
    discount_total = money_field()
    tax_rate = models.DecimalField(max_digits=6, decimal_places=4, default=0)
    tax_total = money_field()
    total = money_field()
    metadata = metadata_field()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="cart_line_variant_once"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="cart_line_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.sku}"


class CartShippingMethod(models.Model):
    cart = models.OneToOneField(Cart, on_delete=models.CASCADE, related_name="shipping_method")
    option = models.ForeignKey("shipping.ShippingOption", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    amount = money_field()
    data = models.JSONField(default=dict, blank=True)

    def __str__(self):
        return f"{self.name}: {self.amount}"


class PaymentSessionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    AUTHORIZED = "authorized", "Authorised"
    DECLINED = "declined", "Declined"
    ERROR = "error", "Error"


class PaymentSession(Timestamped):
    """The payment provider chosen for a cart; completing the cart authorises through it."""

    id = PrefixedIdField(prefix="payses")
    cart = models.OneToOneField(Cart, on_delete=models.CASCADE, related_name="payment_session")
    provider = models.CharField(max_length=20)
    status = models.CharField(max_length=20, choices=PaymentSessionStatus.choices, default=PaymentSessionStatus.PENDING)
    amount = money_field()
    reservation_expires_at = models.DateTimeField(null=True, blank=True)
    last_error = models.JSONField(null=True, blank=True)

    def __str__(self):
        return f"{self.provider} ({self.status})"
