"""Points of interest: the facilities (clinic, market hall, station, venue, …) records belong to.

A POI's id is the `cms_poi_id` every commerce entity pushed from its records carries, so orders
can be attributed back to the facility that sold them.
"""
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.search import index

from cityos.ids import PrefixedIdField


class Domain(models.TextChoices):
    """The CMS domains of seeds 000 §8 (`cms_domain`)."""

    HEALTHCARE = "healthcare", _("Healthcare")
    EDUCATION = "education", _("Education")
    TRANSPORTATION = "transportation", _("Transportation")
    AGRICULTURE = "agriculture", _("Agriculture")
    REAL_ESTATE = "real-estate", _("Real estate")
    COMMERCE = "commerce", _("Commerce")
    CITIZEN_SERVICES = "citizen-services", _("Citizen services")
    EVENTS_CULTURE = "events-culture", _("Events and culture")
    JOBS_ECONOMY = "jobs-economy", _("Jobs and economy")


class PointOfInterest(index.Indexed, models.Model):
    class Kind(models.TextChoices):
        CLINIC = "clinic", _("Clinic / hospital")
        SCHOOL = "school", _("School / training centre")
        STATION = "station", _("Station / transit hub")
        MARKET = "market", _("Market / farm")
        PROPERTY = "property", _("Property / building")
        OFFICE = "office", _("Office / service centre")
        VENUE = "venue", _("Venue")
        STORE = "store", _("Store")
        OTHER = "other", _("Other")

    id = PrefixedIdField(prefix="poi")
    name = models.CharField(max_length=160)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    domain = models.CharField(max_length=30, choices=Domain.choices, help_text=_("The main domain it serves."))
    description = models.TextField(blank=True)
    image = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    address = models.CharField(max_length=255, blank=True)
    district = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=100, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))])
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))])
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    opening_hours = models.TextField(blank=True, help_text=_("One line per day or range, e.g. Sun–Thu 08:00–17:00."))
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("slug")]),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("domain"), FieldPanel("is_active")]),
        FieldPanel("description"), FieldPanel("image"),
        MultiFieldPanel([FieldPanel("address"), FieldRowPanel([FieldPanel("district"), FieldPanel("city")]),
                         FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")])], heading=_("Location")),
        MultiFieldPanel([FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]), FieldPanel("website"),
                         FieldPanel("opening_hours")], heading=_("Contact and hours")),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.SearchField("address"),
                     index.FilterField("domain"), index.FilterField("kind")]

    class Meta:
        verbose_name = _("point of interest")
        verbose_name_plural = _("points of interest")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError({"longitude": _("Give both latitude and longitude, or neither.")})
