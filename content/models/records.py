"""The domain collections (seeds 000 §4, §8): the CMS records that drive commerce.

Each record belongs to a point of interest, is drafted and published with Wagtail's revisions
(`DraftStateMixin`), and writes an outbox event in the transaction of every change (created,
updated, published, unpublished, deleted — see `content.events`). Its `commerce_fields()` are
what the push into commerce needs; `commerce_id` holds the id of the commerce entity it maps to,
written back by the push and never by an editor or a revision.
"""
from datetime import timedelta
from decimal import Decimal
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, PublishingPanel
from wagtail.models import DraftStateMixin, RevisionMixin

from cityos.ids import PrefixedIdField
from cityos.money import fmt, money_field
from content.media import image_reference
from content.metadata import build_metadata
from content.models.places import Domain, PointOfInterest
from content.tenancy import default_currency

currency_code = RegexValidator(r"^[A-Z]{3}$", _("An ISO 4217 code in capitals, e.g. SAR."))
not_negative = MinValueValidator(Decimal("0"))


class CmsIdField(PrefixedIdField):
    """A record's public CMS id (`appt_01J…`): unique, not the primary key. Records keep an integer
    primary key for Wagtail's revisions; everything outside the CMS names them by this id."""

    def __init__(self, *args, **kwargs):
        kwargs.update(primary_key=False, unique=True)
        kwargs.setdefault("verbose_name", _("CMS id"))
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("primary_key", None)
        kwargs.pop("unique", None)
        kwargs.pop("verbose_name", None)
        return name, path, args, kwargs


class CommerceEntity(models.TextChoices):
    """What a record becomes in commerce (seeds 000 §4 "CMS push method")."""

    PRODUCT = "product", _("Product")
    BOOKING = "booking", _("Booking")
    SUBSCRIPTION_PRODUCT = "subscription_product", _("Subscription product")


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class DomainRecord(DraftStateMixin, RevisionMixin, models.Model):
    """What every domain collection shares. Subclasses set the class attributes below."""

    collection: ClassVar[str]  # the collection slug: aggregate_type of its events, cms_collection
    domain: ClassVar[str]  # cms_domain
    commerce_entity: ClassVar[str]
    specific_fields: ClassVar[tuple[str, ...]] = ()  # the collection's own fields, pushed as they are
    money_fields: ClassVar[tuple[str, ...]] = ("price",)
    quantity_field: ClassVar[str | None] = None  # what limits how many can be sold (None: one)
    paid_only: ClassVar[bool] = False  # only sold (pushed into commerce) when it has a price
    # The (start, end) fields of what is sold — a slot, a course, a validity or availability
    # window — checked in order by `clean()`; `period_strict`: the end must come after the start.
    period_fields: ClassVar[tuple[str | None, str | None]] = (None, None)
    period_error: ClassVar = _("The end is before the start.")
    period_strict: ClassVar[bool] = False

    poi = models.ForeignKey(PointOfInterest, on_delete=models.PROTECT, related_name="%(class)s_records",
                            verbose_name=_("point of interest"))
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    image = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    price = money_field(validators=[not_negative])
    currency = models.CharField(max_length=3, default=default_currency, validators=[currency_code])
    commerce_id = models.CharField(max_length=64, blank=True, editable=False,
                                   help_text=_("The commerce entity this record is pushed to."))
    commerce_synced_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Fields that are not the record's content: a change to them alone is no event.
    STATE_FIELDS = frozenset({
        "cms_id", "live", "has_unpublished_changes", "first_published_at", "last_published_at", "live_revision",
        "go_live_at", "expire_at", "expired", "latest_revision", "created_at", "updated_at",
    })
    # Written back by the commerce push only; editors' saves and revisions never overwrite them.
    COMMERCE_FIELDS = ("commerce_id", "commerce_synced_at", "created_at")

    class Meta:
        abstract = True
        ordering = ["-updated_at"]

    def __str__(self):
        return self.title

    # ----- what the push needs -------------------------------------------------------------
    def period(self) -> tuple:
        """(start, end) of what is sold: a slot, a course, a validity or availability window."""
        start, end = self.period_fields
        return (getattr(self, start) if start else None), (getattr(self, end) if end else None)

    # ----- validation ----------------------------------------------------------------------
    def clean(self):
        """The period in order, then the collection's own rules (`validate`), in one error."""
        super().clean()
        errors: dict = {}
        start, end = (getattr(self, name) if name else None for name in self.period_fields)
        if start is not None and end is not None and (end <= start if self.period_strict else end < start):
            errors[self.period_fields[1]] = self.period_error
        self.validate(errors)
        if errors:
            raise ValidationError(errors)

    def validate(self, errors: dict) -> None:
        """Add the collection's own field errors (`{field: message}`) to `errors`."""

    def is_sold(self) -> bool:
        """Whether commerce sells it: always, or — for `paid_only` collections — when it has a price."""
        return not self.paid_only or bool(self.price and self.price > 0)

    def quantity(self) -> int | str | None:
        if self.quantity_field is None:
            return 1
        value = getattr(self, self.quantity_field)
        return str(value) if isinstance(value, Decimal) else value

    def commerce_fields(self) -> dict:
        start, end = self.period()
        fields = {
            "title": self.title,
            "slug": self.slug,
            "description": self.description,
            "price": fmt(self.price, self.currency),
            "currency": self.currency,
            "image": image_reference(self.image),
            "commerce_entity": self.commerce_entity,
            "commerce_id": self.commerce_id or None,
            "quantity": self.quantity(),
            "period": {"start": _plain(start), "end": _plain(end)},
        }
        for name in self.specific_fields:
            value = getattr(self, name)
            if name in self.money_fields and value is not None:
                fields[name] = fmt(value, self.currency)
            else:
                fields[name] = _plain(value)
        return fields

    def metadata_document(self) -> dict:
        """The record as the metadata builders read it (seeds' `doc`)."""
        return {"id": self.cms_id, "title": self.title, "poi_id": self.poi_id}

    def canonical_metadata(self, tenant_id: str, synced_at) -> dict:
        return build_metadata(self.metadata_document(), collection=self.collection, tenant_id=tenant_id,
                              synced_at=synced_at)

    # ----- change tracking -----------------------------------------------------------------
    @classmethod
    def content_attnames(cls) -> list[str]:
        return [f.attname for f in cls._meta.concrete_fields
                if not f.primary_key and f.name not in cls.STATE_FIELDS and f.name not in cls.COMMERCE_FIELDS]

    @classmethod
    def watched_names(cls) -> set[str]:
        names = {f.name for f in cls._meta.concrete_fields if f.name not in cls.STATE_FIELDS}
        names |= {f.attname for f in cls._meta.concrete_fields if f.name not in cls.STATE_FIELDS}
        return names | {"live", "live_revision", "live_revision_id"}

    def stored_state(self, lock: bool = False) -> dict | None:
        """The row as stored (None before it exists): what a save is compared against."""
        if self.pk is None:
            return None
        rows = type(self)._base_manager.filter(pk=self.pk)
        if lock:
            rows = rows.select_for_update()
        return rows.values("live", "live_revision_id", *self.content_attnames(), *self.COMMERCE_FIELDS).first()

    def save(self, *args, **kwargs):
        from content import events

        update_fields = kwargs.get("update_fields")
        if update_fields is not None and not set(update_fields) & self.watched_names():
            return super().save(*args, **kwargs)  # revision bookkeeping: no change to the record
        with transaction.atomic():
            before = self.stored_state(lock=True)
            if before is not None:
                # A full save never writes the commerce link: only a save naming it does.
                if update_fields is None:
                    kwargs["update_fields"] = [f.name for f in self._meta.concrete_fields
                                               if not f.primary_key and f.name not in self.COMMERCE_FIELDS]
                for name in set(self.COMMERCE_FIELDS) - set(update_fields or ()):
                    setattr(self, name, before[name])
            super().save(*args, **kwargs)
            events.record_saved(self, before, self.stored_state())

    def with_content_json(self, content):
        obj = super().with_content_json(content)
        obj.cms_id = self.cms_id
        for name in self.COMMERCE_FIELDS:  # owned by the push, not by the revision being restored
            setattr(obj, name, getattr(self, name))
        return obj


def _plain(value):
    """A JSON-ready value: dates as ISO 8601, decimals as strings."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)



def record_panels(*specific) -> list:
    """Edit form of a record: identity, the collection's own fields, price, then publishing."""
    return [
        FieldRowPanel([FieldPanel("title"), FieldPanel("slug")]),
        FieldPanel("poi"),
        FieldPanel("description"),
        FieldPanel("image"),
        *specific,
        MultiFieldPanel([FieldRowPanel([FieldPanel("price"), FieldPanel("currency")])], heading=_("Price")),
        PublishingPanel(),
    ]


# ---------------------------------------------------------------------------------------------
# healthcare
# ---------------------------------------------------------------------------------------------
class HealthcareAppointment(DomainRecord):
    """A bookable appointment slot with a practitioner (pushed as a booking)."""

    collection = "healthcare-appointments"
    domain = Domain.HEALTHCARE
    commerce_entity = CommerceEntity.BOOKING
    specific_fields = ("practitioner", "specialty", "mode", "starts_at", "duration_minutes", "capacity")
    quantity_field = "capacity"

    class AppointmentMode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        TELEHEALTH = "telehealth", _("Telehealth")

    cms_id = CmsIdField(prefix="appt")
    practitioner = models.CharField(max_length=120)
    specialty = models.CharField(max_length=80)
    mode = models.CharField(max_length=12, choices=AppointmentMode.choices, default=AppointmentMode.IN_PERSON)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=30, validators=[MinValueValidator(5),
                                                                                MaxValueValidator(480)])
    capacity = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)],
                                                help_text=_("Patients that can book this slot."))

    panels = record_panels(
        FieldRowPanel([FieldPanel("practitioner"), FieldPanel("specialty"), FieldPanel("mode")]),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("duration_minutes"), FieldPanel("capacity")]),
    )

    class Meta(DomainRecord.Meta):
        verbose_name = _("healthcare appointment")

    def period(self):
        if self.starts_at is None:
            return None, None
        return self.starts_at, self.starts_at + timedelta(minutes=self.duration_minutes or 0)


# ---------------------------------------------------------------------------------------------
# education
# ---------------------------------------------------------------------------------------------
class CourseEnrollment(DomainRecord):
    """A course offering people enrol in (paid courses are pushed as products)."""

    collection = "course-enrollments"
    domain = Domain.EDUCATION
    commerce_entity = CommerceEntity.PRODUCT
    specific_fields = ("course_code", "instructor", "level", "mode", "starts_on", "ends_on", "schedule", "seats",
                       "hours", "is_paid")
    quantity_field = "seats"
    paid_only = True
    period_fields = ("starts_on", "ends_on")
    period_error = _("The course cannot end before it starts.")

    class Level(models.TextChoices):
        ALL = "all", _("All levels")
        BEGINNER = "beginner", _("Beginner")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    cms_id = CmsIdField(prefix="crse")
    course_code = models.CharField(max_length=30, blank=True)
    instructor = models.CharField(max_length=120, blank=True)
    level = models.CharField(max_length=12, choices=Level.choices, default=Level.ALL)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    schedule = models.CharField(max_length=200, blank=True, help_text=_("E.g. Sun and Tue, 18:00–20:00."))
    seats = models.PositiveIntegerField(default=20, validators=[MinValueValidator(1)])
    hours = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("Total teaching hours."))

    panels = record_panels(
        FieldRowPanel([FieldPanel("course_code"), FieldPanel("instructor")]),
        FieldRowPanel([FieldPanel("level"), FieldPanel("mode"), FieldPanel("seats"), FieldPanel("hours")]),
        FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
        FieldPanel("schedule"),
    )

    class Meta(DomainRecord.Meta):
        verbose_name = _("course enrollment")

    @property
    def is_paid(self) -> bool:
        return bool(self.price and self.price > 0)



# ---------------------------------------------------------------------------------------------
# transportation
# ---------------------------------------------------------------------------------------------
class TransitPass(DomainRecord):
    """A ticket or pass (pushed as a subscription product when it renews)."""

    collection = "transit-passes"
    domain = Domain.TRANSPORTATION
    commerce_entity = CommerceEntity.SUBSCRIPTION_PRODUCT
    specific_fields = ("pass_type", "rider_category", "zones", "validity_days", "billing_interval", "valid_from",
                       "valid_until", "max_sales")
    quantity_field = "max_sales"
    period_fields = ("valid_from", "valid_until")
    period_error = _("The sale ends before it starts.")

    class PassType(models.TextChoices):
        SINGLE = "single", _("Single journey")
        DAY = "day", _("Day pass")
        WEEK = "week", _("Weekly pass")
        MONTH = "month", _("Monthly pass")
        ANNUAL = "annual", _("Annual pass")

    class Rider(models.TextChoices):
        ADULT = "adult", _("Adult")
        STUDENT = "student", _("Student")
        SENIOR = "senior", _("Senior")
        CHILD = "child", _("Child")
        DISABLED = "disabled", _("Person with disability")

    class Interval(models.TextChoices):
        NONE = "none", _("Does not renew")
        MONTH = "month", _("Renews monthly")
        YEAR = "year", _("Renews yearly")

    cms_id = CmsIdField(prefix="tpass")
    pass_type = models.CharField(max_length=10, choices=PassType.choices, default=PassType.MONTH)
    rider_category = models.CharField(max_length=10, choices=Rider.choices, default=Rider.ADULT)
    zones = models.CharField(max_length=120, default="All zones")
    validity_days = models.PositiveSmallIntegerField(default=30, validators=[MinValueValidator(1)])
    billing_interval = models.CharField(max_length=5, choices=Interval.choices, default=Interval.NONE)
    valid_from = models.DateField(null=True, blank=True, help_text=_("On sale from (empty: now)."))
    valid_until = models.DateField(null=True, blank=True, help_text=_("On sale until (empty: no end)."))
    max_sales = models.PositiveIntegerField(null=True, blank=True, help_text=_("Empty: unlimited."))

    panels = record_panels(
        FieldRowPanel([FieldPanel("pass_type"), FieldPanel("rider_category"), FieldPanel("zones")]),
        FieldRowPanel([FieldPanel("validity_days"), FieldPanel("billing_interval"), FieldPanel("max_sales")]),
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")]),
    )

    class Meta(DomainRecord.Meta):
        verbose_name = _("transit pass")
        verbose_name_plural = _("transit passes")



# ---------------------------------------------------------------------------------------------
# agriculture
# ---------------------------------------------------------------------------------------------
class MarketListing(DomainRecord):
    """Produce offered at a market or farm, sold by the unit (pushed as a product)."""

    collection = "market-listings"
    domain = Domain.AGRICULTURE
    commerce_entity = CommerceEntity.PRODUCT
    specific_fields = ("category", "unit", "quantity_available", "min_order_quantity", "origin", "organic",
                       "harvested_on", "available_from", "available_until")
    quantity_field = "quantity_available"
    period_fields = ("available_from", "available_until")
    period_error = _("Availability ends before it starts.")

    class Category(models.TextChoices):
        PRODUCE = "produce", _("Fruit and vegetables")
        DATES = "dates", _("Dates")
        DAIRY = "dairy", _("Dairy and eggs")
        MEAT = "meat", _("Meat and poultry")
        GRAINS = "grains", _("Grains and pulses")
        HONEY = "honey", _("Honey")
        PLANTS = "plants", _("Plants and seedlings")
        OTHER = "other", _("Other")

    class Unit(models.TextChoices):
        KG = "kg", _("kilogram")
        BOX = "box", _("box")
        BUNCH = "bunch", _("bunch")
        PIECE = "piece", _("piece")
        DOZEN = "dozen", _("dozen")
        LITRE = "l", _("litre")

    cms_id = CmsIdField(prefix="mlst")
    category = models.CharField(max_length=10, choices=Category.choices, default=Category.PRODUCE)
    unit = models.CharField(max_length=6, choices=Unit.choices, default=Unit.KG, help_text=_("The price is per unit."))
    quantity_available = models.DecimalField(max_digits=12, decimal_places=3, validators=[not_negative])
    min_order_quantity = models.DecimalField(max_digits=12, decimal_places=3, default=Decimal("1"),
                                             validators=[MinValueValidator(Decimal("0.001"))])
    origin = models.CharField(max_length=120, blank=True, help_text=_("Farm or region."))
    organic = models.BooleanField(default=False)
    harvested_on = models.DateField(null=True, blank=True)
    available_from = models.DateField(null=True, blank=True)
    available_until = models.DateField(null=True, blank=True)

    panels = record_panels(
        FieldRowPanel([FieldPanel("category"), FieldPanel("unit"), FieldPanel("organic")]),
        FieldRowPanel([FieldPanel("quantity_available"), FieldPanel("min_order_quantity")]),
        FieldRowPanel([FieldPanel("origin"), FieldPanel("harvested_on")]),
        FieldRowPanel([FieldPanel("available_from"), FieldPanel("available_until")]),
    )

    class Meta(DomainRecord.Meta):
        verbose_name = _("market listing")

    def validate(self, errors):
        if (self.quantity_available is not None and self.min_order_quantity is not None
                and self.min_order_quantity > self.quantity_available > 0):
            errors["min_order_quantity"] = _("The minimum order is more than is available.")


# ---------------------------------------------------------------------------------------------
# real estate
# ---------------------------------------------------------------------------------------------
class RentPeriod(models.TextChoices):
    HOUR = "hour", _("per hour")
    DAY = "day", _("per day")
    WEEK = "week", _("per week")
    MONTH = "month", _("per month")
    YEAR = "year", _("per year")


class Property(DomainRecord):
    """A property listed for sale or rent (pushed as a product)."""

    collection = "properties"
    domain = Domain.REAL_ESTATE
    commerce_entity = CommerceEntity.PRODUCT
    specific_fields = ("listing_type", "property_type", "bedrooms", "bathrooms", "area_sqm", "address", "furnished",
                       "rent_period", "available_from")
    period_fields = ("available_from", None)

    class ListingType(models.TextChoices):
        SALE = "sale", _("For sale")
        RENT = "rent", _("For rent")

    class PropertyType(models.TextChoices):
        APARTMENT = "apartment", _("Apartment")
        VILLA = "villa", _("Villa")
        TOWNHOUSE = "townhouse", _("Townhouse")
        OFFICE = "office", _("Office")
        RETAIL = "retail", _("Retail unit")
        WAREHOUSE = "warehouse", _("Warehouse")
        LAND = "land", _("Land")

    cms_id = CmsIdField(prefix="prop")
    listing_type = models.CharField(max_length=4, choices=ListingType.choices, default=ListingType.SALE)
    property_type = models.CharField(max_length=10, choices=PropertyType.choices, default=PropertyType.APARTMENT)
    bedrooms = models.PositiveSmallIntegerField(null=True, blank=True)
    bathrooms = models.PositiveSmallIntegerField(null=True, blank=True)
    area_sqm = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("1"))],
                                   verbose_name=_("area (m²)"))
    address = models.CharField(max_length=255)
    furnished = models.BooleanField(default=False)
    rent_period = models.CharField(max_length=5, choices=RentPeriod.choices, blank=True,
                                   help_text=_("For rent: what the price covers."))
    available_from = models.DateField(null=True, blank=True)

    panels = record_panels(
        FieldRowPanel([FieldPanel("listing_type"), FieldPanel("property_type"), FieldPanel("rent_period")]),
        FieldRowPanel([FieldPanel("bedrooms"), FieldPanel("bathrooms"), FieldPanel("area_sqm"),
                       FieldPanel("furnished")]),
        FieldRowPanel([FieldPanel("address"), FieldPanel("available_from")]),
    )

    class Meta(DomainRecord.Meta):
        verbose_name = _("property")
        verbose_name_plural = _("properties")

    def validate(self, errors):
        if self.listing_type == self.ListingType.RENT and not self.rent_period:
            errors["rent_period"] = _("Say what period the rent is for.")
        if self.listing_type == self.ListingType.SALE and self.rent_period:
            errors["rent_period"] = _("A property for sale has no rent period.")


class Rental(DomainRecord):
    """Something rented by the period: a property, a vehicle, equipment or a space (pushed as a product)."""

    collection = "rentals"
    domain = Domain.REAL_ESTATE
    commerce_entity = CommerceEntity.PRODUCT
    specific_fields = ("rental_type", "rented_property_cms_id", "rent_period", "min_periods", "deposit", "units_available",
                       "available_from", "available_until")
    money_fields = ("price", "deposit")
    quantity_field = "units_available"
    period_fields = ("available_from", "available_until")
    period_error = _("Availability ends before it starts.")

    class RentalType(models.TextChoices):
        PROPERTY = "property", _("Property")
        VEHICLE = "vehicle", _("Vehicle")
        EQUIPMENT = "equipment", _("Equipment")
        SPACE = "space", _("Space / venue")

    cms_id = CmsIdField(prefix="rent")
    rental_type = models.CharField(max_length=10, choices=RentalType.choices, default=RentalType.PROPERTY)
    rented_property = models.ForeignKey(Property, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="rentals", help_text=_("The property rented, when it is one."))
    rent_period = models.CharField(max_length=5, choices=RentPeriod.choices, default=RentPeriod.MONTH)
    min_periods = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    deposit = money_field(validators=[not_negative])
    units_available = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    available_from = models.DateField(null=True, blank=True)
    available_until = models.DateField(null=True, blank=True)

    panels = record_panels(
        FieldRowPanel([FieldPanel("rental_type"), FieldPanel("rented_property")]),
        FieldRowPanel([FieldPanel("rent_period"), FieldPanel("min_periods"), FieldPanel("units_available")]),
        FieldPanel("deposit"),
        FieldRowPanel([FieldPanel("available_from"), FieldPanel("available_until")]),
    )

    class Meta(DomainRecord.Meta):
        verbose_name = _("rental")

    @property
    def rented_property_cms_id(self) -> str | None:
        return self.rented_property.cms_id if self.rented_property_id else None

    def validate(self, errors):
        if self.rented_property_id and self.rental_type != self.RentalType.PROPERTY:
            errors["rented_property"] = _("Only a property rental names a property.")


# ---------------------------------------------------------------------------------------------
# commerce
# ---------------------------------------------------------------------------------------------
class ServicePlan(DomainRecord):
    """A plan or membership tier sold by subscription (pushed as a subscription product)."""

    collection = "service-plans"
    domain = Domain.COMMERCE
    commerce_entity = CommerceEntity.SUBSCRIPTION_PRODUCT
    specific_fields = ("billing_interval", "trial_days", "features", "tier", "max_subscribers")
    quantity_field = "max_subscribers"

    class Interval(models.TextChoices):
        MONTH = "month", _("Monthly")
        QUARTER = "quarter", _("Quarterly")
        YEAR = "year", _("Yearly")
        ONE_TIME = "one_time", _("One-time")

    cms_id = CmsIdField(prefix="plan")
    billing_interval = models.CharField(max_length=10, choices=Interval.choices, default=Interval.MONTH)
    trial_days = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(365)])
    feature_list = models.TextField(blank=True, verbose_name=_("features"), help_text=_("One feature per line."))
    tier = models.PositiveSmallIntegerField(default=1, help_text=_("Order among the POI's plans (1 first)."))
    max_subscribers = models.PositiveIntegerField(null=True, blank=True, help_text=_("Empty: unlimited."))

    panels = record_panels(
        FieldRowPanel([FieldPanel("billing_interval"), FieldPanel("trial_days"), FieldPanel("tier"),
                       FieldPanel("max_subscribers")]),
        FieldPanel("feature_list"),
    )

    class Meta(DomainRecord.Meta):
        verbose_name = _("service plan")

    @property
    def features(self) -> list[str]:
        return [line.strip() for line in self.feature_list.splitlines() if line.strip()]


# ---------------------------------------------------------------------------------------------
# citizen services
# ---------------------------------------------------------------------------------------------
class CitizenService(DomainRecord):
    """A municipal service people apply and pay for (pushed as a product)."""

    collection = "citizen-services"
    domain = Domain.CITIZEN_SERVICES
    commerce_entity = CommerceEntity.PRODUCT
    specific_fields = ("service_code", "department", "delivery_channel", "processing_days", "requires_appointment",
                       "eligibility", "required_documents", "daily_capacity")
    quantity_field = "daily_capacity"

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_PERSON = "in_person", _("At the service centre")
        BOTH = "both", _("Online or in person")

    cms_id = CmsIdField(prefix="csvc")
    service_code = models.CharField(max_length=30, blank=True)
    department = models.CharField(max_length=120)
    delivery_channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.BOTH)
    processing_days = models.PositiveSmallIntegerField(null=True, blank=True,
                                                       help_text=_("Working days until it is delivered."))
    requires_appointment = models.BooleanField(default=False)
    eligibility = models.TextField(blank=True)
    required_documents = models.TextField(blank=True, help_text=_("One document per line."))
    daily_capacity = models.PositiveIntegerField(null=True, blank=True, help_text=_("Empty: unlimited."))

    panels = record_panels(
        FieldRowPanel([FieldPanel("service_code"), FieldPanel("department")]),
        FieldRowPanel([FieldPanel("delivery_channel"), FieldPanel("processing_days"),
                       FieldPanel("requires_appointment"), FieldPanel("daily_capacity")]),
        FieldPanel("eligibility"),
        FieldPanel("required_documents"),
    )

    class Meta(DomainRecord.Meta):
        verbose_name = _("citizen service")


# ---------------------------------------------------------------------------------------------
# events and culture
# ---------------------------------------------------------------------------------------------
class Event(DomainRecord):
    """A dated event with tickets (pushed as one product per event)."""

    collection = "events"
    domain = Domain.EVENTS_CULTURE
    commerce_entity = CommerceEntity.PRODUCT
    specific_fields = ("category", "starts_at", "ends_at", "organizer", "capacity", "minimum_age", "venue_details")
    quantity_field = "capacity"
    period_fields = ("starts_at", "ends_at")
    period_error = _("The event must end after it starts.")
    period_strict = True

    class Category(models.TextChoices):
        CONCERT = "concert", _("Concert")
        FESTIVAL = "festival", _("Festival")
        EXHIBITION = "exhibition", _("Exhibition")
        CONFERENCE = "conference", _("Conference")
        SPORT = "sport", _("Sport")
        WORKSHOP = "workshop", _("Workshop")
        FAMILY = "family", _("Family")
        OTHER = "other", _("Other")

    cms_id = CmsIdField(prefix="evt")
    category = models.CharField(max_length=12, choices=Category.choices, default=Category.OTHER)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    organizer = models.CharField(max_length=160, blank=True)
    capacity = models.PositiveIntegerField(validators=[MinValueValidator(1)], help_text=_("Tickets on sale."))
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    venue_details = models.CharField(max_length=160, blank=True, help_text=_("Hall, room or gate at the POI."))

    panels = record_panels(
        FieldRowPanel([FieldPanel("category"), FieldPanel("organizer")]),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("minimum_age"), FieldPanel("venue_details")]),
    )

    class Meta(DomainRecord.Meta):
        verbose_name = _("event")



# ---------------------------------------------------------------------------------------------
# jobs and economy
# ---------------------------------------------------------------------------------------------
class JobListing(DomainRecord):
    """A job advertised at a POI; the price is the listing fee (paid listings are pushed as products)."""

    collection = "job-listings"
    domain = Domain.JOBS_ECONOMY
    commerce_entity = CommerceEntity.PRODUCT
    specific_fields = ("employer", "employment_type", "work_mode", "salary_min", "salary_max", "salary_period",
                       "positions", "application_deadline", "application_url", "application_email")
    money_fields = ("price", "salary_min", "salary_max")
    quantity_field = "positions"
    paid_only = True
    period_fields = (None, "application_deadline")

    class EmploymentType(models.TextChoices):
        FULL_TIME = "full_time", _("Full time")
        PART_TIME = "part_time", _("Part time")
        CONTRACT = "contract", _("Contract")
        TEMPORARY = "temporary", _("Temporary")
        INTERNSHIP = "internship", _("Internship")

    class WorkMode(models.TextChoices):
        ON_SITE = "on_site", _("On site")
        REMOTE = "remote", _("Remote")
        HYBRID = "hybrid", _("Hybrid")

    class SalaryPeriod(models.TextChoices):
        HOUR = "hour", _("per hour")
        MONTH = "month", _("per month")
        YEAR = "year", _("per year")

    cms_id = CmsIdField(prefix="job")
    employer = models.CharField(max_length=160)
    employment_type = models.CharField(max_length=10, choices=EmploymentType.choices, default=EmploymentType.FULL_TIME)
    work_mode = models.CharField(max_length=8, choices=WorkMode.choices, default=WorkMode.ON_SITE)
    salary_min = money_field(null=True, blank=True, default=None, validators=[not_negative])
    salary_max = money_field(null=True, blank=True, default=None, validators=[not_negative])
    salary_period = models.CharField(max_length=5, choices=SalaryPeriod.choices, default=SalaryPeriod.MONTH)
    positions = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    application_deadline = models.DateField(null=True, blank=True)
    application_url = models.URLField(blank=True)
    application_email = models.EmailField(blank=True)

    panels = record_panels(
        FieldRowPanel([FieldPanel("employer"), FieldPanel("employment_type"), FieldPanel("work_mode")]),
        FieldRowPanel([FieldPanel("salary_min"), FieldPanel("salary_max"), FieldPanel("salary_period")]),
        FieldRowPanel([FieldPanel("positions"), FieldPanel("application_deadline")]),
        FieldRowPanel([FieldPanel("application_url"), FieldPanel("application_email")]),
    )

    class Meta(DomainRecord.Meta):
        verbose_name = _("job listing")

    def validate(self, errors):
        if self.salary_min is not None and self.salary_max is not None and self.salary_max < self.salary_min:
            errors["salary_max"] = _("The maximum salary is below the minimum.")
        if not (self.application_url or self.application_email):
            errors["application_url"] = _("Say how to apply: a URL or an e-mail address.")


# The domain collections by slug (the `aggregate_type` of their events and their `cms_collection`).
COLLECTIONS: dict[str, type[DomainRecord]] = {
    model.collection: model
    for model in (HealthcareAppointment, CourseEnrollment, TransitPass, MarketListing, Property, Rental,
                  ServicePlan, CitizenService, Event, JobListing)
}
