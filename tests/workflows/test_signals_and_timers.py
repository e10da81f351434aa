"""Signals and timers, driven inline: a parked run holds nothing, a signal that arrives early is
kept, keyed signals arrive as outbox events, deadlines take the timeout path."""
import pytest
from django.db import transaction
from django.utils import timezone

from tests.workflows.conftest import drive
from workflows import relay, services
from workflows.models import RunStatus, StepRun, WorkflowSignal
from workflows.outbox import emit

pytestmark = pytest.mark.django_db


def _emit(event_type, aggregate_id, payload, aggregate_type="payment_intent"):
    with transaction.atomic():
        return emit(event_type, aggregate_type=aggregate_type, aggregate_id=aggregate_id, payload=payload)


def test_a_waiting_run_is_parked_with_its_wait_and_deadline(alpha):
    run = services.start_workflow("TestAwaitPayment", {"payment_intent_id": "pi_park", "timeout": 300}).run
    run = drive(run.workflow_id)
    assert run.status == RunStatus.WAITING
    assert (run.wait_signals, run.wait_key) == (["payment.intent.captured"], "pi_park")
    assert 290 < (run.wake_at - timezone.now()).total_seconds() <= 300
    assert not run.lease_token and run.lease_expires_at is None  # no executor holds it
    assert StepRun.objects.get(run=run, step="await_capture").status == "waiting"


def test_a_keyed_signal_from_the_outbox_wakes_the_waiting_run(alpha):
    run = drive(services.start_workflow("TestAwaitPayment", {"payment_intent_id": "pi_wake"}).run.workflow_id)
    assert run.status == RunStatus.WAITING
    event = _emit("payment.intent.captured", "pi_wake", {"payment_intent_id": "pi_wake", "amount": 5000})

    counts = relay.process_outbox(event_ids=[event.id])
    assert counts["signals"] == 1
    run.refresh_from_db()
    assert run.wake_at is not None and run.wake_at <= timezone.now()  # due now

    run = drive(run.workflow_id)
    assert run.status == RunStatus.COMPLETED
    assert run.result["settle"] == {"captured": 5000}
    assert run.result["await_capture"]["payload"]["amount"] == 5000
    assert "expire" not in run.result or run.result["expire"] is None


def test_a_signal_that_arrives_before_the_run_waits_is_kept(alpha):
    # The webhook's event is relayed before the run even exists.
    event = _emit("payment.intent.captured", "pi_early", {"amount": 1200})
    relay.process_outbox(event_ids=[event.id])
    assert WorkflowSignal.objects.filter(name="payment.intent.captured", key="pi_early").count() == 1

    run = drive(services.start_workflow("TestAwaitPayment", {"payment_intent_id": "pi_early"}).run.workflow_id)
    assert run.status == RunStatus.COMPLETED
    assert run.result["settle"] == {"captured": 1200}


def test_a_directed_signal_sent_before_the_wait_is_kept_and_consumed_once(alpha):
    run = services.start_workflow("TestApproval", {}, entity_id="early-approval").run
    services.signal(run.workflow_id, "approval.request.approved", {"approved_by": "ops"})
    run = drive(run.workflow_id)
    assert run.status == RunStatus.COMPLETED
    assert run.result["await_approval"]["payload"] == {"approved_by": "ops"}
    assert run.result["capture"] == "succeeded"
    assert len(run.consumed_signals) == 1


def test_signals_of_another_tenant_or_another_key_do_not_match(alpha, tenant_b):
    from django_tenants.utils import schema_context

    with schema_context(tenant_b.schema_name):
        in_beta = _emit("payment.intent.captured", "pi_other_tenant", {"amount": 1})
    other_key = _emit("payment.intent.captured", "pi_some_other", {"amount": 2})
    assert relay.process_outbox(event_ids=[in_beta.id, other_key.id])["signals"] == 2
    run = drive(services.start_workflow("TestAwaitPayment", {"payment_intent_id": "pi_other_tenant",
                                                             "timeout": 300}).run.workflow_id)
    assert run.status == RunStatus.WAITING


def test_a_wait_past_its_deadline_takes_the_timeout_path(alpha):
    run = drive(services.start_workflow("TestAwaitPayment", {"payment_intent_id": "pi_late", "timeout": 0.5}).run
                .workflow_id)
    assert run.status == RunStatus.COMPLETED
    assert run.result["await_capture"] == {"timed_out": True}
    assert run.result["expire"] == {"expired": True}
    assert StepRun.objects.get(run=run, step="settle").status == "skipped"


def test_a_deadline_with_on_timeout_fail_compensates(alpha):
    run = drive(services.start_workflow("TestApproval", {"timeout": 0.5}, entity_id="too-slow").run.workflow_id)
    assert run.status == RunStatus.COMPENSATED
    assert run.error["error_class"] == "SignalTimeoutError"
    assert [s.step for s in StepRun.objects.filter(run=run, kind="compensation")] == ["authorize_deposit"]


def test_a_rejection_signal_completes_the_run_early(alpha):
    run = services.start_workflow("TestApproval", {}, entity_id="rejected").run
    drive(run.workflow_id)
    services.signal(run.workflow_id, "approval.request.rejected", {"reason": "budget"})
    run = drive(run.workflow_id)
    assert run.status == RunStatus.COMPLETED
    assert run.result == {"approved": False}
    assert "capture" not in run.results


def test_a_timer_parks_the_run_until_it_is_due(alpha):
    run = services.start_workflow("TestAwaitPayment", {"payment_intent_id": "pi_timer", "hold_seconds": 120}).run
    run = drive(run.workflow_id, max_wait=0.5)
    assert run.status == RunStatus.WAITING and run.wait_signals == []
    assert 110 < (run.wake_at - timezone.now()).total_seconds() <= 120
    from workflows import engine

    assert engine.advance(run.workflow_id) == "busy"  # not due yet
