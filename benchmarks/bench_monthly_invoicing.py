"""Monthly platform invoicing (target: ≤ 60 s for 200 tenants), at two sizes.

On a database of its own (`cityos_bench_monthly_invoicing`) it provisions the tenants (cloned from
the template schema, about a second each), bulk-creates `--orders` orders per tenant in each of
the two previous months, then times `tenants.billing.generate_monthly_invoices`: the smaller
fleet bills the month before last, the whole fleet last month, and the whole fleet again (every
invoice exists: the idempotent re-run).

    .venv/bin/python benchmarks/bench_monthly_invoicing.py [--sizes 50,200] [--orders 200] [--keep-db]
"""
import argparse
import time

from bench_poi_revenue import DOMAINS, bulk_orders
from support import isolate, migrate_platform, provision


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,200", help="tenant counts, ascending, comma separated")
    parser.add_argument("--orders", type=int, default=200, help="orders per tenant and month")
    parser.add_argument("--keep-db", action="store_true")
    options = parser.parse_args()
    isolation = isolate("monthly_invoicing")
    try:
        run(options)
    finally:
        isolation.cleanup(keep_database=options.keep_db)


def run(options):
    def say(message):
        print(message, flush=True)

    migrate_platform(say)
    from django.db import connection
    from django_tenants.utils import schema_context

    from content.models import PointOfInterest
    from tenants import billing
    from tenants.models import PlatformInvoice, Tenant

    sizes = sorted(int(size) for size in options.sizes.split(","))
    last_month = billing.Period.previous()
    month_before = billing.Period.previous(billing.Period.previous().bounds()[0])
    say(f"provisioning {sizes[-1]} tenants with {options.orders} orders in {month_before} and in {last_month} each …")
    started = time.perf_counter()
    tenants = []
    for n in range(sizes[-1]):
        tenant = provision(f"fleet-{n:03d}")
        with schema_context(tenant.schema_name):
            pois = [(PointOfInterest.objects.create(name=f"POI {k}", slug=f"poi-{k}", domain=DOMAINS[k][0]).pk,
                     *DOMAINS[k]) for k in range(3)]
            for index, period in enumerate((month_before, last_month)):
                first = 1001 + index * options.orders
                bulk_orders(options.orders, pois=pois, start_display_id=first)
                with connection.cursor() as cursor:  # spread over the month: hour k after its start
                    cursor.execute("UPDATE orders_order SET created_at = %s + ((display_id %% 600) * interval '1 hour') "
                                   "WHERE display_id BETWEEN %s AND %s",
                                   [period.bounds()[0], first, first + options.orders - 1])
        tenants.append(tenant)
        if (n + 1) % 25 == 0:
            say(f"  … {n + 1} tenants ({time.perf_counter() - started:.0f} s)")
    Tenant.objects.filter(pk__in=[t.pk for t in tenants]).update(created_at=month_before.bounds()[0])

    rows = []
    for size, period in ((sizes[0], month_before), (sizes[-1], last_month)):
        fleet = tenants[:size]
        started = time.perf_counter()
        run_ = billing.generate_monthly_invoices(period, tenants=fleet)
        elapsed = time.perf_counter() - started
        assert len(run_.created) == size and not run_.failed, run_.as_dict()
        rows.append((size, str(period), "first run", elapsed, len(run_.created)))
    started = time.perf_counter()
    again = billing.generate_monthly_invoices(last_month, tenants=tenants)
    rows.append((len(tenants), str(last_month), "again (idempotent)", time.perf_counter() - started, len(again.created)))
    sample = PlatformInvoice.objects.filter(period=str(last_month)).order_by("tenant__slug").first()

    say("")
    say(f"Monthly platform invoicing ({options.orders} orders per tenant and month; target ≤ 60 s for 200 tenants)")
    say("| tenants | period  | run                | time      | per tenant | invoices created |")
    say("| ------- | ------- | ------------------ | --------- | ---------- | ---------------- |")
    for size, period, what, elapsed, created in rows:
        say(f"| {size:>7} | {period} | {what:<18} | {elapsed:>7.2f} s | {elapsed / size * 1000:>7.1f} ms | {created:>16} |")
    say(f"sample: {sample.number}: gross {sample.gross_revenue} {sample.currency}, fee {sample.platform_fee}, "
        f"VAT {sample.vat}, total {sample.total}")


if __name__ == "__main__":
    main()
