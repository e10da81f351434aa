"""The outbox relay: claims due events and dispatches each to its workflows and waiting runs.

Each batch is one transaction: `SELECT … FOR UPDATE SKIP LOCKED` claims up to `batch_size` due
events (pending, or failed and past their retry time) so concurrent relays never share one; the
runs the events start are inserted (`ON CONFLICT (workflow_id) DO NOTHING`: an event delivered
twice, or two events about the same aggregate, start one run), signal-type events are stored as
signals and wake the runs waiting for them, and the events are marked delivered — all or nothing.
The runs' tasks are sent after commit. An event whose dispatch fails is retried with exponential
backoff and goes to dead letter after `max_retries`.
"""
import json
import logging
from dataclasses import dataclass, field, fields
from datetime import timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from workflows import conf, definition as definitions, dispatch, kicks, metrics, signal_store
from workflows.models import RELAYABLE, EventOutbox, OutboxStatus, WorkflowRun, WorkflowSignal

logger = logging.getLogger("cityos.workflows")


@dataclass
class RelayCounts:
    claimed: int = 0
    delivered: int = 0
    runs_started: int = 0
    signals: int = 0
    unrouted: int = 0       # delivered with a note: no workflow mapped / registered / applicable
    failed: int = 0         # will be retried
    dead_lettered: int = 0
    batches: int = 0

    def add(self, other: "RelayCounts") -> None:
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))

    def as_dict(self) -> dict:
        return {item.name: getattr(self, item.name) for item in fields(self)}


@dataclass
class EventPlan:
    runs: list[WorkflowRun] = field(default_factory=list)
    signal: WorkflowSignal | None = None
    notes: list[str] = field(default_factory=list)


def plan_event(event: EventOutbox, now) -> EventPlan:
    """What delivering `event` means: the runs to start, the signal to store, notes to record."""
    plan = EventPlan()
    routes = dispatch.routes_for(event.event_type)
    applicable = [item for item in routes if item.applies_to(event.payload)]
    missing = [item.workflow_type for item in applicable if definitions.get(item.workflow_type) is None]
    for item in applicable:
        definition = definitions.get(item.workflow_type)
        if definition is None:
            continue
        domain, entity = definition.key_from_event(event)
        plan.runs.append(WorkflowRun(
            workflow_id=definitions.build_workflow_id(event.tenant_id, domain, entity, definition.action),
            workflow_type=definition.type, tenant_id=event.tenant_id, tenant_schema=event.tenant_schema,
            input=definition.input_from_event(event), trigger_event=event.event_type,
            correlation_id=event.correlation_id, causation_id=str(event.id), kicked_at=now))
    if dispatch.is_signal(event.event_type):
        plan.signal = WorkflowSignal(
            tenant_id=event.tenant_id, tenant_schema=event.tenant_schema, name=event.event_type,
            key=event.aggregate_id, workflow_id=str((event.payload or {}).get("workflow_id") or ""),
            payload=event.payload, source_event=event.id)
        plan.notes.append(f"delivered as signal {event.event_type} (key {event.aggregate_id})")
    if not routes and plan.signal is None:
        plan.notes.append(f"no workflow mapped to {event.event_type}")
    elif missing:
        plan.notes.append(f"no workflow registered for {', '.join(missing)}")
    elif routes and not applicable:
        plan.notes.append("no route applies: " + "; ".join(str(item) for item in routes))
    return plan


_RUN_COLUMNS = ("id", "workflow_id", "workflow_type", "tenant_id", "tenant_schema", "input", "trigger_event",
                "correlation_id", "causation_id")


def insert_runs(runs: list[WorkflowRun]) -> set[str]:
    """Insert the runs that do not exist yet; returns the workflow ids actually created.

    One statement for the whole batch: the varying columns travel as arrays (`unnest`), the
    others take the model's defaults, and `ON CONFLICT DO NOTHING RETURNING` tells which ids are
    new — an existing id (a duplicate event, a second event about the same aggregate) is skipped.
    """
    unique = list({run.workflow_id: run for run in runs}.values())
    if not unique:
        return set()
    now = timezone.now()
    template = WorkflowRun()
    defaults = {f.column: f.get_db_prep_save(f.pre_save(template, True), connection)
                for f in WorkflowRun._meta.concrete_fields if f.column not in _RUN_COLUMNS}
    defaults.update(created_at=now, updated_at=now, kicked_at=now)
    arrays = [[json.dumps(run.input, cls=DjangoJSONEncoder) if column == "input"
               else getattr(run, WorkflowRun._meta.get_field(column).attname) for run in unique]
              for column in _RUN_COLUMNS]
    selects = [f"u.c{i}::jsonb" if column == "input" else f"u.c{i}" for i, column in enumerate(_RUN_COLUMNS)]
    quote = connection.ops.quote_name
    columns = [quote(c) for c in _RUN_COLUMNS] + [quote(c) for c in defaults]
    sql = (f"INSERT INTO {quote(WorkflowRun._meta.db_table)} ({', '.join(columns)}) "
           f"SELECT {', '.join(selects)}, {', '.join(['%s'] * len(defaults))} "
           f"FROM unnest({', '.join(['%s::text[]'] * len(_RUN_COLUMNS))}) "
           f"AS u({', '.join(f'c{i}' for i in range(len(_RUN_COLUMNS)))}) "
           f"ON CONFLICT (workflow_id) DO NOTHING RETURNING workflow_id")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*defaults.values(), *arrays])
        return {workflow_id for (workflow_id,) in cursor.fetchall()}


def _mark_delivered(delivered: list[tuple[EventOutbox, str]], now) -> None:
    if not delivered:
        return
    table = connection.ops.quote_name(EventOutbox._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS o SET status = %s, processed_at = %s, note = v.note, error_message = '', "
            f"next_retry_at = NULL FROM unnest(%s::uuid[], %s::text[]) AS v(id, note) WHERE o.id = v.id",
            [OutboxStatus.DELIVERED, now, [event.id for event, _ in delivered], [note for _, note in delivered]])


def backoff(retry_count: int) -> float:
    base = conf.get("WORKFLOW_OUTBOX_BACKOFF")
    return min(base * (2 ** max(retry_count - 1, 0)), conf.get("WORKFLOW_OUTBOX_BACKOFF_MAX"))


def _mark_failed(event: EventOutbox, exc: BaseException, now, counts: RelayCounts) -> None:
    event.retry_count += 1
    event.error_message = f"{type(exc).__name__}: {exc}"[:2000]
    if event.retry_count >= event.max_retries:
        event.status = OutboxStatus.DEAD_LETTER
        event.next_retry_at = None
        counts.dead_lettered += 1
        logger.error("outbox event %s (%s) moved to dead letter: %s", event.id, event.event_type,
                     event.error_message)
    else:
        event.status = OutboxStatus.FAILED
        event.next_retry_at = now + timedelta(seconds=backoff(event.retry_count))
        counts.failed += 1
        logger.warning("outbox event %s (%s) failed (attempt %d of %d): %s", event.id, event.event_type,
                       event.retry_count, event.max_retries, event.error_message)
    event.save(update_fields=["retry_count", "error_message", "status", "next_retry_at"])


def _dispatch(events: list[EventOutbox], now, counts: RelayCounts) -> list[tuple[str, str]]:
    """Deliver `events` (inside the caller's transaction); returns the runs to kick."""
    return dispatch_events(events, now, counts)[0]


def dispatch_events(events: list[EventOutbox], now, counts: RelayCounts):
    """Deliver `events` inside the caller's transaction (the rows must be locked or new).
    Returns (runs to kick after commit, [(event, EventPlan)])."""
    planned = []
    for event in events:
        try:
            planned.append((event, plan_event(event, now)))
        except Exception as exc:  # a bad payload for its definition: retried, then dead letter
            _mark_failed(event, exc, now, counts)
    created = insert_runs([run for _, plan in planned for run in plan.runs])
    signals = [plan.signal for _, plan in planned if plan.signal is not None]
    WorkflowSignal.objects.bulk_create(signals, ignore_conflicts=True)
    to_kick = []
    for run in (run for _, plan in planned for run in plan.runs):
        if run.workflow_id in created:
            to_kick.append((run.workflow_id, run.tenant_schema))
    to_kick += signal_store.wake_for(signals)
    delivered = []
    for event, plan in planned:
        notes = list(plan.notes)
        existing = [run.workflow_id for run in plan.runs if run.workflow_id not in created]
        if existing:
            notes.append("run already exists: " + ", ".join(existing))
        delivered.append((event, "; ".join(notes)))
        if not plan.runs and plan.signal is None:
            counts.unrouted += 1
    _mark_delivered(delivered, now)
    counts.delivered += len(delivered)
    counts.runs_started += len(created)
    counts.signals += len(signals)
    return to_kick, planned


def _claim(batch_size: int, tenant_schema: str | None, event_ids, now):
    due = (EventOutbox.objects.filter(status__in=RELAYABLE)
           .filter(Q(next_retry_at__isnull=True) | Q(next_retry_at__lte=now)))
    if tenant_schema:
        due = due.filter(tenant_schema=tenant_schema)
    if event_ids is not None:
        due = due.filter(id__in=list(event_ids))
    return list(due.order_by("created_at").select_for_update(skip_locked=True)[:batch_size])


def relay_batch(batch_size: int, *, tenant_schema: str | None = None, event_ids=None) -> RelayCounts:
    counts = RelayCounts()
    now = timezone.now()
    with transaction.atomic():
        events = _claim(batch_size, tenant_schema, event_ids, now)
        if not events:
            return counts
        counts.claimed = len(events)
        counts.batches = 1
        try:
            with transaction.atomic():
                to_kick = _dispatch(events, now, counts)
        except DatabaseError as exc:
            # One event spoils the batch: deliver them one by one, each in its own savepoint.
            logger.warning("relay batch failed (%s); dispatching its events one at a time", exc)
            counts = RelayCounts(claimed=len(events), batches=1)
            to_kick = []
            for event in events:
                event.refresh_from_db(fields=["retry_count", "status", "error_message", "next_retry_at"])
                try:
                    with transaction.atomic():
                        to_kick += _dispatch([event], now, counts)
                except DatabaseError as single:
                    _mark_failed(event, single, now, counts)
        if to_kick:
            transaction.on_commit(lambda: kicks.kick_runs(to_kick))
    for outcome in ("delivered", "runs_started", "signals", "unrouted", "failed", "dead_lettered"):
        if getattr(counts, outcome):
            metrics.OUTBOX_RELAYED.labels(outcome).inc(getattr(counts, outcome))
    return counts


def process_outbox(batch_size: int | None = None, *, max_batches: int | None = None,
                   tenant_schema: str | None = None, event_ids=None, progress=None) -> dict:
    """Relay due outbox events until none is left (or `max_batches`); returns the counts
    (`claimed`, `delivered`, `runs_started`, `signals`, `unrouted`, `failed`, `dead_lettered`,
    `batches`). `tenant_schema` limits it to one tenant, `event_ids` to some events;
    `progress(counts)` is called after each batch."""
    batch_size = batch_size or conf.get("WORKFLOW_RELAY_BATCH")
    total = RelayCounts()
    while max_batches is None or total.batches < max_batches:
        counts = relay_batch(batch_size, tenant_schema=tenant_schema, event_ids=event_ids)
        total.add(counts)
        if progress is not None and counts.claimed:
            progress(total)
        if counts.claimed < batch_size:
            break
    return total.as_dict()


def more_due(tenant_schema: str | None = None) -> bool:
    due = (EventOutbox.objects.filter(status__in=RELAYABLE)
           .filter(Q(next_retry_at__isnull=True) | Q(next_retry_at__lte=timezone.now())))
    if tenant_schema:
        due = due.filter(tenant_schema=tenant_schema)
    return due.exists()
