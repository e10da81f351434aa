"""POI commerce summaries (Patterns B/C of seeds 000): what each point of interest sold, as
commerce reports it, kept in the CMS for editors and dashboards.

`POICommerceSummary` is the live figure, refreshed when an order of the POI is placed, refunded
or cancelled and by the 02:00 UTC job; `POIRevenueSnapshot` is the day's figure kept by the
01:00 UTC snapshot, one row per POI and day. Both are written by `content.revenue` only.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from cityos.money import money_field


class RevenueFigures(models.Model):
    currency = models.CharField(max_length=3)
    gross = money_field(help_text=_("Order lines of the POI, after discounts, VAT included."))
    refunded = money_field()
    net = money_field(help_text=_("Gross minus refunds."))
    order_count = models.PositiveIntegerField(default=0)
    cancelled_order_count = models.PositiveIntegerField(default=0)
    revenue_by_domain = models.JSONField(default=list, blank=True,
                                         help_text=_("[{domain, gross, refunded, net, order_count}]"))

    class Meta:
        abstract = True


class POICommerceSummary(RevenueFigures):
    class Source(models.TextChoices):
        ORDER_EVENT = "order_event", _("An order event")
        REFRESH = "refresh", _("The daily refresh")
        SNAPSHOT = "snapshot", _("The daily snapshot")
        MANUAL = "manual", _("A manual run")

    poi = models.OneToOneField("content.PointOfInterest", on_delete=models.CASCADE, related_name="commerce_summary",
                               verbose_name=_("point of interest"))
    last_7_days = money_field(help_text=_("Gross of the orders placed in the last 7 days."))
    last_30_days = money_field(help_text=_("Gross of the orders placed in the last 30 days."))
    bookings = models.JSONField(default=dict, blank=True, help_text=_(
        "{slots, upcoming_slots, cancelled_slots, capacity, seats_booked, utilisation, reservations: {status: n}}"))
    computed_at = models.DateTimeField()
    source = models.CharField(max_length=20, choices=Source.choices)

    class Meta:
        verbose_name = _("POI commerce summary")
        verbose_name_plural = _("POI commerce summaries")
        ordering = ["-gross"]

    def __str__(self):
        return f"{self.poi}: {self.gross} {self.currency}"


class POIRevenueSnapshot(RevenueFigures):
    poi = models.ForeignKey("content.PointOfInterest", on_delete=models.CASCADE, related_name="revenue_snapshots")
    day = models.DateField(help_text=_("The UTC day the snapshot was taken."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("POI revenue snapshot")
        ordering = ["-day", "poi"]
        constraints = [models.UniqueConstraint(fields=["poi", "day"], name="one_revenue_snapshot_per_poi_day")]

    def __str__(self):
        return f"{self.poi} on {self.day}: {self.gross} {self.currency}"
