"""What a step's activity receives: `ctx`.

    ctx.input, ctx.state, ctx.results        the run's input, carried state, earlier results
    ctx.idempotency_key                      stable for the step: pass it to every external call
    ctx.attempt, ctx.is_compensation, ctx.error
    ctx.wait_for_signal(name, key=, timeout=)   → Signal, or None when the deadline passed
    ctx.sleep(seconds) / ctx.sleep(until=dt)
    ctx.complete(result)                     finish the run now, successfully
    ctx.continue_as_new(state=)              roll over into a fresh generation (bounded history)
    ctx.emit(...), ctx.start_workflow(...), ctx.signal(...)

Waits are durable and replayed: the first time a step reaches a wait, the wait and its deadline
are recorded and the run parks (the worker is freed); when a signal or the deadline wakes it,
the step runs again from its beginning and the recorded wait returns its outcome at once. So put
waits at the start of a step (or in a step of their own, `definition.wait_for_signal`): what a
step does before a wait runs again on resume — harmless for idempotent external calls, and its
database writes were rolled back when it parked.
"""
import logging
from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from workflows import signal_store
from workflows.definition import as_deadline
from workflows.errors import CompleteWorkflow, ContinueAsNew, Suspend

logger = logging.getLogger("cityos.workflows")


class StepContext:
    def __init__(self, run, step_name: str, *, attempt: int, idempotency_key: str, is_compensation: bool = False,
                 waits: list | None = None):
        self._run = run
        self.step = step_name
        self.attempt = attempt
        self.idempotency_key = idempotency_key
        self.is_compensation = is_compensation
        self.input = run.input
        self.state = dict(run.state)
        self.results = dict(run.results)
        self.waits = [dict(w) for w in (waits or [])]
        self.consumed: list[int] = []
        self._wait_seq = 0
        self.log = logger

    # -- identity ----------------------------------------------------------------------------
    @property
    def workflow_id(self) -> str:
        return self._run.workflow_id

    @property
    def workflow_type(self) -> str:
        return self._run.workflow_type

    @property
    def tenant_id(self) -> str:
        return self._run.tenant_id

    @property
    def tenant_schema(self) -> str:
        return self._run.tenant_schema

    @property
    def correlation_id(self) -> str:
        return self._run.correlation_id

    @property
    def causation_id(self) -> str:
        return self._run.causation_id

    @property
    def error(self) -> dict | None:
        """During compensation: the failure (or cancellation) that started it."""
        return self._run.error

    def result(self, step: str, default=None):
        return self.results.get(step, default)

    # -- waits -------------------------------------------------------------------------------
    def _next_wait(self, kind: str, spec: dict) -> dict:
        seq = self._wait_seq
        self._wait_seq += 1
        if seq < len(self.waits):
            record = self.waits[seq]
            if record.get("kind") != kind:
                raise RuntimeError(f"step {self.step!r} changed its waits between executions (wait #{seq})")
            return record
        record = {"kind": kind, **spec}
        self.waits.append(record)
        return record

    def wait_for_signal(self, name, *, key: str | None = None, timeout=None):
        """Return the signal (a `signal_store.Signal`) once one arrives, or None when `timeout`
        (seconds or timedelta; None = no deadline) passes first."""
        if self.is_compensation:
            raise RuntimeError("compensations cannot wait for signals")
        names = [name] if isinstance(name, str) else list(name)
        now = timezone.now()
        deadline = as_deadline(now, timeout)
        record = self._next_wait("signal", {"names": names, "key": key or "",
                                            "deadline": deadline.isoformat() if deadline else None})
        if "outcome" in record:
            outcome = record["outcome"]
            return None if outcome.get("timed_out") else signal_store.Signal(
                outcome["signal_id"], outcome["name"], outcome.get("key", ""), outcome["payload"])
        exclude = list(self._run.consumed_signals) + self.consumed
        found = signal_store.find(self._run, record["names"], record["key"], exclude)
        if found is not None:
            record["outcome"] = found.as_dict()
            self.consumed.append(found.id)
            return found
        due = parse_datetime(record["deadline"]) if record["deadline"] else None
        if due is not None and now >= due:
            record["outcome"] = {"timed_out": True}
            return None
        raise Suspend(wake_at=due, signals=record["names"], key=record["key"])

    def sleep(self, seconds=None, *, until: datetime | None = None) -> None:
        """Park the run until the timer is due (a durable timer: survives restarts)."""
        if self.is_compensation:
            raise RuntimeError("compensations cannot sleep")
        now = timezone.now()
        due_at = as_deadline(now, seconds, until)
        if due_at is None:
            raise ValueError("sleep() needs seconds or until")
        record = self._next_wait("timer", {"due": due_at.isoformat()})
        if "outcome" in record:
            return
        due = parse_datetime(record["due"])
        if now >= due:
            record["outcome"] = {"fired": True}
            return
        raise Suspend(wake_at=due)

    # -- control flow ------------------------------------------------------------------------
    def complete(self, result=None):
        """End the run successfully now; the remaining steps are not run."""
        raise CompleteWorkflow(result)

    def continue_as_new(self, state: dict | None = None, *, input: dict | None = None):
        """Start the workflow over (same workflow id, next generation) with `state` carried and
        the step history of older generations pruned: for long-lived loops (subscriptions)."""
        raise ContinueAsNew(state, input)

    # -- effects on the platform -------------------------------------------------------------
    def emit(self, event_type: str, *, aggregate_type: str, aggregate_id: str, payload: dict, **options):
        """Write an outbox event caused by this workflow (in the step's transaction)."""
        from workflows.outbox import emit

        options.setdefault("correlation_id", self.correlation_id or None)
        options.setdefault("causation_id", self.workflow_id)
        return emit(event_type, aggregate_type=aggregate_type, aggregate_id=aggregate_id, payload=payload, **options)

    def start_workflow(self, workflow_type: str, input: dict | None = None, *, entity_id: str | None = None):
        """Start (or find) another workflow of this tenant, caused by this run."""
        from workflows import services

        return services.start_workflow(workflow_type, input or {}, entity_id=entity_id,
                                       correlation_id=self.correlation_id, causation_id=self.workflow_id).run

    def signal(self, workflow_id: str, name: str, payload: dict | None = None):
        from workflows import services

        return services.signal(workflow_id, name, payload or {})
