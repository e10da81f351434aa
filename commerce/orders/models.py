"""Orders and what happens to them: line items, fulfilments, returns.

An order is a snapshot: titles, prices, discounts and taxes are copied from the cart at
placement and never recomputed. `metadata` carries the canonical CMS keys of its products
(seeds 000 §3); a GIN index serves `metadata[cms_poi_id]=…` filters.
"""
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q

from cityos.ids import PrefixedIdField
from cityos.money import money_field
from commerce.core.models import Timestamped, currency_field, metadata_field

DISPLAY_ID_SEQUENCE = "orders_display_id_seq"
DISPLAY_ID_OFFSET = 1000  # order numbers start at 1001


class OrderStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    COMPLETED = "completed", "Completed"
    CANCELED = "canceled", "Cancelled"
    REQUIRES_ACTION = "requires_action", "Requires action"


class PaymentStatus(models.TextChoices):
    NOT_PAID = "not_paid", "Not paid"
    NOT_REQUIRED = "not_required", "Nothing to pay"
    AUTHORIZED = "authorized", "Authorised"
    PARTIALLY_CAPTURED = "partially_captured", "Partially captured"
    CAPTURED = "captured", "Captured"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
    REFUNDED = "refunded", "Refunded"
    CANCELED = "canceled", "Authorisation cancelled"


class FulfillmentStatus(models.TextChoices):
    NOT_FULFILLED = "not_fulfilled", "Not fulfilled"
    PARTIALLY_FULFILLED = "partially_fulfilled", "Partially fulfilled"
    FULFILLED = "fulfilled", "Fulfilled"
    PARTIALLY_SHIPPED = "partially_shipped", "Partially shipped"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    PARTIALLY_RETURNED = "partially_returned", "Partially returned"
    RETURNED = "returned", "Returned"
    CANCELED = "canceled", "Cancelled"


class Order(Timestamped):
    id = PrefixedIdField(prefix="order")
    display_id = models.PositiveIntegerField(unique=True, help_text="the tenant's order number")
    cart = models.OneToOneField("carts.Cart", null=True, blank=True, on_delete=models.SET_NULL, related_name="order")
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="orders")
    email = models.EmailField()
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="orders")
    sales_channel = models.ForeignKey("regions.SalesChannel", null=True, on_delete=models.SET_NULL, related_name="orders")
    currency_code = currency_field()
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING)
    payment_status = models.CharField(max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.NOT_PAID)
    fulfillment_status = models.CharField(max_length=20, choices=FulfillmentStatus.choices,
                                          default=FulfillmentStatus.NOT_FULFILLED)
    shipping_address = models.JSONField(null=True, blank=True)
    billing_address = models.JSONField(null=True, blank=True)
    shipping_option = models.ForeignKey("shipping.ShippingOption", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    shipping_method_name = models.CharField(max_length=120, blank=True)
    promotion_codes = models.JSONField(default=list, blank=True)
    applied_promotions = models.JSONField(default=list, blank=True)

    subtotal = money_field()
    discount_total = money_field()
    shipping_total = money_field()
    tax_total = money_field()
    gift_card_total = money_field()
    total = money_field()
    paid_total = money_field(help_text="captured")
    refunded_total = money_field()

    canceled_at = models.DateTimeField(null=True, blank=True)
    metadata = metadata_field()
    external_refs = models.JSONField(
        default=dict, blank=True,
        help_text="what the order is in the external systems, written by its workflows: "
                  "{erpnext: {sales_order, reservations, sales_invoice, …}, fleetbase: {deliveries: […]}}")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["-created_at"], name="order_created"),
            models.Index(fields=["customer", "-created_at"], name="order_customer_created"),
            models.Index(fields=["status", "-created_at"], name="order_status_created"),
            models.Index(fields=["email"], name="order_email"),
            GinIndex(fields=["metadata"], name="order_metadata_gin"),
        ]

    def __str__(self):
        return f"#{self.display_id} ({self.id})"

    @property
    def refundable_amount(self):
        return self.paid_total - self.refunded_total


class OrderLineItem(models.Model):
    id = PrefixedIdField(prefix="ordli")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    variant = models.ForeignKey("catalog.ProductVariant", null=True, on_delete=models.SET_NULL, related_name="+")
    product_id = models.CharField(max_length=40)
    inventory_item_id = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=255)
    variant_title = models.CharField(max_length=255, blank=True)
    sku = models.CharField(max_length=100)
    thumbnail = models.CharField(max_length=500, blank=True)
    is_giftcard = models.BooleanField(default=False)
    quantity = models.PositiveIntegerField()
    unit_price = money_field()
    subtotal = money_field()
    discount_total = money_field()
    tax_rate = models.DecimalField(max_digits=6, decimal_places=4, default=0)
    tax_total = money_field()
    total = money_field()
    fulfilled_quantity = models.PositiveIntegerField(default=0)
    shipped_quantity = models.PositiveIntegerField(default=0)
    returned_quantity = models.PositiveIntegerField(default=0)
    metadata = metadata_field()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["product_id"], name="order_line_product")]

    def __str__(self):
        return f"{self.quantity} × {self.sku}"


class FulfillmentState(models.TextChoices):
    CREATED = "created", "Created (picking)"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    CANCELED = "canceled", "Cancelled"


class Fulfillment(Timestamped):
    id = PrefixedIdField(prefix="ful")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="fulfillments")
    location = models.ForeignKey("inventory.StockLocation", null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=20, choices=FulfillmentState.choices, default=FulfillmentState.CREATED)
    provider = models.CharField(max_length=20, default="manual")
    tracking_number = models.CharField(max_length=100, blank=True)
    tracking_url = models.CharField(max_length=500, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    metadata = metadata_field()

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.id} ({self.status})"


class FulfillmentItem(models.Model):
    fulfillment = models.ForeignKey(Fulfillment, on_delete=models.CASCADE, related_name="items")
    line_item = models.ForeignKey(OrderLineItem, on_delete=models.CASCADE, related_name="fulfillment_items")
    quantity = models.PositiveIntegerField()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="fulfillment_item_quantity_positive")]


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    RECEIVED = "received", "Received"
    REFUNDED = "refunded", "Refunded"
    REJECTED = "rejected", "Rejected"
    CANCELED = "canceled", "Cancelled"


class ReturnMethod(models.TextChoices):
    PICKUP = "pickup", "Pickup"
    DROP_OFF = "drop_off", "Drop-off"
    MAIL = "mail", "Mail"


class RefundMethod(models.TextChoices):
    ORIGINAL_PAYMENT = "original_payment", "Original payment"
    STORE_CREDIT = "store_credit", "Store credit (gift card)"


class Return(Timestamped):
    id = PrefixedIdField(prefix="ret")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="returns")
    status = models.CharField(max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.REQUESTED)
    return_method = models.CharField(max_length=20, choices=ReturnMethod.choices, default=ReturnMethod.DROP_OFF)
    refund_method = models.CharField(max_length=20, choices=RefundMethod.choices, default=RefundMethod.ORIGINAL_PAYMENT)
    note = models.TextField(blank=True)
    refund_amount = money_field(help_text="what the returned items are worth (their share of the order total)")
    received_at = models.DateTimeField(null=True, blank=True)
    metadata = metadata_field()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.id} for {self.order_id} ({self.status})"


class ItemCondition(models.TextChoices):
    UNOPENED = "unopened", "Unopened"
    OPENED = "opened", "Opened"
    DAMAGED = "damaged", "Damaged"
    DEFECTIVE = "defective", "Defective"


class ReturnItem(models.Model):
    return_request = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="items")
    line_item = models.ForeignKey(OrderLineItem, on_delete=models.CASCADE, related_name="return_items")
    quantity = models.PositiveIntegerField()
    reason = models.CharField(max_length=300, blank=True)
    condition = models.CharField(max_length=20, choices=ItemCondition.choices, default=ItemCondition.UNOPENED)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="return_item_quantity_positive")]
