"""Stock: inventory items, stock locations, levels per location, and reservation holds.

Available stock at a location is `stocked_quantity - reserved_quantity`. Reserving raises
`reserved_quantity` and writes a `ReservationHold` naming what it is held for (a cart while its
checkout runs, with an expiry; an order until it is fulfilled or cancelled, without one).
Fulfilment lowers both figures; releasing a hold lowers only `reserved_quantity`.
"""
from django.db import models
from django.db.models import Q

from cityos.ids import PrefixedIdField
from commerce.core.models import Timestamped, metadata_field


class InventoryItem(Timestamped):
    id = PrefixedIdField(prefix="iitem")
    sku = models.CharField(max_length=100, unique=True)
    title = models.CharField(max_length=255, blank=True)
    requires_shipping = models.BooleanField(default=True)
    metadata = metadata_field()

    class Meta:
        ordering = ["sku"]

    def __str__(self):
        return self.sku


class StockLocation(Timestamped):
    id = PrefixedIdField(prefix="sloc")
    name = models.CharField(max_length=120)
    address = models.JSONField(default=dict, blank=True)
    is_default = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    metadata = metadata_field()

    class Meta:
        ordering = ["-is_default", "name"]

    def __str__(self):
        return self.name


class InventoryLevel(Timestamped):
    id = PrefixedIdField(prefix="ilev")
    item = models.ForeignKey(InventoryItem, on_delete=models.CASCADE, related_name="levels")
    location = models.ForeignKey(StockLocation, on_delete=models.PROTECT, related_name="levels")
    stocked_quantity = models.IntegerField(default=0, help_text="on hand")
    reserved_quantity = models.IntegerField(default=0, help_text="held for carts and unfulfilled orders")

    class Meta:
        ordering = ["item__sku", "location__name"]
        constraints = [
            models.UniqueConstraint(fields=["item", "location"], name="inventory_level_item_location"),
            models.CheckConstraint(condition=Q(stocked_quantity__gte=0), name="inventory_level_stocked_non_negative"),
            models.CheckConstraint(condition=Q(reserved_quantity__gte=0), name="inventory_level_reserved_non_negative"),
        ]

    def __str__(self):
        return f"{self.item.sku} @ {self.location.name}: {self.stocked_quantity} ({self.reserved_quantity} reserved)"

    @property
    def available_quantity(self) -> int:
        return self.stocked_quantity - self.reserved_quantity


class ReservationHold(models.Model):
    """Stock held at one level for a cart (expires) or an order (until fulfilled or cancelled)."""

    id = PrefixedIdField(prefix="resv")
    level = models.ForeignKey(InventoryLevel, on_delete=models.CASCADE, related_name="holds")
    quantity = models.PositiveIntegerField()
    cart_id = models.CharField(max_length=40, blank=True, db_index=True)
    order_id = models.CharField(max_length=40, blank=True, db_index=True)
    line_item_id = models.CharField(max_length=40, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["expires_at"], name="reservation_expiry",
                         condition=Q(expires_at__isnull=False)),
        ]

    def __str__(self):
        owner = self.order_id or self.cart_id or "?"
        return f"{self.quantity} × {self.level_id} for {owner}"
