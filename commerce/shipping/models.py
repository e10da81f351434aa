"""Shipping options of a region and their rates.

A cart's shipping price is the first rate (by `position`) whose conditions the cart meets:
subtotal and total weight within the rate's bounds. An option none of whose rates match is not
offered for that cart.
"""
from django.db import models
from django.db.models import Q

from cityos.ids import PrefixedIdField
from cityos.money import money_field
from commerce.core.models import Timestamped, metadata_field


class ShippingProvider(models.TextChoices):
    MANUAL = "manual", "Manual (own delivery or pickup)"
    FLEETBASE = "fleetbase", "Fleetbase"


class ShippingOption(Timestamped):
    id = PrefixedIdField(prefix="so")
    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="shipping_options")
    name = models.CharField(max_length=120)
    code = models.SlugField(max_length=60, help_text="standard, express, same_day, pickup …")
    provider = models.CharField(max_length=20, choices=ShippingProvider.choices, default=ShippingProvider.MANUAL)
    is_pickup = models.BooleanField(default=False, help_text="no shipping address needed")
    is_active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)
    metadata = metadata_field()

    class Meta:
        ordering = ["region", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "code"], name="shipping_option_region_code")]

    def __str__(self):
        return f"{self.name} ({self.region.name})"


class ShippingRate(models.Model):
    id = PrefixedIdField(prefix="srate")
    option = models.ForeignKey(ShippingOption, on_delete=models.CASCADE, related_name="rates")
    amount = money_field()
    min_subtotal = money_field(null=True, blank=True, default=None)
    max_subtotal = money_field(null=True, blank=True, default=None)
    min_weight = models.PositiveIntegerField(null=True, blank=True, help_text="grams")
    max_weight = models.PositiveIntegerField(null=True, blank=True, help_text="grams")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="shipping_rate_non_negative")]

    def __str__(self):
        return f"{self.amount}"

    def matches(self, subtotal, weight: int) -> bool:
        return ((self.min_subtotal is None or subtotal >= self.min_subtotal)
                and (self.max_subtotal is None or subtotal < self.max_subtotal)
                and (self.min_weight is None or weight >= self.min_weight)
                and (self.max_weight is None or weight < self.max_weight))
