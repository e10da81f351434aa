"""Starting, signalling, cancelling and resuming workflow runs; replaying dead letters.

Every function acts in the current tenant (the connection's schema) unless given
`tenant_schema`; the API passes the request's tenant. State changes happen in a transaction and
the tasks that act on them are sent after commit.
"""
import re
from dataclasses import dataclass
from datetime import datetime, timezone as dt_timezone

from django.db import connection, transaction
from django.utils import timezone

from cityos.errors import Conflict, InvalidInput, NotFound
from workflows import definition as definitions, dispatch, engine, kicks, relay, signal_store
from workflows.models import ACTIVE_STATUSES, FINAL_STATUSES, EventOutbox, OutboxStatus, WorkflowRun
from workflows.outbox import emit, tenant_slug

EVENT_TYPE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")


@dataclass
class StartResult:
    run: WorkflowRun
    created: bool


@dataclass
class TriggerResult:
    event: EventOutbox
    runs: list[WorkflowRun]
    note: str


def _tenant(tenant_schema: str | None) -> tuple[str, str]:
    schema = tenant_schema or connection.schema_name
    if schema == "public":
        raise InvalidInput("Workflows run for a tenant: call this on a tenant's host or name the tenant.",
                           code="tenant_required")
    return tenant_slug(schema), schema


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _definition(workflow_type: str):
    definition = definitions.get(workflow_type)
    if definition is None:
        known = ", ".join(definitions.registered()) or "none yet"
        raise InvalidInput(f"Unknown workflow type {workflow_type!r}.", code="unknown_workflow_type",
                           fields={"workflow_type": [f"Not a registered workflow type (registered: {known})."]})
    return definition


def _kick_after_commit(runs: list[tuple[str, str]]) -> None:
    if runs:
        transaction.on_commit(lambda: kicks.kick_runs(runs))


def get_run(workflow_id: str, tenant_schema: str | None = None) -> WorkflowRun:
    _, schema = _tenant(tenant_schema)
    run = WorkflowRun.objects.filter(workflow_id=workflow_id, tenant_schema=schema).first()
    if run is None:
        raise NotFound(f"No workflow {workflow_id!r} in this tenant.", code="workflow_not_found")
    return run


def start_workflow(workflow_type: str, input: dict | None = None, *, entity_id: str | None = None,
                   correlation_id: str | None = None, causation_id: str = "", trigger_event: str = "",
                   tenant_schema: str | None = None) -> StartResult:
    """Start a run of `workflow_type` for `entity_id` (or the input's `entity_field`); starting
    an id that exists returns the existing run (`created` False)."""
    from cityos import logging as log_context

    definition = _definition(workflow_type)
    if input is not None and not isinstance(input, dict):
        raise InvalidInput("The input must be an object.", code="invalid_input", fields={"input": ["Must be an object."]})
    input = definition.validate_input(dict(input or {}))
    entity = entity_id or (input.get(definition.entity_field) if definition.entity_field else None)
    if not entity:
        hint = f" (or input.{definition.entity_field})" if definition.entity_field else ""
        raise InvalidInput(f"Name the entity the workflow is about: entity_id{hint}.", code="entity_required",
                           fields={"entity_id": ["This field is required."]})
    slug, schema = _tenant(tenant_schema)
    workflow_id = definitions.build_workflow_id(slug, definition.domain or _snake(definition.type), str(entity),
                                                definition.action)
    now = timezone.now()
    with transaction.atomic():
        run, created = WorkflowRun.objects.get_or_create(workflow_id=workflow_id, defaults=dict(
            workflow_type=definition.type, tenant_id=slug, tenant_schema=schema, input=engine.jsonable(input),
            correlation_id=correlation_id or log_context.correlation_id() or log_context.new_correlation_id(),
            causation_id=causation_id or "", trigger_event=trigger_event, kicked_at=now))
        if created:
            _kick_after_commit([(run.workflow_id, run.tenant_schema)])
    return StartResult(run, created)


def trigger_event(event_type: str, *, aggregate_type: str, aggregate_id: str, payload: dict | None = None,
                  actor_id: str | None = None, actor_role: str | None = None,
                  tenant_schema: str | None = None) -> TriggerResult:
    """Write the event to the outbox and deliver it at once through EVENT_WORKFLOW_MAP."""
    if not EVENT_TYPE.match(event_type or ""):
        raise InvalidInput("The event type is dotted lowercase words, like order.placed.", code="invalid_event_type",
                           fields={"event_type": ["Expected dotted lowercase words, like order.placed."]})
    if not dispatch.routes_for(event_type) and not dispatch.is_signal(event_type):
        raise InvalidInput(f"No workflow is mapped to {event_type!r}.", code="unmapped_event_type",
                           fields={"event_type": ["No workflow is mapped to this event type, and it is not a signal."]})
    _, schema = _tenant(tenant_schema)
    from django_tenants.utils import schema_context

    with schema_context(schema), transaction.atomic():
        event = emit(event_type, aggregate_type=aggregate_type, aggregate_id=aggregate_id, payload=payload or {},
                     actor_id=actor_id, actor_role=actor_role)
        to_kick, planned = relay.dispatch_events([event], timezone.now(), relay.RelayCounts())
        event.refresh_from_db()
        if event.status != OutboxStatus.DELIVERED:  # a definition refused the payload: write nothing
            raise InvalidInput(f"The event could not be dispatched: {event.error_message}", code="dispatch_failed",
                               fields={"payload": [event.error_message]})
        _kick_after_commit(to_kick)
    workflow_ids = [run.workflow_id for _, plan in planned for run in plan.runs]
    runs = list(WorkflowRun.objects.filter(workflow_id__in=workflow_ids))
    return TriggerResult(event, runs, event.note)


def signal(workflow_id: str, name: str, payload: dict | None = None, *, tenant_schema: str | None = None):
    """Send signal `name` to a run. Kept until the run waits for it; wakes the run if it waits now."""
    if not name or len(name) > 100 or not EVENT_TYPE.match(name):
        raise InvalidInput("A signal name is dotted lowercase words, like payment.intent.captured.",
                           code="invalid_signal_name", fields={"name": ["Expected dotted lowercase words."]})
    run = get_run(workflow_id, tenant_schema)
    if run.status in FINAL_STATUSES:
        raise Conflict(f"The workflow is {run.status}; it takes no more signals.", code="workflow_closed")
    with transaction.atomic():
        row = signal_store.store(tenant_id=run.tenant_id, tenant_schema=run.tenant_schema, name=name,
                                 payload=payload or {}, workflow_id=run.workflow_id)
        _kick_after_commit(signal_store.wake(signal_store.waiting_for(
            name, workflow_id=run.workflow_id, tenant_schema=run.tenant_schema)))
    return row


def cancel(workflow_id: str, reason: str = "", *, tenant_schema: str | None = None) -> WorkflowRun:
    """Cancel a run: its completed steps are compensated (in reverse), then it ends `cancelled`."""
    run = get_run(workflow_id, tenant_schema)
    if run.status in FINAL_STATUSES:
        raise Conflict(f"The workflow is already {run.status}.", code="workflow_closed")
    now = timezone.now()
    error = {"error_class": engine.CANCELLED_ERROR, "message": f"cancelled: {reason}" if reason else "cancelled",
             "occurred_at": now.isoformat()}
    with transaction.atomic():
        updated = WorkflowRun.objects.filter(pk=run.pk, status__in=ACTIVE_STATUSES).update(
            cancel_requested=True, kicked_at=now, error=error, updated_at=now)
        if updated:
            _kick_after_commit([(run.workflow_id, run.tenant_schema)])
    run.refresh_from_db()
    return run


def resume(workflow_id: str, *, tenant_schema: str | None = None) -> WorkflowRun:
    """Make an active run due now (skip a retry backoff or re-check its wait)."""
    run = get_run(workflow_id, tenant_schema)
    if run.status not in ACTIVE_STATUSES:
        raise Conflict(f"The workflow is {run.status}; there is nothing to resume.", code="workflow_closed")
    now = timezone.now()
    with transaction.atomic():
        WorkflowRun.objects.filter(pk=run.pk, status__in=ACTIVE_STATUSES).update(wake_at=now, kicked_at=now,
                                                                                 updated_at=now)
        _kick_after_commit([(run.workflow_id, run.tenant_schema)])
    run.refresh_from_db()
    return run


def replay_dead_letters(*, ids=None, tenant_schema: str | None = None, event_type: str | None = None) -> int:
    """Put dead-lettered events back in the queue (retry count reset); returns how many."""
    events = EventOutbox.objects.filter(status=OutboxStatus.DEAD_LETTER)
    if ids is not None:
        events = events.filter(id__in=list(ids))
    if tenant_schema:
        events = events.filter(tenant_schema=tenant_schema)
    if event_type:
        events = events.filter(event_type=event_type)
    now = timezone.now()
    with transaction.atomic():
        count = events.update(status=OutboxStatus.PENDING, retry_count=0, next_retry_at=None, processed_at=None,
                              note=f"replayed from dead letter at {now.isoformat(timespec='seconds')}")
        if count:
            transaction.on_commit(kicks.kick_relay)
    return count


def start_scheduled(workflow_type: str, now: datetime | None = None) -> list[StartResult]:
    """Start the scheduled workflow for every active tenant, once per `schedule_period`."""
    from cityos.tasks import active_tenant_schemas

    definition = _definition(workflow_type)
    now = now or timezone.now()
    period = max(int(definition.schedule_period), 60)
    floored = int(now.timestamp()) // period * period
    key = datetime.fromtimestamp(floored, tz=dt_timezone.utc).strftime("%Y%m%dT%H%MZ")
    results = []
    for schema in active_tenant_schemas():
        results.append(start_workflow(workflow_type, {"scheduled_for": key}, entity_id=key, tenant_schema=schema,
                                      trigger_event="schedule"))
    return results
