import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from workflows import dispatch
from workflows.management.commands._common import bar, tenant_schema
from workflows.models import FINAL_STATUSES, RELAYABLE, EventOutbox, OutboxStatus, RunStatus, WorkflowRun


class Command(BaseCommand):
    help = ("Show workflow runs with their progress: one run in detail (WORKFLOW_ID), a filtered list, "
            "or (--map) the event-to-workflow map with what is registered.")

    def add_arguments(self, parser):
        parser.add_argument("workflow_id", nargs="?")
        parser.add_argument("--tenant", help="tenant slug")
        parser.add_argument("--status", choices=[choice for choice, _ in RunStatus.choices])
        parser.add_argument("--type", dest="workflow_type")
        parser.add_argument("--limit", type=int, default=20)
        parser.add_argument("--map", action="store_true", help="print EVENT_WORKFLOW_MAP")
        parser.add_argument("--watch", action="store_true", help="refresh every 2 s (until the run finishes)")

    def handle(self, *args, workflow_id, tenant, status, workflow_type, limit, map, watch, **options):
        if map:
            return self._map()
        schema = tenant_schema(tenant)
        while True:
            if workflow_id:
                run = self._detail(workflow_id)
                if not watch or run.status in FINAL_STATUSES:
                    return
            else:
                self._list(schema, status, workflow_type, limit)
                if not watch:
                    return
            time.sleep(2)
            self.stdout.write("")

    def _detail(self, workflow_id):
        run = WorkflowRun.objects.filter(workflow_id=workflow_id).first()
        if run is None:
            raise CommandError(f"No workflow {workflow_id!r}.")
        self.stdout.write(f"{run.workflow_id}  ({run.workflow_type}, tenant {run.tenant_id})")
        self.stdout.write(f"  {bar(run.progress_percentage)}  {run.status}  step {run.current_step or '-'} "
                          f"({min(run.step_index + 1, run.total_steps)}/{run.total_steps}), generation {run.generation}")
        if run.status == RunStatus.WAITING:
            what = ", ".join(run.wait_signals) or "timer"
            self.stdout.write(f"  waiting for {what}" + (f" (key {run.wait_key})" if run.wait_key else "")
                              + (f" until {run.wake_at:%Y-%m-%d %H:%M:%S}" if run.wake_at else ""))
        if run.error:
            self.stdout.write(self.style.WARNING(f"  error: {run.error.get('error_class')}: {run.error.get('message')}"))
        for step in run.steps.order_by("id"):
            duration = f"{step.duration_ms:.0f} ms" if step.duration_ms is not None else "…"
            error = f"  {step.error_class}: {step.error_message[:60]}" if step.error_class else ""
            self.stdout.write(f"    {step.kind[:4]} {step.step:<24} #{step.attempt} {step.status:<11} {duration:>9}"
                              f"{error}")
        return run

    def _list(self, schema, status, workflow_type, limit):
        runs = WorkflowRun.objects.order_by("-created_at")
        events = EventOutbox.objects.all()
        if schema:
            runs, events = runs.filter(tenant_schema=schema), events.filter(tenant_schema=schema)
        counts = dict(runs.values_list("status").annotate(n=Count("id")).order_by())
        if status:
            runs = runs.filter(status=status)
        if workflow_type:
            runs = runs.filter(workflow_type=workflow_type)
        for run in runs[:limit]:
            self.stdout.write(f"{bar(run.progress_percentage, 10)} {run.status:<12} {run.current_step[:20]:<20} "
                              f"{run.workflow_id}")
        summary = ", ".join(f"{name} {counts[name]}" for name, _ in RunStatus.choices if counts.get(name))
        self.stdout.write(f"Runs: {summary or 'none'}.")
        self.stdout.write(f"Outbox: {events.filter(status__in=RELAYABLE).count()} pending, "
                          f"{events.filter(status=OutboxStatus.DEAD_LETTER).count()} dead letters.")

    def _map(self):
        unregistered = dict(EventOutbox.objects.filter(note__startswith="no workflow registered")
                            .values_list("event_type").annotate(n=Count("id")).order_by())
        self.stdout.write(f"{'event type':<40} {'workflow type':<30} {'registered':<10} condition")
        for row in dispatch.describe_map():
            mark = "yes" if row["registered"] else "no"
            noted = unregistered.get(row["event_type"])
            extra = f"  ({noted} events delivered without a run)" if noted and not row["registered"] else ""
            self.stdout.write(f"{row['event_type']:<40} {row['workflow_type']:<30} {mark:<10} "
                              f"{row['condition']}{extra}")
        signals = sorted(dispatch.CATALOGUE_SIGNALS | dispatch.WORKFLOW_SIGNALS)
        self.stdout.write(f"\nSignal event types ({len(signals)}), delivered to waiting runs by aggregate id:")
        self.stdout.write("  " + ", ".join(signals))
