"""Price lists (sales and customer-group overrides in a time window), volume tiers, and tax rules.

How a unit price is chosen is described in `commerce.pricing.services.resolve_unit_prices`; how a
tax rate is chosen in `commerce.pricing.tax`.
"""
from decimal import Decimal

from django.db import models
from django.db.models import Q

from cityos.ids import PrefixedIdField
from cityos.money import money_field
from commerce.core.models import Timestamped, currency_field, metadata_field


class PriceListType(models.TextChoices):
    SALE = "sale", "Sale (applies only when cheaper than the list price)"
    OVERRIDE = "override", "Override (replaces the list price, e.g. a B2B contract price)"


class PriceListStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DRAFT = "draft", "Draft"


class PriceList(Timestamped):
    id = PrefixedIdField(prefix="plist")
    name = models.CharField(max_length=200)
    description = models.CharField(max_length=500, blank=True)
    type = models.CharField(max_length=20, choices=PriceListType.choices, default=PriceListType.SALE)
    status = models.CharField(max_length=20, choices=PriceListStatus.choices, default=PriceListStatus.ACTIVE)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    customer_groups = models.ManyToManyField("customers.CustomerGroup", blank=True, related_name="price_lists",
                                             help_text="empty: every shopper")
    metadata = metadata_field()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.name


class PriceListPrice(models.Model):
    id = PrefixedIdField(prefix="plprice")
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="prices")
    variant = models.ForeignKey("catalog.ProductVariant", on_delete=models.CASCADE, related_name="price_list_prices")
    currency_code = currency_field()
    amount = money_field()
    min_quantity = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["variant_id", "currency_code", "min_quantity"]
        constraints = [
            models.UniqueConstraint(fields=["price_list", "variant", "currency_code", "min_quantity"],
                                    name="price_list_price_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="price_list_price_non_negative"),
        ]
        indexes = [models.Index(fields=["variant", "currency_code"], name="plprice_variant_currency")]

    def __str__(self):
        return f"{self.amount} {self.currency_code} (≥{self.min_quantity})"


class VolumePricing(Timestamped):
    """Quantity tiers for one variant, or for every variant of a product (quantities summed)."""

    id = PrefixedIdField(prefix="vprice")
    name = models.CharField(max_length=200)
    product = models.ForeignKey("catalog.Product", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="volume_pricing")
    variant = models.ForeignKey("catalog.ProductVariant", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="volume_pricing")
    customer_groups = models.ManyToManyField("customers.CustomerGroup", blank=True, related_name="volume_pricing",
                                             help_text="empty: every shopper")
    is_active = models.BooleanField(default=True)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "volume pricing"
        verbose_name_plural = "volume pricing"
        constraints = [
            models.CheckConstraint(condition=Q(product__isnull=False) | Q(variant__isnull=False),
                                   name="volume_pricing_has_target"),
        ]

    def __str__(self):
        return self.name


class TierDiscountType(models.TextChoices):
    PERCENTAGE = "percentage", "Percentage off the unit price"
    FIXED_PRICE = "fixed_price", "Fixed unit price"


class VolumePricingTier(models.Model):
    id = PrefixedIdField(prefix="vtier")
    volume_pricing = models.ForeignKey(VolumePricing, on_delete=models.CASCADE, related_name="tiers")
    min_quantity = models.PositiveIntegerField()
    max_quantity = models.PositiveIntegerField(null=True, blank=True)
    discount_type = models.CharField(max_length=20, choices=TierDiscountType.choices,
                                     default=TierDiscountType.PERCENTAGE)
    value = models.DecimalField(max_digits=18, decimal_places=4,
                                help_text="percent (10 = 10 %) or a unit price in `currency_code`")
    currency_code = currency_field(blank=True)

    class Meta:
        ordering = ["min_quantity"]
        constraints = [models.CheckConstraint(condition=Q(min_quantity__gte=1), name="volume_tier_min_positive")]

    def __str__(self):
        upper = f"–{self.max_quantity}" if self.max_quantity else "+"
        return f"{self.min_quantity}{upper}: {self.value} {self.get_discount_type_display()}"


class TaxRule(Timestamped):
    """A VAT rate for a region, optionally narrowed to a product, category, product kind or
    customer group. The matching rule with the highest priority (then the most specific) wins;
    a rule with rate 0 is an exemption. No matching rule: the region's `tax_rate`."""

    id = PrefixedIdField(prefix="txr")
    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="tax_rules")
    name = models.CharField(max_length=120)
    code = models.CharField(max_length=40, blank=True)
    rate = models.DecimalField(max_digits=6, decimal_places=4, default=Decimal("0.15"),
                               help_text="Fraction: 0.15 is 15 %")
    priority = models.IntegerField(default=0)
    product = models.ForeignKey("catalog.Product", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="tax_rules")
    category = models.ForeignKey("catalog.ProductCategory", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="tax_rules")
    product_kind = models.CharField(max_length=20, blank=True)
    customer_group = models.ForeignKey("customers.CustomerGroup", null=True, blank=True, on_delete=models.CASCADE,
                                       related_name="tax_rules")
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["region", "-priority", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(rate__gte=0) & Q(rate__lte=1), name="tax_rule_rate_fraction"),
        ]

    def __str__(self):
        return f"{self.name} ({self.rate * 100:.2f} %)"

    @property
    def specificity(self) -> int:
        return sum(bool(x) for x in (self.product_id, self.category_id, self.product_kind, self.customer_group_id))
