"""Regions (currency, default VAT rate, countries), sales channels and their publishable API keys."""
import secrets
from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.db import models

from cityos.ids import PrefixedIdField
from commerce.core.models import Timestamped, currency_field, metadata_field


class Region(Timestamped):
    """Where and in which currency a cart is priced; `tax_rate` is the fallback VAT rate."""

    id = PrefixedIdField(prefix="reg")
    name = models.CharField(max_length=100)
    currency_code = currency_field()
    tax_rate = models.DecimalField(max_digits=6, decimal_places=4, default=Decimal("0.15"),
                                   help_text="Fraction: 0.15 is 15 % VAT")
    countries = ArrayField(models.CharField(max_length=2), default=list, blank=True,
                           help_text="ISO 3166-1 alpha-2 codes, upper case")
    is_default = models.BooleanField(default=False)
    metadata = metadata_field()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.currency_code})"


class SalesChannel(Timestamped):
    """A storefront (web, app, kiosk …): the products it sells and the keys that address it."""

    id = PrefixedIdField(prefix="sc")
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    is_default = models.BooleanField(default=False)
    is_disabled = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


def new_publishable_token() -> str:
    return "pk_" + secrets.token_hex(24)


class PublishableApiKey(Timestamped):
    """The `x-publishable-api-key` a storefront sends: public, identifies the sales channel."""

    id = PrefixedIdField(prefix="apk")
    sales_channel = models.ForeignKey(SalesChannel, on_delete=models.CASCADE, related_name="api_keys")
    title = models.CharField(max_length=100, default="Storefront")
    token = models.CharField(max_length=80, unique=True, default=new_publishable_token)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "publishable API key"

    def __str__(self):
        return f"{self.title} ({self.token[:10]}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
