"""Helpers of the commerce benchmarks: a big catalog, a gunicorn server
on it, and a threaded HTTP load generator that reports latency percentiles and throughput.

The database comes from `support.isolate()`. The server runs with DEBUG off and production-like
settings.
"""
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

from support import ROOT, free_port, provision

TENANT_SLUG = "bench"
TENANT_HOST = "bench.localhost"


def ensure_tenant():
    return provision(TENANT_SLUG, "Benchmark market")


def load_catalog(tenant, products: int, say) -> dict:
    """`products` published products (one variant each, deep stock) in 20 categories and 10
    collections; returns the publishable key, the region and some variant ids."""
    from django.db import connection
    from django_tenants.utils import schema_context

    from commerce.catalog import services as catalog
    from commerce.catalog.models import Product, ProductCategory, ProductCollection, ProductVariant
    from commerce.regions.services import ensure_tenant_defaults
    from commerce.shipping.models import ShippingOption
    from commerce.shipping.services import save_option

    with schema_context(tenant.schema_name):
        defaults = ensure_tenant_defaults(tenant)
        have = Product.objects.count()
        if have < products:
            categories = list(ProductCategory.objects.all()) or [
                catalog.create_category(name=f"Category {n}", handle=f"category-{n}") for n in range(20)]
            collections = list(ProductCollection.objects.all()) or [
                catalog.create_collection(title=f"Collection {n}", handle=f"collection-{n}") for n in range(10)]
            rows = []
            words = ("dates", "coffee", "honey", "saffron", "oud", "rice", "tea", "spice", "bread", "cushion")
            for n in range(have, products):
                rows.append({
                    "title": f"{words[n % 10].title()} item {n}", "handle": f"bench-item-{n}", "sku": f"BENCH-{n:06d}",
                    "price": f"{5 + (n * 37) % 495}.{n % 100:02d}", "stock": 1_000_000,
                    "collection_id": collections[n % 10].pk, "category_ids": [categories[n % 20].pk],
                    "description": f"Benchmark product number {n}.",
                    "thumbnail": f"https://img.example/bench/{n}.jpg", "metadata": {"cms_poi_id": f"poi_{n % 50}"},
                })
            say(f"loading {len(rows)} products …")
            catalog.import_products(rows, emit_events=False, progress=lambda done: say(f"  {have + done} / {products}")
                                    if done % 2000 == 0 else None)
        if not ShippingOption.objects.filter(code="bench").exists():
            save_option({"region_id": defaults["region"].pk, "name": "Bench delivery", "code": "bench",
                         "rates": [{"amount": "20.00"}]})
        variant_ids = list(ProductVariant.objects.order_by("sku").values_list("pk", flat=True)[:products])
        handles = list(Product.objects.order_by("handle").values_list("handle", flat=True)[:products])
        result = {"key": defaults["publishable_key"].token, "variant_ids": variant_ids, "handles": handles,
                  "shipping_option_id": ShippingOption.objects.get(code="bench").pk}
    connection.close()
    return result


class Server:
    """gunicorn serving the platform on the benchmark database (production settings)."""

    def __init__(self, workers: int = 2, extra_env: dict | None = None):
        self.port = free_port()
        self.workers = workers
        self.env = {
            **os.environ, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": f"{TENANT_HOST},localhost,127.0.0.1", "CRON_SECRET": secrets.token_urlsafe(24),
            "ADMIN_API_TOKEN": secrets.token_urlsafe(24), "LOG_LEVEL": "WARNING", "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0", **(extra_env or {}),
        }
        self.proc = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Server":
        command = [sys.executable, "-m", "gunicorn", "cityos.wsgi", "--workers", str(self.workers), "--bind",
                   f"127.0.0.1:{self.port}", "--worker-class", "sync", "--timeout", "60", "--log-level", "warning"]
        self.proc = subprocess.Popen(command, cwd=ROOT, env=self.env, start_new_session=True,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        import httpx

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.proc.stderr.read().decode()[-2000:]}")
            try:
                httpx.get(f"{self.base_url}/health", headers={"Host": "localhost"}, timeout=1)
                return self
            except httpx.HTTPError:
                time.sleep(0.2)
        raise TimeoutError("gunicorn did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: dict = field(default_factory=dict)
    elapsed: float = 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0


def run_load(name: str, make_request, *, concurrency: int, requests: int, expect=(200,), setup=None) -> Result:
    """`requests` calls of `make_request(client, index, state)` spread over `concurrency` threads
    (each with its own keep-alive httpx client and `state` from `setup(client, worker)`)."""
    import httpx

    result = Result(name)
    lock = threading.Lock()
    counter = iter(range(requests))
    barrier = threading.Barrier(concurrency + 1)

    def worker(number):
        with httpx.Client(timeout=30) as client:
            state = setup(client, number) if setup else None
            barrier.wait()
            while True:
                with lock:
                    index = next(counter, None)
                if index is None:
                    return
                started = time.perf_counter()
                try:
                    response = make_request(client, index, state)
                    status = response.status_code
                except Exception as exc:  # counted as an error of its kind, the thread goes on
                    status = type(exc).__name__
                took = time.perf_counter() - started
                with lock:
                    if status in expect:
                        result.latencies.append(took)
                    else:
                        result.errors[status] = result.errors.get(status, 0) + 1

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    result.elapsed = time.perf_counter() - started
    return result


def print_table(results: list[Result], targets: dict, out=sys.stdout) -> None:
    header = f"{'scenario':<34}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'req/s':>9}  target"
    out.write(header + "\n" + "-" * (len(header) + 20) + "\n")
    for r in results:
        errors = sum(r.errors.values())
        out.write(f"{r.name:<34}{len(r.latencies):>9}{errors:>8}{r.percentile(50) * 1000:>9.1f}"
                  f"{r.percentile(95) * 1000:>9.1f}{r.percentile(99) * 1000:>9.1f}{r.throughput:>9.0f}  "
                  f"{targets.get(r.name, '')}\n")
        if r.errors:
            out.write(f"{'':<4}errors: {r.errors}\n")
