"""The saga engine: executes a run's steps, retries, compensates, parks and resumes.

`advance(workflow_id)` is the body of the `workflows.advance` task (and what tests call inline).
It takes the run's lease with a conditional UPDATE — only one executor at a time, only when the
run is due — and drives it until it parks (waiting for a signal, a timer or a retry), finishes,
or has used its time budget. Every write to the run is fenced by the lease token, so an executor
that overran its lease (and was replaced) can no longer change anything.

A step's attempt is recorded (StepRun `running`) before it executes; its activity then runs in a
transaction together with the record of its completion, so its database writes commit exactly
once. External calls carry the step's idempotency key (`{workflow_id}:{step}`, plus
`:compensate` for compensations), so an attempt repeated after a crash is recognised by the
external system as the same call. A run whose executor died keeps its lease until it expires;
the sweeper (`workflows.sweeper`) then resumes it and the interrupted attempt counts as a
retryable `WorkerLostError`.
"""
import json
import logging
import os
import signal
import socket
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from cityos import logging as log_context
from workflows import conf, definition as definitions, kicks, metrics, signal_store
from workflows.context import StepContext
from workflows.errors import (CompleteWorkflow, ContinueAsNew, LeaseLost, Suspend, WorkerLostError, classify,
                              describe, error_class)
from workflows.models import (ACTIVE_STATUSES, FINAL_STATUSES, RunStatus, StepKind, StepRun, StepStatus,
                              WorkflowRun)
from integrations import errors as taxonomy

logger = logging.getLogger("cityos.workflows")

CANCELLED_ERROR = "WorkflowCancelled"
UNKNOWN_TYPE_RETRY = 60.0


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def jsonable(value):
    """Step results and state as plain JSON (Decimals, datetimes and UUIDs become strings)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def step_timeout(step) -> float:
    return float(step.timeout or conf.get("WORKFLOW_STEP_TIMEOUT"))


def idempotency_key(workflow_id: str, step: str, compensation: bool = False) -> str:
    return f"{workflow_id}:{step}:compensate" if compensation else f"{workflow_id}:{step}"


@contextmanager
def time_limit(seconds: float | None):
    """Raise the taxonomy's TimeoutError in the step when it overruns (main thread only: Celery's
    prefork children run tasks there; elsewhere the lease still bounds the step)."""
    usable = seconds and threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    if not usable:
        yield
        return

    def expired(signum, frame):
        raise taxonomy.TimeoutError(f"the step did not finish within {seconds:g} s", system="cityos")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# -- the lease ---------------------------------------------------------------------------------

def due_filter(now):
    from django.db.models import Q

    free = Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now)
    due = Q(wake_at__lte=now) | (Q(wake_at__isnull=True) & ~Q(status=RunStatus.WAITING)) | Q(cancel_requested=True)
    return free & due


def acquire(workflow_id: str) -> tuple[WorkflowRun, str] | None:
    """Take the run's lease if the run is active, due and not leased; None otherwise."""
    now = timezone.now()
    token = uuid.uuid4().hex
    taken = (WorkflowRun.objects.filter(workflow_id=workflow_id, status__in=ACTIVE_STATUSES)
             .filter(due_filter(now))
             .update(lease_token=token, lease_owner=worker_identity(),
                     lease_expires_at=now + timedelta(seconds=conf.get("WORKFLOW_LEASE_GRACE"))))
    if not taken:
        return None
    return WorkflowRun.objects.get(workflow_id=workflow_id), token


def advance(workflow_id: str) -> str:
    """Drive one run as far as it can go now. Returns what happened (for logs and tests):
    `busy` (not due, leased elsewhere or finished), `parked`, `yielded`, `unknown-type`, or the
    run's final status."""
    leased = acquire(workflow_id)
    if leased is None:
        return "busy"
    run, token = leased
    with log_context.bound(workflow_id=run.workflow_id, workflow_type=run.workflow_type, tenant=run.tenant_id,
                           correlation_id=run.correlation_id or None, causation_id=run.causation_id or None):
        definition = definitions.get(run.workflow_type)
        if definition is None:
            # Another process may know the type (a deploy in progress): leave the run to it.
            logger.error("no workflow definition registered for %s in this process", run.workflow_type)
            WorkflowRun.objects.filter(pk=run.pk, lease_token=token).update(
                lease_token="", lease_expires_at=None,
                wake_at=timezone.now() + timedelta(seconds=UNKNOWN_TYPE_RETRY))
            return "unknown-type"
        with schema_context(run.tenant_schema):
            try:
                try:
                    executor = Executor(run, token, definition)
                except Exception as exc:  # the definition cannot plan this input: nothing will change that
                    logger.exception("cannot plan %s", run.workflow_id)
                    _fail_unplannable(run, token, exc)
                    return RunStatus.FAILED
                try:
                    return executor.drive()
                except (LeaseLost, OperationalError, InterfaceError):
                    raise  # transient, or someone else's now: the lease lapses and the sweeper resumes
                except Exception as exc:  # a definition bug outside a step (a `when`, `result`): fail for good
                    logger.exception("workflow definition error in %s", run.workflow_id)
                    return executor.abort(exc)
            except LeaseLost:
                logger.warning("lost the lease of %s to another executor; abandoning", run.workflow_id)
                return "lease-lost"


def _fail_unplannable(run, token, exc) -> None:
    now = timezone.now()
    WorkflowRun.objects.filter(pk=run.pk, lease_token=token).update(
        status=RunStatus.FAILED, finished_at=now, updated_at=now, lease_token="", lease_owner="",
        lease_expires_at=None, error={"error_class": error_class(exc), "message": describe(exc),
                                      "occurred_at": now.isoformat()})
    metrics.WORKFLOW_COMPLETED.labels(run.workflow_type, RunStatus.FAILED).inc()
    metrics.WORKFLOW_FAILED.labels(run.workflow_type, error_class(exc)).inc()


class Executor:
    def __init__(self, run: WorkflowRun, token: str, definition):
        self.run = run
        self.token = token
        self.definition = definition
        self.plan = list(definition.plan(run.input))
        definitions.check_steps(definition.type, self.plan)
        self.by_name = {step.name: step for step in self.plan}

    # -- fenced writes -------------------------------------------------------------------------
    def save(self, **fields) -> None:
        fields["updated_at"] = timezone.now()
        if not WorkflowRun.objects.filter(pk=self.run.pk, lease_token=self.token).update(**fields):
            raise LeaseLost(self.run.workflow_id)
        for name, value in fields.items():
            setattr(self.run, name, value)

    def release(self, **fields) -> None:
        self.save(lease_token="", lease_owner="", lease_expires_at=None, **fields)

    # -- the loop ------------------------------------------------------------------------------
    def drive(self) -> str:
        budget_ends = time.monotonic() + conf.get("WORKFLOW_TASK_BUDGET")
        if self.run.status == RunStatus.PENDING:
            self.save(status=RunStatus.RUNNING, started_at=timezone.now(), total_steps=len(self.plan))
            metrics.WORKFLOW_STARTED.labels(self.run.workflow_type, self.run.tenant_id).inc()
            logger.info("workflow started")
        if self._recover_interrupted_attempt():
            return "parked"
        while True:
            if self.run.status in FINAL_STATUSES:
                return self.run.status
            if time.monotonic() > budget_ends:
                now = timezone.now()
                self.release(kicked_at=now)
                kicks.kick_runs([(self.run.workflow_id, self.run.tenant_schema)])
                return "yielded"
            if self.run.cancel_requested and self.run.status != RunStatus.COMPENSATING:
                requested = self.run.error or {}
                if requested.get("error_class") != CANCELLED_ERROR:
                    requested = {"error_class": CANCELLED_ERROR, "message": "cancelled"}
                self._begin_compensation({**requested, "step": self.run.current_step})
                continue
            if self.run.status == RunStatus.COMPENSATING:
                parked = self._compensate_next()
            else:
                parked = self._execute_next()
            if parked:
                return "parked"

    def abort(self, exc: Exception) -> str:
        """A failure outside any step: compensate what was done, then end."""
        self.run.refresh_from_db()
        if self.run.status in FINAL_STATUSES:
            return self.run.status
        if self.run.status != RunStatus.COMPENSATING:
            self._begin_compensation({"error_class": error_class(exc), "message": describe(exc),
                                      "step": self.run.current_step})
        else:
            self.save(compensation_queue=self.run.compensation_queue[1:], step_attempt=0, attempt_id=None)
        return self.drive()

    # -- activities ----------------------------------------------------------------------------
    def _execute_next(self) -> bool:
        run = self.run
        if run.step_index >= len(self.plan):
            ctx = StepContext(run, "", attempt=0, idempotency_key="")
            self._finish(RunStatus.COMPLETED, result=jsonable(self.definition.result(ctx)))
            return False
        step = self.plan[run.step_index]
        resuming = self._waiting_attempt(step.name)
        attempt = run.step_attempt if resuming else run.step_attempt + 1
        ctx = StepContext(run, step.name, attempt=attempt, idempotency_key=idempotency_key(run.workflow_id, step.name),
                          waits=run.step_waits)
        if not resuming and step.when is not None and not step.when(ctx):
            with transaction.atomic():
                self._record(step, StepKind.ACTIVITY, attempt, status=StepStatus.SKIPPED, finished=True)
                self.save(step_index=run.step_index + 1, step_attempt=0, attempt_id=None, step_waits=[],
                          current_step=step.name)
            return False
        record = self._begin_attempt(step, StepKind.ACTIVITY, attempt, resuming)
        with log_context.bound(step=step.name, attempt=attempt):
            return self._run_attempt(step, record, ctx, step.run, step_timeout(step), step.retry_policy(),
                                     compensation=False)

    def _compensate_next(self) -> bool:
        run = self.run
        if not run.compensation_queue:
            self._finish_compensation()
            return False
        name = run.compensation_queue[0]
        step = self.by_name.get(name)
        if step is None or step.compensate is None:
            self.save(compensation_queue=run.compensation_queue[1:], step_attempt=0, attempt_id=None)
            return False
        attempt = run.step_attempt + 1
        ctx = StepContext(run, name, attempt=attempt, idempotency_key=idempotency_key(run.workflow_id, name, True),
                          is_compensation=True)
        record = self._begin_attempt(step, StepKind.COMPENSATION, attempt, False)
        with log_context.bound(step=name, attempt=attempt, compensation=True):
            return self._run_attempt(step, record, ctx, step.compensate, step_timeout(step),
                                     step.compensation_retry_policy(), compensation=True)

    def _waiting_attempt(self, step_name: str) -> bool:
        if not self.run.attempt_id or self.run.current_step != step_name:
            return False
        return StepRun.objects.filter(pk=self.run.attempt_id, status=StepStatus.WAITING).exists()

    def _begin_attempt(self, step, kind, attempt, resuming) -> StepRun:
        now = timezone.now()
        timeout = step_timeout(step)
        with transaction.atomic():
            if resuming:
                record = StepRun.objects.get(pk=self.run.attempt_id)
                record.status = StepStatus.RUNNING
                record.next_attempt_at = None
                record.save(update_fields=["status", "next_attempt_at"])
            else:
                record = self._record(step, kind, attempt, status=StepStatus.RUNNING)
            self.save(status=RunStatus.COMPENSATING if kind == StepKind.COMPENSATION else RunStatus.RUNNING,
                      current_step=step.name, step_attempt=attempt, attempt_id=record.pk,
                      wait_signals=[], wait_key="", wake_at=None,
                      lease_expires_at=now + timedelta(seconds=timeout + conf.get("WORKFLOW_LEASE_GRACE")))
        return record

    def _record(self, step, kind, attempt, *, status, finished=False) -> StepRun:
        now = timezone.now()
        compensation = kind == StepKind.COMPENSATION
        return StepRun.objects.create(
            run=self.run, generation=self.run.generation, step=step.name,
            position=self.plan.index(step), kind=kind, attempt=attempt, status=status, system=step.system,
            idempotency_key=idempotency_key(self.run.workflow_id, step.name, compensation),
            started_at=now, finished_at=now if finished else None, duration_ms=0 if finished else None)

    def _run_attempt(self, step, record, ctx, activity, timeout, policy, *, compensation) -> bool:
        started = time.perf_counter()
        activity_type = f"{self.run.workflow_type}.{step.name}"
        try:
            if step.atomic:
                with transaction.atomic():
                    outcome = self._call(activity, ctx, timeout)
                    self._commit_success(step, record, ctx, outcome, started, compensation)
            else:
                outcome = self._call(activity, ctx, timeout)
                with transaction.atomic():
                    self._commit_success(step, record, ctx, outcome, started, compensation)
        except LeaseLost:
            raise
        except Suspend as suspend:
            if compensation:
                return self._after_failure(step, record, ctx, RuntimeError("a compensation cannot wait"),
                                           started, policy, compensation)
            self._park(record, ctx, suspend)
            return True
        except Exception as exc:
            return self._after_failure(step, record, ctx, classify(exc), started, policy, compensation)
        finally:
            metrics.ACTIVITY_DURATION.labels(activity_type, step.system).observe(time.perf_counter() - started)
        return False

    @staticmethod
    def _call(activity, ctx, timeout):
        """('done', value) | ('complete', result) | ('continue', ContinueAsNew)"""
        try:
            with time_limit(timeout):
                return "done", activity(ctx)
        except CompleteWorkflow as finish:
            return "complete", finish.result
        except ContinueAsNew as again:
            return "continue", again

    def _commit_success(self, step, record, ctx, outcome, started, compensation) -> None:
        kind, value = outcome
        now = timezone.now()
        duration = (time.perf_counter() - started) * 1000
        result = jsonable(value) if kind != "continue" else {"continued_as_new": True}
        StepRun.objects.filter(pk=record.pk).update(status=StepStatus.COMPLETED, finished_at=now,
                                                    duration_ms=duration, result=result)
        logger.info("step completed", extra={"duration_ms": round(duration, 2)})
        if compensation:
            self.save(compensation_queue=self.run.compensation_queue[1:], step_attempt=0, attempt_id=None)
            return
        results = {**self.run.results, step.name: result}
        completed = self.run.completed_steps + [step.name]
        common = dict(results=results, state=jsonable(ctx.state), completed_steps=completed, step_attempt=0,
                      attempt_id=None, step_waits=[], consumed_signals=self.run.consumed_signals + ctx.consumed)
        if kind == "continue":
            self._roll_over(value, ctx, now)
        elif kind == "complete":
            self.save(step_index=self.run.step_index + 1, **common)
            self._finish(RunStatus.COMPLETED, result=jsonable(value))
        else:
            self.save(step_index=self.run.step_index + 1, **common)

    # -- failures, retries, compensation -------------------------------------------------------
    def _after_failure(self, step, record, ctx, exc, started, policy, compensation,
                       status=StepStatus.FAILED) -> bool:
        now = timezone.now()
        attempt = record.attempt
        will_retry = policy.allows_retry(exc, attempt)
        delay = 0.0
        if will_retry:
            delay = max(policy.delay_before(attempt + 1), float(getattr(exc, "retry_after", None) or 0))
        retry_at = now + timedelta(seconds=delay) if will_retry else None
        duration = (time.perf_counter() - started) * 1000
        logger.warning("step failed: %s: %s", error_class(exc), describe(exc),
                       extra={"duration_ms": round(duration, 2), "retry_in_s": delay if will_retry else None})
        with transaction.atomic():
            StepRun.objects.filter(pk=record.pk).update(
                status=status, finished_at=now, duration_ms=duration, error_class=error_class(exc),
                error_message=describe(exc)[:2000], retryable=will_retry, next_attempt_at=retry_at)
            if will_retry:
                self.release(wake_at=retry_at, kicked_at=retry_at, step_waits=ctx.waits,
                             consumed_signals=self.run.consumed_signals + ctx.consumed)
            elif compensation:
                failures = list((self.run.error or {}).get("compensation_failures", []))
                failures.append({"step": step.name, "error_class": error_class(exc), "message": describe(exc)})
                self.save(error={**(self.run.error or {}), "compensation_failures": failures},
                          compensation_queue=self.run.compensation_queue[1:], step_attempt=0, attempt_id=None)
            else:
                self._begin_compensation({"error_class": error_class(exc), "message": describe(exc),
                                          "step": step.name, "attempts": attempt,
                                          "retryable": bool(getattr(exc, "retryable", False))})
        if will_retry:
            metrics.ACTIVITY_RETRIES.labels(f"{self.run.workflow_type}.{step.name}", step.system).inc()
            if delay <= conf.get("WORKFLOW_COUNTDOWN_MAX"):
                kicks.kick_runs([(self.run.workflow_id, self.run.tenant_schema)], countdown=delay or None)
            return True
        return False

    def _begin_compensation(self, error: dict) -> None:
        error = {**error, "occurred_at": timezone.now().isoformat()}
        queue = [name for name in reversed(self.run.completed_steps)
                 if name in self.by_name and self.by_name[name].compensate is not None]
        reset = dict(step_attempt=0, attempt_id=None, step_waits=[], wait_signals=[], wait_key="", wake_at=None)
        # A wait cut short by a cancellation ends with it.
        StepRun.objects.filter(run=self.run, status=StepStatus.WAITING).update(
            status=StepStatus.FAILED, finished_at=timezone.now(), error_class=error["error_class"],
            error_message=error["message"])
        if not queue:
            final = RunStatus.CANCELLED if error["error_class"] == CANCELLED_ERROR else RunStatus.FAILED
            self.save(error=error, **reset)
            self._finish(final)
            return
        logger.warning("compensating %s after %s", ", ".join(queue), error["error_class"])
        self.save(status=RunStatus.COMPENSATING, error=error, compensation_queue=queue, **reset)

    def _finish_compensation(self) -> None:
        error = self.run.error or {}
        if error.get("compensation_failures"):
            self._finish(RunStatus.FAILED)
        elif error.get("error_class") == CANCELLED_ERROR:
            self._finish(RunStatus.CANCELLED)
        else:
            self._finish(RunStatus.COMPENSATED)

    def _finish(self, status: str, result=None) -> None:
        now = timezone.now()
        fields = dict(status=status, finished_at=now, wake_at=None, wait_signals=[], wait_key="",
                      attempt_id=None, step_waits=[])
        if status == RunStatus.COMPLETED:
            fields.update(result=result, current_step="", step_index=len(self.plan))
        self.release(**fields)
        workflow_type = self.run.workflow_type
        metrics.WORKFLOW_COMPLETED.labels(workflow_type, status).inc()
        if status in (RunStatus.FAILED, RunStatus.COMPENSATED):
            metrics.WORKFLOW_FAILED.labels(workflow_type, (self.run.error or {}).get("error_class", "unknown")).inc()
        began = self.run.started_at or self.run.created_at
        if began:
            metrics.WORKFLOW_DURATION.labels(workflow_type).observe((now - began).total_seconds())
        logger.info("workflow %s", status)

    # -- waits ---------------------------------------------------------------------------------
    def _park(self, record, ctx, suspend: Suspend) -> None:
        with transaction.atomic():
            StepRun.objects.filter(pk=record.pk).update(status=StepStatus.WAITING, next_attempt_at=suspend.wake_at)
            self.release(status=RunStatus.WAITING, wait_signals=suspend.signals, wait_key=suspend.key,
                         wake_at=suspend.wake_at, step_waits=ctx.waits,
                         consumed_signals=self.run.consumed_signals + ctx.consumed)
        logger.info("waiting for %s", ", ".join(suspend.signals) or f"a timer ({suspend.wake_at.isoformat()})")
        if suspend.signals:
            # A signal stored between the step's check and the park found no waiting run to wake.
            exclude = self.run.consumed_signals
            if signal_store.find(self.run, suspend.signals, suspend.key, exclude) is not None:
                runs = WorkflowRun.objects.filter(pk=self.run.pk)
                kicks.kick_runs(signal_store.wake(runs))

    # -- continue-as-new -----------------------------------------------------------------------
    def _roll_over(self, again: ContinueAsNew, ctx, now) -> None:
        run = self.run
        summary = {"generation": run.generation, "steps_completed": len(run.completed_steps) + 1,
                   "started_at": (run.started_at.isoformat() if run.generation == 1 and run.started_at else
                                  (run.history[-1]["ended_at"] if run.history else None)),
                   "ended_at": now.isoformat()}
        history = (run.history + [summary])[-conf.get("WORKFLOW_HISTORY_KEEP"):]
        new_input = again.input if again.input is not None else run.input
        state = jsonable(again.state if again.state is not None else ctx.state)
        StepRun.objects.filter(run=run, generation__lt=run.generation).delete()
        consumed = (run.consumed_signals + ctx.consumed)[-1000:]
        self.save(generation=run.generation + 1, input=new_input, state=state, results={}, completed_steps=[],
                  step_index=0, step_attempt=0, attempt_id=None, step_waits=[], history=history,
                  consumed_signals=consumed, current_step="")
        self.plan = list(self.definition.plan(new_input))
        self.by_name = {step.name: step for step in self.plan}
        self.save(total_steps=len(self.plan))
        logger.info("continued as new (generation %d)", self.run.generation)

    # -- crash recovery ------------------------------------------------------------------------
    def _recover_interrupted_attempt(self) -> bool:
        """An attempt still `running` while we hold the lease was cut short by a dead worker."""
        if not self.run.attempt_id:
            return False
        record = StepRun.objects.filter(pk=self.run.attempt_id, status=StepStatus.RUNNING).first()
        if record is None:
            return False
        step = self.by_name.get(record.step)
        if step is None:
            return False
        compensation = record.kind == StepKind.COMPENSATION
        policy = step.compensation_retry_policy() if compensation else step.retry_policy()
        lost = WorkerLostError("the worker executing this step stopped before it finished (lease expired)",
                               system="cityos")
        # It counts as a failed attempt: retried (WorkerLostError is retryable) unless attempts are used up.
        ctx = StepContext(self.run, record.step, attempt=record.attempt,
                          idempotency_key=record.idempotency_key, is_compensation=compensation,
                          waits=self.run.step_waits)
        started = time.perf_counter() - ((timezone.now() - record.started_at).total_seconds())
        return self._after_failure(step, record, ctx, lost, started, policy, compensation,
                                   status=StepStatus.INTERRUPTED)

