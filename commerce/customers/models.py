"""Shoppers of one tenant: customers (not platform users), their addresses, groups and API tokens.

A customer without `has_account` is a guest known only by the email of a past checkout; when
that email registers, the guest record becomes the account, keeping its order history.
"""
from django.contrib.auth.hashers import check_password, make_password
from django.db import models

from cityos.ids import PrefixedIdField
from commerce.core.models import Timestamped, metadata_field


class CustomerGroup(Timestamped):
    """A segment (VIP, B2B, staff …) that price lists, promotions and tax rules can target."""

    id = PrefixedIdField(prefix="cgrp")
    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    metadata = metadata_field()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Customer(Timestamped):
    id = PrefixedIdField(prefix="cus")
    email = models.EmailField(max_length=254, unique=True, help_text="stored lower case")
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    password = models.CharField(max_length=128, blank=True)
    has_account = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    groups = models.ManyToManyField(CustomerGroup, blank=True, related_name="customers")
    metadata = metadata_field()

    # What DRF's permission checks expect of an authenticated principal.
    is_authenticated = True
    is_anonymous = False

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["-created_at"], name="customer_created")]

    def __str__(self):
        return self.email

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    def set_password(self, raw: str) -> None:
        self.password = make_password(raw)

    def check_password(self, raw: str) -> bool:
        return bool(self.password) and check_password(raw, self.password)


class CustomerAddress(Timestamped):
    id = PrefixedIdField(prefix="caddr")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    company = models.CharField(max_length=200, blank=True)
    address_1 = models.CharField(max_length=255)
    address_2 = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=100)
    province = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country_code = models.CharField(max_length=2)
    phone = models.CharField(max_length=32, blank=True)
    is_default_shipping = models.BooleanField(default=False)
    is_default_billing = models.BooleanField(default=False)
    metadata = metadata_field()

    class Meta:
        ordering = ["-is_default_shipping", "created_at"]
        verbose_name_plural = "customer addresses"

    def __str__(self):
        return f"{self.address_1}, {self.city} ({self.country_code})"


class CustomerToken(models.Model):
    """A bearer token issued by `POST /store/auth/token`; only its SHA-256 digest is stored."""

    digest = models.CharField(max_length=64, primary_key=True)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="tokens")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"token of {self.customer_id} (expires {self.expires_at:%Y-%m-%d})"
