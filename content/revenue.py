"""POI revenue (Patterns B/C of seeds 000): the CMS's `POICommerceSummary` of every point of
interest, computed by commerce with SQL aggregation and read through the commerce client.

- `refresh_summaries(poi_ids)`: recompute the live summaries of some POIs (order events) or of
  all (the 02:00 UTC job, the command);
- `snapshot()`: the 01:00 UTC job — every POI's summary plus the day's `POIRevenueSnapshot`.

Each run recomputes from the orders (never adds to the stored figures), so a repeated or late
run is harmless. The POI rows are locked while their summaries are written: two refreshes of one
POI queue, and the second sees every order committed before it.
"""
from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone

from cityos.money import ZERO, fmt
from content import commerce_client as commerce
from content.models import POICommerceSummary, POIRevenueSnapshot, PointOfInterest

Source = POICommerceSummary.Source
EMPTY_BOOKINGS = {"slots": 0, "upcoming_slots": 0, "cancelled_slots": 0, "capacity": 0, "seats_booked": 0,
                  "utilisation": "0.00", "reservations": {}}


def _domains(rows: list[dict], currency: str) -> list[dict]:
    """The breakdown by domain as JSON (amounts as strings)."""
    return [{**row, **{k: fmt(row[k], currency) for k in ("gross", "refunded", "net")}} for row in rows]


def _figures(revenue: dict | None, currency: str) -> dict:
    revenue = revenue or {}
    figures = {name: revenue.get(name, ZERO) for name in ("gross", "refunded", "net")}
    return {"currency": currency, **figures, "order_count": revenue.get("order_count", 0),
            "cancelled_order_count": revenue.get("cancelled_order_count", 0),
            "revenue_by_domain": _domains(revenue.get("revenue_by_domain", []), currency)}


def refresh_summaries(poi_ids=None, *, source: str = Source.REFRESH, now: datetime | None = None,
                      snapshot_day=None) -> int:
    """Recompute the summaries of `poi_ids` (every POI when None); with `snapshot_day`, also keep
    that day's snapshot of each. Returns how many POIs were written."""
    now = now or timezone.now()
    with transaction.atomic():
        pois = PointOfInterest.objects.select_for_update().order_by("pk")
        if poi_ids is not None:
            pois = pois.filter(pk__in=list(poi_ids))
        ids = list(pois.values_list("pk", flat=True))
        if not ids:
            return 0
        scope = None if poi_ids is None else ids
        currency = commerce.default_currency()
        revenue = commerce.poi_revenue(currency=currency, poi_ids=scope, now=now)
        bookings = commerce.bookings_by_poi(poi_ids=scope, now=now)
        for poi_id in ids:
            figures = _figures(revenue.get(poi_id), currency)
            POICommerceSummary.objects.update_or_create(poi_id=poi_id, defaults={
                **figures, "last_7_days": revenue.get(poi_id, {}).get("last_7_days", ZERO),
                "last_30_days": revenue.get(poi_id, {}).get("last_30_days", ZERO),
                "bookings": bookings.get(poi_id, EMPTY_BOOKINGS), "computed_at": now, "source": source})
            if snapshot_day is not None:
                POIRevenueSnapshot.objects.update_or_create(poi_id=poi_id, day=snapshot_day, defaults=figures)
    return len(ids)


def snapshot(*, now: datetime | None = None) -> int:
    """Every POI's summary and the snapshot of the day (UTC); taking it again the same day
    replaces that day's rows."""
    now = now or timezone.now()
    return refresh_summaries(source=Source.SNAPSHOT, now=now, snapshot_day=now.astimezone(UTC).date())


def summary_document(summary: POICommerceSummary) -> dict:
    """A summary as JSON (amounts as strings with the currency's minor digits)."""
    currency = summary.currency
    money = {name: fmt(getattr(summary, name), currency)
             for name in ("gross", "refunded", "net", "last_7_days", "last_30_days")}
    return {"poi_id": summary.poi_id, "currency": currency, **money, "order_count": summary.order_count,
            "cancelled_order_count": summary.cancelled_order_count, "revenue_by_domain": summary.revenue_by_domain,
            "bookings": summary.bookings, "computed_at": summary.computed_at.isoformat(), "source": summary.source}
