import time

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from cityos.errors import ServiceError
from workflows import engine, services
from workflows.management.commands._common import bar, json_object, tenant_schema
from workflows.models import FINAL_STATUSES, WorkflowRun


class Command(BaseCommand):
    help = ("Start a workflow for a tenant — by type (`trigger_workflow TestCheap --entity-id x`) or by event "
            "through EVENT_WORKFLOW_MAP (`--event order.placed --aggregate-type order --aggregate-id ord_1`).")

    def add_arguments(self, parser):
        parser.add_argument("workflow_type", nargs="?", help="a registered workflow type")
        parser.add_argument("--tenant", required=True, help="tenant slug")
        parser.add_argument("--entity-id", help="the entity the workflow is about")
        parser.add_argument("--input", help="the run's input, a JSON object")
        parser.add_argument("--event", help="an event type, delivered through EVENT_WORKFLOW_MAP")
        parser.add_argument("--aggregate-type", help="with --event")
        parser.add_argument("--aggregate-id", help="with --event")
        parser.add_argument("--payload", help="with --event: the event payload, a JSON object")
        parser.add_argument("--inline", action="store_true",
                            help="execute the run in this process until it waits or finishes (no worker needed)")
        parser.add_argument("--wait", type=float, default=0, help="follow the run(s) for up to this many seconds")

    def handle(self, *args, workflow_type, tenant, entity_id, input, event, aggregate_type, aggregate_id,
               payload, inline, wait, **options):
        schema = tenant_schema(tenant)
        if bool(workflow_type) == bool(event):
            raise CommandError("Give either a workflow type or --event.")
        try:
            with schema_context(schema):
                if workflow_type:
                    started = services.start_workflow(workflow_type, json_object(input, "input"), entity_id=entity_id,
                                                      trigger_event="command")
                    runs = [started.run]
                    self.stdout.write(("Started " if started.created else "Already exists: ") + started.run.workflow_id)
                else:
                    if not (aggregate_type and aggregate_id):
                        raise CommandError("--event needs --aggregate-type and --aggregate-id.")
                    result = services.trigger_event(event, aggregate_type=aggregate_type, aggregate_id=aggregate_id,
                                                    payload=json_object(payload, "payload"), actor_role="operator")
                    runs = result.runs
                    self.stdout.write(f"Event {result.event.id} ({event}) delivered"
                                      + (f": {result.note}" if result.note else ""))
                    for run in runs:
                        self.stdout.write(f"  run {run.workflow_id} [{run.status}]")
        except ServiceError as exc:
            raise CommandError(f"{exc.message} {exc.fields or ''}".strip()) from None
        if inline:
            for run in runs:
                self.stdout.write(f"{run.workflow_id}: {engine.advance(run.workflow_id)}")
        if wait:
            self._follow([run.workflow_id for run in runs], wait)

    def _follow(self, workflow_ids, seconds):
        deadline = time.monotonic() + seconds
        while True:
            runs = list(WorkflowRun.objects.filter(workflow_id__in=workflow_ids))
            for run in runs:
                self.stdout.write(f"  {bar(run.progress_percentage)} {run.status:<12} {run.current_step:<24} "
                                  f"{run.workflow_id}")
            if all(run.status in FINAL_STATUSES for run in runs) or time.monotonic() > deadline:
                return
            time.sleep(1)
