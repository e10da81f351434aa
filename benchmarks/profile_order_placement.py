"""What one OrderPlacement run costs: orders placed through the checkout, their events relayed, and
each placement run driven in this process (`workflows.engine.advance`, as a worker does), counting
its SQL queries (the default connection and the sandboxes' own) and its wall time; then the
functions that took the time (cProfile, cumulative).

On a database of its own (`cityos_bench_profile_placement`, dropped afterwards), with the sandbox
adapters and the workflows' notification templates; the first `--warmup` runs are not counted
(a new process builds its adapters, loads the templates, meets each item for the first time).

    .venv/bin/python benchmarks/profile_order_placement.py [--orders 60] [--warmup 10] [--top 35] [--sort cumulative]
                                                           [--queries FILE]
"""
import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time

from support import isolate

from bench_order_placement import WORKER_ENV, place_orders, prepare, say


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--products", type=int, default=50)
    parser.add_argument("--sort", default="cumulative", help="cProfile order: cumulative, tottime, …")
    parser.add_argument("--queries", help="write the last run's queries to this file")
    parser.add_argument("--top", type=int, default=35, help="functions listed by cumulative time")
    options = parser.parse_args()
    os.environ.update(WORKER_ENV)
    isolation = isolate("profile_placement")
    try:
        return run(options)
    finally:
        isolation.cleanup()


class Meter:
    """Drives runs inline and records, per run, its wall time and SQL queries on both connections,
    and per step (the step bound to the log context) its queries; cProfile over all of them."""

    ALIASES = ("default", "sandbox")

    def __init__(self):
        self.profiler = cProfile.Profile()
        self.per_step, self.last_run = {}, []

    def _count(self, alias):
        from cityos import logging as log_context

        def wrapper(execute, sql, params, many, context):
            step = log_context.current().get("step") or "(engine)"
            self.per_step.setdefault(step, dict.fromkeys(self.ALIASES, 0))[alias] += 1
            self.last_run.append(f"{step}\t{alias}\t{sql}\n")
            return execute(sql, params, many, context)
        return wrapper

    def advance_all(self, workflow_ids: list[str]) -> list[tuple[float, int, int]]:
        """(ms, default queries, sandbox queries) of `engine.advance` for each run."""
        from django.db import connections

        from workflows import engine

        from django.test.utils import CaptureQueriesContext

        costs, self.per_step = [], {}
        wrappers = [connections[alias].execute_wrapper(self._count(alias)) for alias in self.ALIASES]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            for workflow_id in workflow_ids:
                self.last_run.clear()
                for alias in self.ALIASES:
                    connections[alias].queries_log.clear()
                with CaptureQueriesContext(connections["default"]) as default, \
                        CaptureQueriesContext(connections["sandbox"]) as sandbox:  # with BEGIN, COMMIT
                    started = time.perf_counter()
                    self.profiler.enable()
                    engine.advance(workflow_id)
                    self.profiler.disable()
                    elapsed = time.perf_counter() - started
                costs.append((elapsed * 1000, len(default), len(sandbox)))
                self.statements = [(alias, query["sql"]) for alias, captured in (("default", default), ("sandbox", sandbox))
                                   for query in captured.captured_queries]
        finally:
            for wrapper in wrappers:
                wrapper.__exit__(None, None, None)
        return costs


def report(title: str, costs: list[tuple[float, int, int]]) -> None:
    say(f"{title:28} {'mean':>8} {'median':>8} {'min':>8} {'max':>8}")
    for index, label in enumerate(("wall time (ms)", "statements, default", "statements, sandbox")):
        values = [cost[index] for cost in costs]
        say(f"  {label:26} {statistics.mean(values):8.1f} {statistics.median(values):8.1f} {min(values):8.1f} "
            f"{max(values):8.1f}")


def run(options) -> int:
    tenant, catalog = prepare(options.products)
    from django.db.models import Avg, Count

    from workflows import engine, relay
    from workflows.models import EventOutbox, StepRun, WorkflowRun

    order_ids, errors = place_orders(tenant, catalog, options.orders + options.warmup, rate=10_000, shoppers=1)
    if errors:
        say(f"{len(errors)} checkout errors: {errors[0]}")
    relay.process_outbox()
    placements = [f"tenant:{tenant.slug}:order:{order_id}:placement" for order_id in order_ids]
    for workflow_id in placements[:options.warmup]:
        engine.advance(workflow_id)
    measured = placements[options.warmup:]
    meter = Meter()
    placement_costs = meter.advance_all(measured)
    if options.queries:
        with open(options.queries, "w") as out:
            out.writelines(meter.last_run)
    per_step = dict(meter.per_step)
    relay.process_outbox()
    started_after = list(WorkflowRun.objects.filter(input__order_id__in=order_ids[options.warmup:]).exclude(
        workflow_id__in=measured).values_list("workflow_id", flat=True))
    follow_up_costs = meter.advance_all(started_after)

    events = EventOutbox.objects.values("event_type").annotate(n=Count("id")).order_by("-n")
    runs = WorkflowRun.objects.values("workflow_type", "status").annotate(n=Count("id")).order_by("-n")
    say("events per order: " + ", ".join(f"{e['event_type']} {e['n'] / len(order_ids):g}" for e in events))
    say("runs per order: " + ", ".join(f"{r['workflow_type']} ({r['status']}) {r['n'] / len(order_ids):g}"
                                       for r in runs))
    say("")
    report("per OrderPlacement run", placement_costs)
    if follow_up_costs:
        report(f"per run it starts ({len(follow_up_costs) / len(measured):g}/order)", follow_up_costs)
    durations = dict(StepRun.objects.filter(run__workflow_id__in=measured).values("step").annotate(
        ms=Avg("duration_ms")).values_list("step", "ms"))
    say("")
    say(f"{'OrderPlacement step (mean)':28} {'ms':>8} {'default':>8} {'sandbox':>8}  (queries; no BEGIN/COMMIT)")
    for step, queries in per_step.items():
        say(f"{step:28} {durations.get(step) or 0:8.1f} {queries['default'] / len(measured):8.1f} "
            f"{queries['sandbox'] / len(measured):8.1f}")
    if options.top:
        out = io.StringIO()
        pstats.Stats(meter.profiler, stream=out).sort_stats(options.sort).print_stats(options.top)
        say(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
