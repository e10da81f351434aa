"""Integrations: webhook receiving rate and the circuit breaker's cost per external call.

Runs against the configured database and Redis (`make bench` starts them) and needs one active
tenant (the demo's `market` by default, `BENCH_TENANT` to choose). Everything it writes is rolled
back; the circuit it uses is a scratch one.
"""
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cityos.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from integrations import policies  # noqa: E402
from integrations.circuit import CircuitBreaker  # noqa: E402
from integrations.resilience import call_external  # noqa: E402
from integrations.sandbox.webhooks import raw_body  # noqa: E402
from integrations.stripe.webhooks import secret, signature_header  # noqa: E402
from integrations.webhooks import service  # noqa: E402
from tenants.models import Tenant  # noqa: E402

WEBHOOKS = int(os.environ.get("BENCH_WEBHOOKS", "500"))
CALLS = int(os.environ.get("BENCH_CALLS", "2000"))


class Rollback(Exception):
    pass


def bench_webhooks(tenant_slug: str) -> None:
    key = secret()
    if not key:
        print("webhooks: skipped (Stripe is live without STRIPE_WEBHOOK_SECRET)")
        return
    bodies = []
    for n in range(WEBHOOKS):
        event = {"id": f"evt_bench_{n}_{time.time_ns()}", "object": "event", "type": "payment_intent.succeeded",
                 "created": int(time.time()), "data": {"object": {
                     "id": f"pi_bench_{n}", "object": "payment_intent", "amount": 1000 + n, "amount_received": 1000 + n,
                     "currency": "sar", "metadata": {"cityos_tenant": tenant_slug}}}}
        raw = raw_body(event)
        bodies.append((raw, {"Stripe-Signature": signature_header(raw, key)}))
    started = time.perf_counter()
    try:
        with transaction.atomic():
            for raw, headers in bodies:
                outcome = service.receive("stripe", raw, headers)
                assert outcome.status == "processed", outcome
            elapsed = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    print(f"webhooks: {WEBHOOKS} signed Stripe events verified, recorded and turned into outbox events in "
          f"{elapsed:.2f} s → {WEBHOOKS / elapsed:.0f}/s ({elapsed / WEBHOOKS * 1000:.2f} ms each)")


def bench_breaker() -> None:
    breaker = CircuitBreaker(f"bench-{os.getpid()}")
    breaker.reset()
    policy = policies.RetryPolicy(1)
    started = time.perf_counter()
    for _ in range(CALLS):
        call_external(breaker.system, "noop", lambda: None, policy=policy, breaker=breaker)
    elapsed = time.perf_counter() - started
    breaker.reset()
    print(f"circuit breaker: {CALLS} calls through call_external in {elapsed:.2f} s → "
          f"{elapsed / CALLS * 1000:.3f} ms of overhead per external call (state in {breaker.last_store})")


if __name__ == "__main__":
    slug = os.environ.get("BENCH_TENANT", "market")
    if not Tenant.objects.serving().filter(slug=slug).exists():
        sys.exit(f"no active tenant {slug!r}: run `make run` once (or set BENCH_TENANT)")
    bench_webhooks(slug)
    bench_breaker()
