"""Reliability on real parts — PostgreSQL, Redis and Celery worker processes (with beat):
nothing lost, nothing done twice, failures compensated, waits cheap.

Every test commits its data (`live_db`) and names its entities uniquely; the workers consume
the engine's test queue and use short intervals (tests/workflows/support.py).
"""
import os
import time
import uuid

import pytest
from django.db import transaction
from django_tenants.utils import schema_context

from integrations.models import SandboxCall, SandboxObject
from tests.support.processes import wait_for
from workflows import services
from workflows.models import EventOutbox, OutboxStatus, RunStatus, StepRun, WorkflowRun, WorkflowSignal
from workflows.outbox import emit

pytestmark = [pytest.mark.worker, pytest.mark.slow]

REDIS_OUTAGE_SECONDS = float(os.environ.get("CITYOS_TEST_REDIS_OUTAGE_SECONDS", "30"))
SAGA_STEPS = ["charge_order", "authorize_deposit", "record_ledger", "charge_fee", "charge_extra", "finish"]


def _unique(prefix):
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def _emit(tenant, event_type, aggregate_id, payload, aggregate_type="testorder"):
    with schema_context(tenant.schema_name), transaction.atomic():
        return emit(event_type, aggregate_type=aggregate_type, aggregate_id=aggregate_id, payload=payload)


def _run(workflow_id):
    return WorkflowRun.objects.filter(workflow_id=workflow_id).first()


def _wait_status(workflow_id, statuses, timeout=60):
    statuses = (statuses,) if isinstance(statuses, str) else statuses
    return wait_for(lambda: (_run(workflow_id) and _run(workflow_id).status in statuses and _run(workflow_id)),
                    timeout, f"{workflow_id} to reach {statuses}", interval=0.2)


def _saga_id(tenant, order):
    return f"tenant:{tenant.slug}:testorder:{order}:saga"


def _assert_external_effects_once(workflow_id, steps=("charge_order", "authorize_deposit", "charge_fee",
                                                       "charge_extra")):
    calls = SandboxCall.objects.using("sandbox").filter(system="stripe")
    for step in steps:
        key = f"{workflow_id}:{step}"
        assert calls.filter(idempotency_key=key, replayed=False).count() == 1, key
    intents = SandboxObject.objects.using("sandbox").filter(system="stripe", kind="payment_intent",
                                                            data__metadata__workflow_id=workflow_id)
    assert intents.count() == len(steps)


def test_a_worker_killed_mid_run_leaves_nothing_stuck_and_nothing_done_twice(live_db, tenant_a,
                                                                              start_engine_worker):
    worker = start_engine_worker()
    order = _unique("ord_kill_")
    workflow_id = _saga_id(tenant_a, order)
    _emit(tenant_a, "test.saga.requested", order, {"order_id": order, "slow_step": "charge_fee", "slow_seconds": 5})

    # charge_fee has written its outbox event, called Stripe and is now sleeping: kill the worker.
    wait_for(lambda: StepRun.objects.filter(run__workflow_id=workflow_id, step="charge_fee", status="running").exists()
             and SandboxCall.objects.using("sandbox").filter(idempotency_key=f"{workflow_id}:charge_fee").exists(),
             60, "the run to reach charge_fee", interval=0.05)
    worker.kill()
    assert _run(workflow_id).status == RunStatus.RUNNING

    start_engine_worker()
    run = _wait_status(workflow_id, RunStatus.COMPLETED, timeout=60)

    fee_attempts = list(StepRun.objects.filter(run=run, step="charge_fee").order_by("attempt")
                        .values_list("attempt", "status", "error_class"))
    assert fee_attempts == [(1, "interrupted", "WorkerLostError"), (2, "completed", "")]
    assert [s for s in StepRun.objects.filter(run=run, status="completed").values_list("step", flat=True)] == SAGA_STEPS
    _assert_external_effects_once(workflow_id)
    # The repeated Stripe call was recognised as the same call (same idempotency key).
    assert SandboxCall.objects.using("sandbox").filter(idempotency_key=f"{workflow_id}:charge_fee",
                                                       replayed=True).count() == 1
    # The killed attempt's own database writes were rolled back: its event exists once.
    for event_type in ("test.ledger.recorded", "test.fee.charged", "test.saga.completed"):
        assert EventOutbox.objects.filter(event_type=event_type, payload__workflow_id=workflow_id).count() == 1


def test_a_redis_outage_loses_no_event_and_every_run_completes_once_redis_is_back(live_db, tenant_a, redis_server,
                                                                                   start_engine_worker):
    worker = start_engine_worker()
    warm_up = _unique("warm_")
    _emit(tenant_a, "test.cheap.happened", warm_up, {}, aggregate_type="thing")
    _wait_status(f"tenant:{tenant_a.slug}:thing:{warm_up}:note", RunStatus.COMPLETED)  # the platform is up
    batch = _unique("outage_")
    sagas, cheap, commit_times = [], [], []
    redis_server.stop()
    try:
        started = time.monotonic()
        n = 0
        while time.monotonic() - started < REDIS_OUTAGE_SECONDS:
            began = time.monotonic()
            if n % 2 == 0:
                order = f"{batch}_{n}"
                sagas.append(_emit(tenant_a, "test.saga.requested", order, {"order_id": order}))
            else:
                cheap.append(_emit(tenant_a, "test.cheap.happened", f"{batch}_{n}", {}, aggregate_type="thing"))
            commit_times.append(time.monotonic() - began)
            n += 1
            time.sleep(1)
        assert EventOutbox.objects.filter(id__in=[e.id for e in sagas + cheap], status=OutboxStatus.PENDING).count() \
            == len(sagas) + len(cheap)  # nothing could be relayed while Redis was down
    finally:
        redis_server.start()
    if worker.proc.poll() is not None:
        # kombu can abort a worker that loses Redis while holding unacknowledged messages; in
        # production its supervisor restarts it, as this does. Nothing was lost meanwhile.
        start_engine_worker()
    # The request path never waited on the broker: one short attempt, then a cool-down.
    assert max(commit_times) < 2.0, commit_times

    events = [e.id for e in sagas + cheap]
    wait_for(lambda: EventOutbox.objects.filter(id__in=events, status=OutboxStatus.DELIVERED).count() == len(events),
             90, "every event to be delivered", interval=0.5)
    workflow_ids = [_saga_id(tenant_a, e.aggregate_id) for e in sagas] + \
                   [f"tenant:{tenant_a.slug}:thing:{e.aggregate_id}:note" for e in cheap]
    wait_for(lambda: WorkflowRun.objects.filter(workflow_id__in=workflow_ids, status=RunStatus.COMPLETED).count()
             == len(workflow_ids), 120, "every run to complete", interval=0.5)
    for event in sagas:
        _assert_external_effects_once(_saga_id(tenant_a, event.aggregate_id))


def test_the_same_event_delivered_twice_starts_one_run(live_db, tenant_a, engine_worker):
    order = _unique("ord_twice_")
    workflow_id = _saga_id(tenant_a, order)
    first = _emit(tenant_a, "test.saga.requested", order, {"order_id": order})
    _wait_status(workflow_id, RunStatus.COMPLETED)

    EventOutbox.objects.filter(pk=first.pk).update(status=OutboxStatus.PENDING)      # redelivered
    again = _emit(tenant_a, "test.saga.requested", order, {"order_id": order})       # emitted twice
    wait_for(lambda: EventOutbox.objects.filter(id__in=[first.id, again.id], status=OutboxStatus.DELIVERED).count()
             == 2, 30, "both deliveries")
    time.sleep(1)  # give a (wrong) second run every chance to appear and act
    assert WorkflowRun.objects.filter(workflow_id=workflow_id).count() == 1
    assert StepRun.objects.filter(run__workflow_id=workflow_id, step="charge_order").count() == 1
    _assert_external_effects_once(workflow_id)
    assert "run already exists" in EventOutbox.objects.get(pk=again.pk).note


def test_a_non_retryable_failure_at_step_5_compensates_steps_4_to_1_in_reverse(live_db, tenant_a, engine_worker):
    order = _unique("ord_declined_")
    workflow_id = _saga_id(tenant_a, order)
    _emit(tenant_a, "test.saga.requested", order, {"order_id": order, "extra_card": "pm_card_chargeDeclined"})
    run = _wait_status(workflow_id, (RunStatus.COMPENSATED, RunStatus.FAILED))

    assert run.status == RunStatus.COMPENSATED
    assert (run.error["error_class"], run.error["step"]) == ("PaymentDeclinedError", "charge_extra")
    compensations = list(StepRun.objects.filter(run=run, kind="compensation").order_by("id")
                         .values_list("step", "status"))
    assert compensations == [("charge_fee", "completed"), ("record_ledger", "completed"),
                             ("authorize_deposit", "completed"), ("charge_order", "completed")]
    refunds = SandboxObject.objects.using("sandbox").filter(system="stripe", kind="refund",
                                                            data__metadata__workflow_id=workflow_id)
    assert sorted(r.data["amount"] for r in refunds) == [100, 5000]
    assert not StepRun.objects.filter(run=run, step="finish").exists()


def test_a_retryable_failure_retries_with_backoff_and_then_succeeds(live_db, tenant_a, engine_worker):
    with schema_context(tenant_a.schema_name):
        run = services.start_workflow("TestFlaky", {"fail_times": 2}, entity_id=_unique("flaky_")).run
    run = _wait_status(run.workflow_id, RunStatus.COMPLETED)
    attempts = list(StepRun.objects.filter(run=run, step="call_partner").order_by("attempt"))
    assert [(a.attempt, a.status, a.error_class) for a in attempts] == [
        (1, "failed", "NetworkError"), (2, "failed", "NetworkError"), (3, "completed", "")]
    assert (attempts[1].started_at - attempts[0].finished_at).total_seconds() >= 0.3
    assert (attempts[2].started_at - attempts[1].finished_at).total_seconds() >= 0.6
    assert SandboxCall.objects.using("sandbox").filter(idempotency_key=f"{run.workflow_id}:call_partner").count() == 1


def test_a_signal_sent_before_the_run_waits_for_it_is_not_lost(live_db, tenant_a, engine_worker):
    intent = _unique("pi_early_")
    with schema_context(tenant_a.schema_name):
        run = services.start_workflow("TestAwaitPayment", {"payment_intent_id": intent, "hold_seconds": 2}).run
    _wait_status(run.workflow_id, RunStatus.WAITING)  # on its timer, not yet on the signal
    _emit(tenant_a, "payment.intent.captured", intent, {"amount": 4200}, aggregate_type="payment_intent")
    run = _wait_status(run.workflow_id, RunStatus.COMPLETED, timeout=30)

    assert run.result["settle"] == {"captured": 4200}
    signal = WorkflowSignal.objects.get(name="payment.intent.captured", key=intent)
    wait_started = StepRun.objects.get(run=run, step="await_capture").started_at
    assert signal.created_at < wait_started


def test_a_wait_past_its_deadline_takes_the_timeout_path(live_db, tenant_a, engine_worker):
    with schema_context(tenant_a.schema_name):
        expiring = services.start_workflow("TestAwaitPayment", {"payment_intent_id": _unique("pi_late_"),
                                                                "timeout": 1}).run
        failing = services.start_workflow("TestApproval", {"timeout": 1}, entity_id=_unique("late_")).run
    expiring = _wait_status(expiring.workflow_id, RunStatus.COMPLETED, timeout=30)
    assert expiring.result["expire"] == {"expired": True}
    assert StepRun.objects.get(run=expiring, step="settle").status == "skipped"

    failing = _wait_status(failing.workflow_id, RunStatus.COMPENSATED, timeout=30)
    assert failing.error["error_class"] == "SignalTimeoutError"
    deposit = SandboxObject.objects.using("sandbox").get(kind="payment_intent",
                                                         data__metadata__workflow_id=failing.workflow_id)
    assert deposit.data["status"] == "canceled"


def test_waiting_runs_hold_no_worker(live_db, tenant_a, engine_worker):
    with schema_context(tenant_a.schema_name):
        waiting = [services.start_workflow("TestAwaitPayment", {"payment_intent_id": _unique("pi_wait_"),
                                                                "timeout": 120}).run for _ in range(4)]
        for run in waiting:
            _wait_status(run.workflow_id, RunStatus.WAITING)
        # Four waits and a worker of concurrency 2: new work still runs at once.
        cheap = services.start_workflow("TestCheap", {}, entity_id=_unique("cheap_")).run
    _wait_status(cheap.workflow_id, RunStatus.COMPLETED, timeout=20)
    assert WorkflowRun.objects.filter(pk__in=[r.pk for r in waiting], status=RunStatus.WAITING).count() == 4
    for run in waiting:  # tidy up: nothing left waiting for two minutes
        services.cancel(run.workflow_id, tenant_schema=tenant_a.schema_name)


def test_worker_metrics_appear_on_the_metrics_endpoint(live_db, tenant_a, engine_worker, platform_client):
    with schema_context(tenant_a.schema_name):
        run = services.start_workflow("TestCheap", {}, entity_id=_unique("metrics_")).run
    _wait_status(run.workflow_id, RunStatus.COMPLETED)
    text = platform_client.get("/metrics").content.decode()
    assert 'cityos_workflow_completed_total{status="completed",workflow_type="TestCheap"}' in text
    assert 'cityos_workflow_started_total{tenant_id="alpha",workflow_type="TestCheap"}' in text
    assert 'cityos_activity_duration_seconds_count{activity_type="TestCheap.note",system="cityos"}' in text
