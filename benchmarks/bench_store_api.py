"""Store API under load: product list, product detail, add to cart, checkout completion.

A database of its own (`cityos_bench_store`, created and migrated here, with a private Redis) holds one tenant with
10,000 published products; gunicorn (2 sync workers, DEBUG off) serves it; a threaded client
(httpx, keep-alive) drives each scenario and prints p50 / p95 / p99 latency and requests per
second. The product list is measured as deployed (per-process page cache on) and with the page
cache off, so the uncached query path is visible too.

    .venv/bin/python benchmarks/bench_store_api.py [--products 10000] [--concurrency 8] [--fresh]

Targets on a 2-core machine: product list p95 ≤ 40 ms at ≥ 300 requests/s; checkout completion
p95 ≤ 150 ms. The database is kept between runs (`--fresh` rebuilds it).
"""
import argparse
import itertools
import queue
import random
import sys
import time

import httpx

from support import isolate, migrate_platform
from support_commerce import TENANT_HOST, Server, ensure_tenant, load_catalog, print_table, run_load

VISA = "pm_card_visa"
ADDRESS = {"first_name": "Bench", "last_name": "Shopper", "address_1": "Olaya Street 1", "city": "Riyadh",
           "postal_code": "12211", "country_code": "SA"}
TARGETS = {
    "product list": "p95 ≤ 40 ms, ≥ 300 req/s",
    "checkout completion": "p95 ≤ 150 ms",
}


def say(message: str) -> None:
    print(message, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=8, help="client threads for the read scenarios")
    parser.add_argument("--write-concurrency", type=int, default=4, help="client threads for cart and checkout")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the number of requests")
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the benchmark database")
    args = parser.parse_args()

    isolation = isolate("store", fresh=args.fresh)
    try:
        return run(args)
    finally:
        isolation.cleanup(keep_database=True)


def run(args) -> int:
    import django

    django.setup()
    migrate_platform(say)
    tenant = ensure_tenant()
    catalog = load_catalog(tenant, args.products, say)
    headers = {"Host": TENANT_HOST, "x-publishable-api-key": catalog["key"]}
    n = lambda count: max(int(count * args.scale), args.concurrency)  # noqa: E731

    results = []
    for label, extra_env in (("product list", {}), ("product list (page cache off)",
                                                   {"COMMERCE_STORE_LIST_CACHE_SECONDS": "0"})):
        server = Server(workers=2, extra_env=extra_env).start()
        try:
            base = server.base_url
            pages = [f"{base}/store/products?limit=20&offset={20 * k}" for k in range(50)]
            for url in pages * 2:  # warm both workers' connections and caches
                httpx.get(url, headers=headers, timeout=30)
            say(f"measuring {label} …")
            results.append(run_load(label, lambda c, i, s: c.get(random.choice(pages), headers=headers),
                                    concurrency=args.concurrency, requests=n(3000)))
            if extra_env:
                continue
            handles = catalog["handles"]
            say("measuring product detail …")
            results.append(run_load("product detail", lambda c, i, s: c.get(
                f"{base}/store/products/{random.choice(handles)}", headers=headers),
                concurrency=args.concurrency, requests=n(2000)))
            results.extend(_cart_scenarios(base, headers, catalog, args, n))
        finally:
            server.stop()

    print()
    print(f"Store API, {args.products:,} products, gunicorn 2 workers, {args.concurrency} read / "
          f"{args.write_concurrency} write client threads")
    print_table(results, TARGETS)
    return 0


def _cart_scenarios(base, headers, catalog, args, n):
    variants = catalog["variant_ids"]

    def new_cart(client, items=()):
        response = client.post(f"{base}/store/carts", headers=headers, json={
            "email": "bench@example.com", "shipping_address": ADDRESS,
            "items": [{"variant_id": v, "quantity": 1} for v in items]})
        response.raise_for_status()
        return response.json()["id"]

    adds_per_cart = 5

    class Shopper:
        """One client thread's carts: each gets `adds_per_cart` items, then the next one is used."""

        def __init__(self, carts):
            self.carts, self.cart, self.adds = itertools.cycle(carts), None, 0

    def add_setup(client, worker):
        count = n(1000) // args.write_concurrency // adds_per_cart + 2
        return Shopper([new_cart(client) for _ in range(count)])

    def add(client, index, shopper):
        if shopper.adds % adds_per_cart == 0:
            shopper.cart = next(shopper.carts)
        shopper.adds += 1
        return client.post(f"{base}/store/carts/{shopper.cart}/line-items", headers=headers,
                           json={"variant_id": random.choice(variants), "quantity": 1})

    say("measuring add to cart …")
    added = run_load("add to cart", add, concurrency=args.write_concurrency, requests=n(1000),
                     setup=add_setup)

    checkouts = n(400)
    ready = queue.Queue()  # carts with items, an address and a shipping method, shared by the threads

    def checkout_setup(client, worker):
        for _ in range(-(-checkouts // args.write_concurrency)):
            cart_id = new_cart(client, random.sample(variants, 2))
            client.post(f"{base}/store/carts/{cart_id}/shipping-methods", headers=headers,
                        json={"option_id": catalog["shipping_option_id"]}).raise_for_status()
            ready.put(cart_id)

    say("preparing carts and measuring checkout completion …")
    completed = run_load("checkout completion", lambda c, i, _: c.post(
        f"{base}/store/carts/{ready.get_nowait()}/complete", headers=headers, json={"payment_method": VISA}),
        concurrency=args.write_concurrency, requests=checkouts, expect=(201,), setup=checkout_setup)
    return [added, completed]


if __name__ == "__main__":
    started = time.monotonic()
    code = main()
    print(f"\n(benchmark ran {time.monotonic() - started:.0f} s)")
    sys.exit(code)
