"""The catalog: products, their options and variants, prices per currency, collections, categories.

Product `metadata` carries the canonical CMS keys (seeds 000 §3: `cms_poi_id`, `cms_domain`, …)
when the CMS created the product; a GIN index makes `metadata @> {...}` filters cheap.
"""
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce

from cityos.ids import PrefixedIdField
from cityos.money import money_field
from commerce.core.models import Timestamped, currency_field, metadata_field


class ProductStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class ProductKind(models.TextChoices):
    PHYSICAL = "physical", "Physical good"
    DIGITAL = "digital", "Digital good"
    SERVICE = "service", "Service"
    SUBSCRIPTION = "subscription", "Subscription"
    BOOKING = "booking", "Booking"


class ProductCollection(Timestamped):
    id = PrefixedIdField(prefix="pcol")
    title = models.CharField(max_length=200)
    handle = models.SlugField(max_length=200, unique=True)
    metadata = metadata_field()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class ProductCategory(Timestamped):
    """A node of the category tree. `mpath` lists the ids from the root down to this node."""

    id = PrefixedIdField(prefix="pcat")
    name = models.CharField(max_length=200)
    handle = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    mpath = models.CharField(max_length=1000, editable=False, db_index=True)
    rank = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    metadata = metadata_field()

    class Meta:
        ordering = ["mpath", "rank"]
        verbose_name_plural = "product categories"

    def __str__(self):
        return self.name


class Product(Timestamped):
    id = PrefixedIdField(prefix="prod")
    handle = models.SlugField(max_length=200, unique=True)
    title = models.CharField(max_length=255)
    subtitle = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=ProductStatus.choices, default=ProductStatus.DRAFT)
    kind = models.CharField(max_length=20, choices=ProductKind.choices, default=ProductKind.PHYSICAL)
    is_giftcard = models.BooleanField(default=False, help_text="buying it issues a gift card of the unit price")
    discountable = models.BooleanField(default=True)
    thumbnail = models.CharField(max_length=500, blank=True)
    weight = models.PositiveIntegerField(null=True, blank=True, help_text="grams; variants may override")
    collection = models.ForeignKey(ProductCollection, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="products")
    categories = models.ManyToManyField(ProductCategory, blank=True, related_name="products")
    sales_channels = models.ManyToManyField("regions.SalesChannel", blank=True, related_name="products")
    tags = models.JSONField(default=list, blank=True)
    metadata = metadata_field()
    search_vector = models.GeneratedField(
        expression=SearchVector(
            Coalesce("title", models.Value("")), Coalesce("subtitle", models.Value("")),
            Coalesce("handle", models.Value("")), config="simple",
        ),
        output_field=SearchVectorField(), db_persist=True,
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="product_status_created"),
            models.Index(fields=["status", "title"], name="product_status_title"),
            GinIndex(fields=["metadata"], name="product_metadata_gin"),
            GinIndex(fields=["search_vector"], name="product_search"),
        ]

    def __str__(self):
        return self.title


class ProductImage(models.Model):
    id = PrefixedIdField(prefix="img")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    url = models.CharField(max_length=500)
    alt = models.CharField(max_length=255, blank=True)
    rank = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["rank", "id"]

    def __str__(self):
        return self.url


class ProductOption(models.Model):
    id = PrefixedIdField(prefix="opt")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="options")
    title = models.CharField(max_length=100)
    rank = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["rank", "id"]
        constraints = [models.UniqueConstraint(fields=["product", "title"], name="product_option_title")]

    def __str__(self):
        return self.title


class ProductOptionValue(models.Model):
    id = PrefixedIdField(prefix="optval")
    option = models.ForeignKey(ProductOption, on_delete=models.CASCADE, related_name="values")
    value = models.CharField(max_length=100)
    rank = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["rank", "id"]
        constraints = [models.UniqueConstraint(fields=["option", "value"], name="product_option_value")]

    def __str__(self):
        return f"{self.option.title}: {self.value}"


class ProductVariant(Timestamped):
    id = PrefixedIdField(prefix="variant")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    title = models.CharField(max_length=255)
    sku = models.CharField(max_length=100, unique=True)
    barcode = models.CharField(max_length=100, blank=True)
    option_values = models.ManyToManyField(ProductOptionValue, blank=True, related_name="variants")
    weight = models.PositiveIntegerField(null=True, blank=True, help_text="grams")
    manage_inventory = models.BooleanField(default=True, help_text="off: never out of stock (services, digital)")
    allow_backorder = models.BooleanField(default=False)
    inventory_item = models.OneToOneField("inventory.InventoryItem", null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="variant")
    rank = models.PositiveIntegerField(default=0)
    is_archived = models.BooleanField(default=False)
    metadata = metadata_field()

    class Meta:
        ordering = ["rank", "created_at"]

    def __str__(self):
        return f"{self.sku} — {self.title}"


class ProductPrice(models.Model):
    """A variant's list price in one currency (what a shopper pays before price lists and tiers)."""

    id = PrefixedIdField(prefix="price")
    variant = models.ForeignKey(ProductVariant, on_delete=models.CASCADE, related_name="prices")
    currency_code = currency_field()
    amount = money_field()

    class Meta:
        ordering = ["currency_code"]
        constraints = [
            models.UniqueConstraint(fields=["variant", "currency_code"], name="product_price_variant_currency"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="product_price_non_negative"),
        ]
        indexes = [models.Index(fields=["currency_code", "amount"], name="product_price_currency_amount")]

    def __str__(self):
        return f"{self.amount} {self.currency_code}"


class CatalogVersion(models.Model):
    """One row: a token replaced whenever the catalog changes (keys the store's page cache)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    token = models.CharField(max_length=32)

    class Meta:
        db_table = "catalog_catalogversion"

    def __str__(self):
        return self.token
