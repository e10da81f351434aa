"""Outbox relay throughput (target ≥ 1,000 events/s).

On a database of its own (public schema only) and a private Redis, it writes N events through
`workflows.outbox.emit` for two tenants — a realistic mix: 60 % start a cheap registered
workflow, 20 % are signals (`payment.intent.captured`, keyed by a PaymentIntent id), 10 % are
mapped to a workflow type that is not registered and 10 % are mapped to nothing — then relays
them with `workflows.relay.process_outbox` until none is left (runs inserted, signals stored,
run tasks sent to Redis) and prints events/s.

    .venv/bin/python benchmarks/bench_outbox_relay.py [--events 20000] [--batch-size 200] [--keep-db]
"""
import argparse
import time

from support import isolate


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--keep-db", action="store_true")
    options = parser.parse_args()

    isolation = isolate("outbox_relay")
    try:
        run(options)
    finally:
        isolation.cleanup(keep_database=options.keep_db)


def run(options):
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django_tenants.utils import schema_context

    print(f"database {connection.settings_dict['NAME']}: migrating the public schema …", flush=True)
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)

    from workflows import dispatch
    from workflows.definition import Step, Workflow, register
    from workflows.models import EventOutbox, WorkflowRun, WorkflowSignal
    from workflows.outbox import emit
    from workflows.relay import process_outbox

    @register
    class BenchNote(Workflow):
        type = "BenchNote"
        action = "note"
        steps = [Step("note", lambda ctx: {"ok": True})]

    dispatch.add_route("bench.noted", "BenchNote")
    dispatch.add_route("bench.unbuilt", "BenchNotBuilt")

    def kind(n):
        slot = n % 10
        if slot < 6:
            return "bench.noted", "note", {"amount": n}
        if slot < 8:
            return "payment.intent.captured", "payment_intent", {"amount": n, "currency": "sar"}
        if slot < 9:
            return "bench.unbuilt", "thing", {}
        return "bench.audit.logged", "thing", {"who": "bench"}

    started = time.perf_counter()
    for chunk in range(0, options.events, 100):
        schema = "t_bench_a" if (chunk // 100) % 2 == 0 else "t_bench_b"
        with schema_context(schema), transaction.atomic():
            for n in range(chunk, min(chunk + 100, options.events)):
                event_type, aggregate_type, payload = kind(n)
                emit(event_type, aggregate_type=aggregate_type, aggregate_id=f"{aggregate_type}_{n}", payload=payload)
    emit_seconds = time.perf_counter() - started
    print(f"emitted {options.events} events in {emit_seconds:.2f} s ({options.events / emit_seconds:,.0f} events/s, "
          f"transactions of 100)", flush=True)

    started = time.perf_counter()
    counts = process_outbox(options.batch_size)
    seconds = time.perf_counter() - started

    assert counts["delivered"] == options.events, counts
    assert not EventOutbox.objects.exclude(status="delivered").exists()
    print(f"relayed {counts['delivered']} events in {seconds:.2f} s, batches of {options.batch_size}: "
          f"{counts['runs_started']} runs started, {counts['signals']} signals stored, "
          f"{counts['unrouted']} delivered without a run")
    print(f"  runs in the database: {WorkflowRun.objects.count()}, signals: {WorkflowSignal.objects.count()}")
    rate = counts["delivered"] / seconds
    print(f"RELAY THROUGHPUT: {rate:,.0f} events/s (target ≥ 1,000) — {'OK' if rate >= 1000 else 'BELOW TARGET'}")


if __name__ == "__main__":
    main()
