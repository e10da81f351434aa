"""POI revenue aggregation (target: ≤ 2 s over 100,000 orders in one tenant), at two sizes.

On a database of its own (`cityos_bench_poi_revenue`, one tenant), it bulk-creates orders of CMS
products — one or two lines each, spread over 60 days, a few cancelled, some partly refunded,
attributed to 20 points of interest across the nine domains — then times what the platform runs:

- `refresh all POIs`: every POI's summary recomputed (the 02:00 job, `content.revenue.refresh_summaries`);
- `snapshot`: the same plus the day's snapshot rows (the 01:00 job);
- `refresh one POI`: what an order event triggers (`POIRevenueRefresh`).

Each figure is the best of `--repeat` runs; the order book grows from the first size to the second
so the growth is visible.

    .venv/bin/python benchmarks/bench_poi_revenue.py [--sizes 10000,100000] [--pois 20] [--repeat 3] [--keep-db]
"""
import argparse
import time
from decimal import Decimal

from support import isolate, migrate_platform, provision

DOMAINS = [("healthcare", "healthcare-appointments"), ("education", "course-enrollments"),
           ("transportation", "transit-passes"), ("agriculture", "market-listings"), ("real-estate", "rentals"),
           ("commerce", "service-plans"), ("citizen-services", "citizen-services"), ("events-culture", "events"),
           ("jobs-economy", "job-listings")]
VAT = Decimal("0.15")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="order counts, ascending, comma separated")
    parser.add_argument("--pois", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep-db", action="store_true")
    options = parser.parse_args()
    isolation = isolate("poi_revenue")
    try:
        run(options)
    finally:
        isolation.cleanup(keep_database=options.keep_db)


def bulk_orders(count: int, *, pois: list[tuple[str, str, str]], start_display_id: int, batch: int = 5000,
                refund_every: int = 10, cancel_every: int = 25, say=None) -> int:
    """`count` placed orders of the current tenant, bulk-inserted: 1–2 lines of CMS products of
    `pois` [(poi id, domain, collection)], VAT included, every `refund_every`-th partly refunded,
    every `cancel_every`-th cancelled. Placement times are set afterwards with one UPDATE by the
    caller (bulk inserts stamp `created_at` now). Returns the lines written."""
    from commerce.orders.models import Order, OrderLineItem, OrderStatus, PaymentStatus
    from commerce.regions.services import default_region, default_sales_channel

    region, channel = default_region(), default_sales_channel()
    written = 0
    for first in range(0, count, batch):
        orders, lines = [], []
        for n in range(first, min(first + batch, count)):
            display_id = start_display_id + n
            poi_id, domain, collection = pois[n % len(pois)]
            items = [(poi_id, domain, collection, Decimal(100 + n % 50), 1 + n % 3)]
            if n % 4 == 0:  # a second line, from the next POI
                other = pois[(n + 1) % len(pois)]
                items.append((*other, Decimal(40), 1))
            totals = [price * quantity * (1 + VAT) for *_, price, quantity in items]
            total = sum(totals)
            metadata = {"cms_poi_id": poi_id, "cms_domain": domain, "cms_collection": collection,
                        "cms_poi_ids": sorted({item[0] for item in items})}
            cancelled = n % cancel_every == 0
            order = Order(display_id=display_id, email=f"shopper{n % 997}@bench.localhost", region=region,
                          sales_channel=channel, currency_code=region.currency_code,
                          status=OrderStatus.CANCELED if cancelled else OrderStatus.PENDING,
                          payment_status=PaymentStatus.CAPTURED, subtotal=total / (1 + VAT), tax_total=total * VAT / (1 + VAT),
                          total=total, paid_total=total,
                          refunded_total=Decimal("10.00") if n % refund_every == 0 and not cancelled else Decimal(0),
                          metadata=metadata)
            orders.append(order)
            for (poi, dom, coll, price, quantity), line_total in zip(items, totals):
                lines.append(OrderLineItem(order=order, product_id=f"prod_{poi}"[:40], title=f"{coll} offer",
                                           sku=f"SKU-{poi}", quantity=quantity, unit_price=price,
                                           subtotal=price * quantity, tax_rate=VAT, tax_total=price * quantity * VAT,
                                           total=line_total,
                                           metadata={"cms_poi_id": poi, "cms_domain": dom, "cms_collection": coll}))
        Order.objects.bulk_create(orders)
        OrderLineItem.objects.bulk_create(lines)
        written += len(lines)
        if say:
            say(f"  … {min(first + batch, count):,} orders")
    return written


def spread_placement(first_display_id: int, last_display_id: int, *, start_sql: str = "now()",
                     hours: int = 60 * 24) -> None:
    """Place the orders `[first, last]` back in time: hour `display_id % hours` before `start_sql`
    (or after it, for a negative step: see the invoicing benchmark)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE orders_order SET created_at = {start_sql} - ((display_id %% %s) * interval '1 hour') "
                       "WHERE display_id BETWEEN %s AND %s", [hours, first_display_id, last_display_id])
        cursor.execute("ANALYZE orders_order")
        cursor.execute("ANALYZE orders_orderlineitem")


def best_of(repeat: int, action) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def run(options):
    def say(message):
        print(message, flush=True)

    migrate_platform(say)
    from django_tenants.utils import schema_context

    from content.models import POICommerceSummary, PointOfInterest
    from content.revenue import refresh_summaries, snapshot

    tenant = provision("bench")
    sizes = sorted(int(size) for size in options.sizes.split(","))
    rows = []
    with schema_context(tenant.schema_name):
        pois = []
        for n in range(options.pois):
            domain, collection = DOMAINS[n % len(DOMAINS)]
            poi = PointOfInterest.objects.create(name=f"POI {n}", slug=f"poi-{n}", domain=domain)
            pois.append((poi.pk, domain, collection))
        loaded, lines = 0, 0
        for size in sizes:
            say(f"loading {size - loaded:,} more orders ({size:,} in all) …")
            lines += bulk_orders(size - loaded, pois=pois, start_display_id=1001 + loaded, say=say)
            spread_placement(1001, 1000 + size)
            loaded = size
            busiest = pois[0][0]
            refresh_all = best_of(options.repeat, lambda: refresh_summaries())
            snap = best_of(options.repeat, lambda: snapshot())
            refresh_one = best_of(options.repeat, lambda: refresh_summaries([busiest]))
            summary = POICommerceSummary.objects.get(poi_id=busiest)
            rows.append((size, lines, refresh_all, snap, refresh_one, summary.order_count, summary.gross))

    say("")
    say(f"POI revenue aggregation, {options.pois} POIs, one tenant (best of {options.repeat}; target ≤ 2 s at 100,000)")
    say("| orders  | lines   | refresh all POIs | snapshot (01:00) | refresh one POI | one POI's orders | its gross (SAR) |")
    say("| ------- | ------- | ---------------- | ---------------- | --------------- | ---------------- | --------------- |")
    for size, lines, refresh_all, snap, refresh_one, count, gross in rows:
        say(f"| {size:>7,} | {lines:>7,} | {refresh_all:>14.3f} s | {snap:>14.3f} s | {refresh_one:>13.3f} s "
            f"| {count:>16,} | {gross:>15,.2f} |")
    worst = max(max(row[2], row[3]) for row in rows if row[0] == sizes[-1])
    say(f"largest size: slowest full aggregation {worst:.3f} s — {'within' if worst <= 2 else 'ABOVE'} the 2 s target")


if __name__ == "__main__":
    main()
