"""Signals as rows: stored by `store`, found by a waiting run with `find`, and `wake` sets the
runs waiting for them due (the caller kicks them after commit).

A signal directed at a workflow id is for that run; a keyed signal (an outbox event whose type is
a signal name, keyed by the external object's id) is for every run of the tenant that waits for
that name and key — whenever it gets there. Each run remembers the signals it consumed, so one
signal is received once per run. Signals emitted in the public schema (a platform webhook that
could not tell the tenant) match runs of every tenant by key.
"""
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from workflows.models import RunStatus, WorkflowRun, WorkflowSignal

PUBLIC = "public"


@dataclass(frozen=True)
class Signal:
    id: int
    name: str
    key: str
    payload: dict

    def as_dict(self) -> dict:
        return {"name": self.name, "key": self.key, "payload": self.payload, "signal_id": self.id}


def find(run: WorkflowRun, names: list[str], key: str, exclude: list[int]) -> Signal | None:
    target = Q(workflow_id=run.workflow_id)
    if key:
        target |= Q(key=key, workflow_id="")
    row = (WorkflowSignal.objects.filter(target, name__in=names, tenant_schema__in=[run.tenant_schema, PUBLIC])
           .exclude(id__in=exclude).order_by("id").values("id", "name", "key", "payload").first())
    return Signal(**row) if row else None


def waiting_for(name: str, *, key: str = "", workflow_id: str = "", tenant_schema: str):
    """Runs parked on `name` that this signal would wake."""
    runs = WorkflowRun.objects.filter(status=RunStatus.WAITING, wait_signals__contains=[name])
    if workflow_id:
        runs = runs.filter(workflow_id=workflow_id)
    else:
        runs = runs.filter(wait_key=key)
        if tenant_schema != PUBLIC:
            runs = runs.filter(tenant_schema=tenant_schema)
    return runs


def wake(runs) -> list[tuple[str, str]]:
    """Make the runs due now; returns (workflow_id, tenant_schema) pairs to kick after commit."""
    now = timezone.now()
    targets = list(runs.values_list("pk", "workflow_id", "tenant_schema"))
    if targets:
        WorkflowRun.objects.filter(pk__in=[pk for pk, _, _ in targets], status=RunStatus.WAITING).update(
            wake_at=now, kicked_at=now)
    return [(workflow_id, schema) for _, workflow_id, schema in targets]


def wake_for(signals: list[WorkflowSignal]) -> list[tuple[str, str]]:
    """Wake every run that one of `signals` is for (one query for the whole batch)."""
    if not signals:
        return []
    keys = {item.key for item in signals if item.key and not item.workflow_id}
    directed = {item.workflow_id for item in signals if item.workflow_id}
    names = {item.name for item in signals}
    candidates = (WorkflowRun.objects.filter(status=RunStatus.WAITING, wait_signals__overlap=list(names))
                  .filter(Q(wait_key__in=keys) | Q(workflow_id__in=directed))
                  .values_list("pk", "workflow_id", "tenant_schema", "wait_key", "wait_signals"))

    def matches(run, item) -> bool:
        _, workflow_id, schema, wait_key, wait_signals = run
        if item.name not in wait_signals:
            return False
        if item.workflow_id:
            return item.workflow_id == workflow_id
        return item.key == wait_key and item.tenant_schema in (schema, PUBLIC)

    woken = [run for run in candidates if any(matches(run, item) for item in signals)]
    return wake(WorkflowRun.objects.filter(pk__in=[run[0] for run in woken])) if woken else []


def store(*, tenant_id: str, tenant_schema: str, name: str, payload: dict, key: str = "", workflow_id: str = "",
          source_event=None) -> WorkflowSignal:
    return WorkflowSignal.objects.create(tenant_id=tenant_id, tenant_schema=tenant_schema, name=name, key=key or "",
                                         workflow_id=workflow_id or "", payload=payload or {},
                                         source_event=source_event)
