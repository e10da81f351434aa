"""Vendors, their products, vendor orders, commission rules, the commission ledger and payouts.

Money flow (Stripe Connect, separate charges and transfers): the shopper pays the tenant; each
vendor's share of an order (`net` = gross − commission) is recorded as a `CommissionTransaction`
when the order is placed (`pending`), becomes `payable` once the order is delivered and its hold
period (or escrow) has passed, and is `paid` when a `Payout` transfers it to the vendor's
connected account. A cancelled order reverses its transactions; a return or a lost dispute adds a
negative `reversal` that the next payout deducts.
"""
from django.db import models
from django.db.models import Q

from cityos.ids import PrefixedIdField
from cityos.money import money_field
from commerce.core.models import Timestamped, currency_field, metadata_field


class VendorStatus(models.TextChoices):
    PENDING = "pending", "Pending approval"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"


class Vendor(Timestamped):
    id = PrefixedIdField(prefix="vend")
    handle = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    email = models.EmailField()
    phone = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=20, choices=VendorStatus.choices, default=VendorStatus.ACTIVE)
    commission_rate = models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True,
                                          help_text="fraction (0.1000 = 10 %); empty: the rules or the default")
    uses_escrow = models.BooleanField(default=False, help_text="hold its share until delivery and the dispute window")
    escrow_days = models.PositiveIntegerField(default=7, help_text="dispute window after delivery (escrow)")
    minimum_payout = money_field(help_text="smaller payable balances wait for the next payout")
    address = models.JSONField(default=dict, blank=True,
                               help_text="pickup place: address_1, city, country_code, latitude, longitude")
    stripe_account_id = models.CharField(max_length=100, blank=True, help_text="Stripe connected account")
    erp_supplier = models.CharField(max_length=200, blank=True, help_text="its Supplier in ERPNext")
    identity_verified_at = models.DateTimeField(null=True, blank=True, help_text="KYC approved (Walt.id)")
    kyc_session_id = models.CharField(max_length=100, blank=True)
    frozen_by = models.JSONField(default=list, blank=True, help_text="open disputes freezing its payouts")
    metadata = metadata_field()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def payouts_frozen(self) -> bool:
        return bool(self.frozen_by)


class VendorProduct(models.Model):
    """Which vendor sells a product (a product has at most one vendor; none: the tenant sells it)."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="products")
    product_id = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["product_id"]

    def __str__(self):
        return f"{self.product_id} → {self.vendor_id}"


class VendorOrderStatus(models.TextChoices):
    PENDING = "pending", "Pending (order placed)"
    ACCEPTED = "accepted", "Accepted (routed to the vendor)"
    FULFILLING = "fulfilling", "Being delivered"
    DELIVERED = "delivered", "Delivered"
    CANCELED = "canceled", "Cancelled"


class VendorOrder(Timestamped):
    """The part of an order one vendor sells (seeds: vendor_order)."""

    id = PrefixedIdField(prefix="vord")
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="vendor_orders")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="vendor_orders")
    status = models.CharField(max_length=20, choices=VendorOrderStatus.choices, default=VendorOrderStatus.PENDING)
    currency_code = currency_field()
    subtotal = money_field(help_text="what the shopper paid for these lines (discounts and VAT included)")
    commission_amount = money_field()
    net_amount = money_field(help_text="the vendor's share")
    delivery_order_id = models.CharField(max_length=100, blank=True, help_text="Fleetbase order")
    tracking_number = models.CharField(max_length=100, blank=True)
    payment_allocated_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    metadata = metadata_field()

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["order", "vendor"], name="vendor_order_once_per_vendor")]
        indexes = [models.Index(fields=["vendor", "-created_at"], name="vendor_order_vendor_created")]

    def __str__(self):
        return f"{self.id} ({self.vendor_id}, {self.status})"


class VendorOrderItem(models.Model):
    vendor_order = models.ForeignKey(VendorOrder, on_delete=models.CASCADE, related_name="items")
    line_item = models.ForeignKey("orders.OrderLineItem", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()
    total = money_field()
    commission_rate = models.DecimalField(max_digits=6, decimal_places=4, default=0)
    commission_amount = money_field()

    class Meta:
        ordering = ["id"]


class CommissionRule(Timestamped):
    """A commission rate (and optional fixed fee per line) for a vendor, a category, a product kind
    or everyone. The most specific active rule applies (vendor, then category, then kind, then
    global; higher `priority` first)."""

    id = PrefixedIdField(prefix="crule")
    name = models.CharField(max_length=120)
    vendor = models.ForeignKey(Vendor, null=True, blank=True, on_delete=models.CASCADE, related_name="rules")
    category_id = models.CharField(max_length=40, blank=True)
    product_kind = models.CharField(max_length=30, blank=True)
    rate = models.DecimalField(max_digits=6, decimal_places=4, help_text="fraction (0.1200 = 12 %)")
    flat_fee = money_field(help_text="per line, in the order's currency")
    priority = models.IntegerField(default=0)
    is_active = models.BooleanField(default=True)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-priority", "name"]
        constraints = [models.CheckConstraint(condition=Q(rate__gte=0) & Q(rate__lte=1), name="commission_rate_0_1")]

    def __str__(self):
        return f"{self.name} ({self.rate:%})"


class CommissionKind(models.TextChoices):
    SALE = "sale", "Sale"
    REVERSAL = "reversal", "Reversal (return, dispute, cancellation after payout)"


class CommissionStatus(models.TextChoices):
    PENDING = "pending", "Pending (not due yet)"
    HELD = "held", "Held (escrow or dispute)"
    PAYABLE = "payable", "Payable"
    PAID = "paid", "Paid out"
    REVERSED = "reversed", "Reversed (order cancelled)"


class CommissionTransaction(models.Model):
    """One line of the commission ledger: what the vendor earns (`net`) and the tenant keeps
    (`commission`) on a vendor order; reversals are negative."""

    id = PrefixedIdField(prefix="ctx")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="transactions")
    vendor_order = models.ForeignKey(VendorOrder, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="transactions")
    order_id = models.CharField(max_length=40, db_index=True)
    kind = models.CharField(max_length=20, choices=CommissionKind.choices, default=CommissionKind.SALE)
    status = models.CharField(max_length=20, choices=CommissionStatus.choices, default=CommissionStatus.PENDING)
    currency_code = currency_field()
    gross = money_field()
    commission = money_field()
    net = money_field()
    reference = models.CharField(max_length=100, blank=True, help_text="return, dispute or cancellation it answers")
    payout = models.ForeignKey("Payout", null=True, blank=True, on_delete=models.SET_NULL, related_name="transactions")
    idempotency_key = models.CharField(max_length=255, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["vendor", "status"], name="commission_vendor_status")]

    def __str__(self):
        return f"{self.kind} {self.net} {self.currency_code} ({self.status})"


class PayoutStatus(models.TextChoices):
    PENDING = "pending", "Requested"
    PROCESSING = "processing", "Transfer in progress"
    PAID = "paid", "Paid"
    ON_HOLD = "on_hold", "On hold (not eligible yet)"
    FAILED = "failed", "Failed"


class Payout(Timestamped):
    id = PrefixedIdField(prefix="vpo")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="payouts")
    status = models.CharField(max_length=20, choices=PayoutStatus.choices, default=PayoutStatus.PENDING)
    currency_code = currency_field()
    amount = money_field(help_text="net of reversals")
    method = models.CharField(max_length=20, default="stripe_connect")
    transfer_id = models.CharField(max_length=100, blank=True)
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.CharField(max_length=300, blank=True)
    metadata = metadata_field()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.id}: {self.amount} {self.currency_code} to {self.vendor_id} ({self.status})"
