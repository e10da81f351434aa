"""The saga engine, driven inline: steps, results, retries with backoff, compensation in reverse
order, skipped steps, idempotency keys, continue-as-new and cancellation."""
import pytest

from integrations.models import SandboxObject
from tests.workflows.conftest import drive
from workflows import services
from workflows.models import EventOutbox, RunStatus, StepRun, WorkflowRun

pytestmark = pytest.mark.django_db


def _intents(workflow_id):
    return SandboxObject.objects.using("sandbox").filter(system="stripe", kind="payment_intent",
                                                         data__metadata__workflow_id=workflow_id)


def _steps(run, **filters):
    return list(StepRun.objects.filter(run=run, **filters).order_by("id").values_list("step", "kind", "status"))


def test_a_run_executes_its_steps_in_order_and_records_each_attempt(alpha, request):
    started = services.start_workflow("TestSaga", {"order_id": f"ord_{request.node.name[-20:]}"})
    assert started.created and started.run.status == RunStatus.PENDING
    assert started.run.workflow_id == f"tenant:alpha:testorder:ord_{request.node.name[-20:]}:saga"

    run = drive(started.run.workflow_id)

    assert run.status == RunStatus.COMPLETED
    assert [s for s, _, _ in _steps(run)] == ["charge_order", "authorize_deposit", "record_ledger", "charge_fee",
                                              "charge_extra", "finish"]
    assert {status for _, _, status in _steps(run)} == {"completed"}
    assert run.result["charge_order"]["status"] == "succeeded"
    assert run.progress_percentage == 100
    keys = set(StepRun.objects.filter(run=run).values_list("idempotency_key", flat=True))
    assert f"{run.workflow_id}:charge_order" in keys
    assert _intents(run.workflow_id).count() == 4
    assert EventOutbox.objects.filter(event_type="test.saga.completed", payload__workflow_id=run.workflow_id,
                                      causation_id=run.workflow_id, tenant_schema="t_alpha").count() == 1


def test_starting_the_same_workflow_id_twice_returns_the_existing_run(alpha):
    first = services.start_workflow("TestCheap", {}, entity_id="same-entity")
    again = services.start_workflow("TestCheap", {"other": 1}, entity_id="same-entity")
    assert first.created and not again.created
    assert again.run.pk == first.run.pk
    assert WorkflowRun.objects.filter(workflow_id=first.run.workflow_id).count() == 1


def test_a_retryable_failure_is_retried_with_backoff_and_then_succeeds(alpha):
    run = services.start_workflow("TestFlaky", {"fail_times": 2}, entity_id="flaky-1").run
    run = drive(run.workflow_id)

    assert run.status == RunStatus.COMPLETED
    attempts = list(StepRun.objects.filter(run=run, step="call_partner").order_by("attempt"))
    assert [(a.attempt, a.status, a.error_class) for a in attempts] == [
        (1, "failed", "NetworkError"), (2, "failed", "NetworkError"), (3, "completed", "")]
    assert attempts[0].retryable is True
    # FAST: 0.3 s before the 2nd attempt, 0.6 s before the 3rd.
    assert (attempts[1].started_at - attempts[0].finished_at).total_seconds() >= 0.3
    assert (attempts[2].started_at - attempts[1].finished_at).total_seconds() >= 0.6
    assert run.result["call_partner"]["attempt"] == 3


def test_retries_stop_at_the_policy_maximum_and_the_run_fails(alpha):
    run = services.start_workflow("TestFlaky", {"fail_times": 99}, entity_id="flaky-always").run
    run = drive(run.workflow_id, max_wait=15)
    assert run.status == RunStatus.FAILED  # nothing completed, nothing to compensate
    assert StepRun.objects.filter(run=run, step="call_partner").count() == 5
    assert run.error["error_class"] == "NetworkError" and run.error["attempts"] == 5


def test_a_non_retryable_failure_at_step_5_compensates_steps_4_to_1_in_reverse(alpha):
    run = services.start_workflow("TestSaga", {"order_id": "ord_declined", "extra_card": "pm_card_chargeDeclined"}).run
    run = drive(run.workflow_id)

    assert run.status == RunStatus.COMPENSATED
    assert run.error["error_class"] == "PaymentDeclinedError" and run.error["step"] == "charge_extra"
    assert StepRun.objects.filter(run=run, step="charge_extra").count() == 1  # not retried
    compensations = [s for s, kind, status in _steps(run, kind="compensation") if status == "completed"]
    assert compensations == ["charge_fee", "record_ledger", "authorize_deposit", "charge_order"]
    refunds = SandboxObject.objects.using("sandbox").filter(system="stripe", kind="refund",
                                                            data__metadata__workflow_id=run.workflow_id)
    assert refunds.count() == 2
    deposit = [i for i in _intents(run.workflow_id) if i.data["metadata"]["step"] == "authorize_deposit"][0]
    assert deposit.data["status"] == "canceled"
    assert EventOutbox.objects.filter(event_type="test.ledger.reversed", payload__workflow_id=run.workflow_id).count() == 1
    assert StepRun.objects.filter(run=run, kind="compensation", idempotency_key__endswith=":compensate").count() == 4


def test_steps_whose_condition_is_false_are_skipped(alpha):
    run = services.start_workflow("TestAwaitPayment", {"payment_intent_id": "pi_skip", "timeout": 0}).run
    run = drive(run.workflow_id)
    assert run.status == RunStatus.COMPLETED
    assert dict((s, status) for s, _, status in _steps(run)) == {
        "hold": "completed", "await_capture": "completed", "settle": "skipped", "expire": "completed"}
    assert run.result["expire"] == {"expired": True}


def test_continue_as_new_rolls_over_with_carried_state_and_pruned_history(alpha):
    run = services.start_workflow("TestSubscription", {"cycles": 4}, entity_id="sub-1").run
    run = drive(run.workflow_id)

    assert run.status == RunStatus.COMPLETED
    assert run.generation == 4
    assert run.result == {"billed": [1, 2, 3, 4], "finished_after": 4}
    assert [entry["generation"] for entry in run.history] == [1, 2, 3]
    # Only the last two generations keep their step history.
    assert set(StepRun.objects.filter(run=run).values_list("generation", flat=True)) == {3, 4}


def test_cancelling_a_waiting_run_compensates_and_ends_cancelled(alpha):
    run = services.start_workflow("TestApproval", {"timeout": 60}, entity_id="cancel-me").run
    run = drive(run.workflow_id)
    assert run.status == RunStatus.WAITING and run.wait_signals == ["approval.request.approved",
                                                                     "approval.request.rejected"]
    services.cancel(run.workflow_id, "customer changed their mind")
    run = drive(run.workflow_id)

    assert run.status == RunStatus.CANCELLED
    assert run.error["message"] == "cancelled: customer changed their mind"
    assert _steps(run, kind="compensation") == [("authorize_deposit", "compensation", "completed")]
    assert StepRun.objects.get(run=run, step="await_approval").status == "failed"
    assert _intents(run.workflow_id).get().data["status"] == "canceled"


def test_a_cancelled_or_finished_run_refuses_more_signals_and_cancels(alpha):
    from cityos.errors import Conflict

    run = drive(services.start_workflow("TestCheap", {}, entity_id="done-1").run.workflow_id)
    with pytest.raises(Conflict):
        services.cancel(run.workflow_id)
    with pytest.raises(Conflict):
        services.signal(run.workflow_id, "approval.request.approved", {})


def test_an_unknown_workflow_type_is_left_for_a_process_that_knows_it(alpha):
    run = WorkflowRun.objects.create(workflow_id="tenant:alpha:x:1:unknown", workflow_type="NotInThisProcess",
                                     tenant_id="alpha", tenant_schema="t_alpha")
    from workflows import engine

    assert engine.advance(run.workflow_id) == "unknown-type"
    run.refresh_from_db()
    assert run.status == RunStatus.PENDING and run.wake_at is not None and not run.lease_token


def test_a_leased_run_is_not_taken_by_a_second_executor(alpha):
    from workflows import engine

    run = services.start_workflow("TestCheap", {}, entity_id="leased-1").run
    assert engine.acquire(run.workflow_id) is not None
    assert engine.advance(run.workflow_id) == "busy"


def test_every_step_logs_with_the_runs_correlation_id(alpha):
    import logging

    from cityos.logging import ContextFilter

    records = []
    handler = logging.Handler()
    handler.addFilter(ContextFilter())
    handler.emit = records.append
    logger = logging.getLogger("cityos.workflows")
    logger.addHandler(handler)
    try:
        run = services.start_workflow("TestCheap", {}, entity_id="logged", correlation_id="corr_wf_logged").run
        drive(run.workflow_id)
    finally:
        logger.removeHandler(handler)
    step_lines = [r for r in records if getattr(r, "step", None) == "note"]
    assert step_lines and step_lines[0].getMessage() == "step completed"
    for record in step_lines:
        assert (record.correlation_id, record.workflow_id, record.tenant) == ("corr_wf_logged", run.workflow_id, "alpha")
        assert record.duration_ms >= 0


def test_a_definition_error_outside_a_step_compensates_instead_of_looping(alpha):
    run = drive(services.start_workflow("TestBrokenWhen", {}, entity_id="broken-when").run.workflow_id)
    assert run.status == RunStatus.COMPENSATED
    assert (run.error["error_class"], run.error["message"]) == ("KeyError", "'missing'")
    assert _intents(run.workflow_id).get().data["status"] == "canceled"


def test_a_definition_that_cannot_plan_its_input_fails_the_run(alpha):
    run = drive(services.start_workflow("TestBrokenPlan", {}, entity_id="broken-plan").run.workflow_id)
    assert run.status == RunStatus.FAILED and run.error["error_class"] == "KeyError"
    assert not run.lease_token


def test_an_attempt_that_overruns_its_timeout_fails_as_a_timeout_and_is_retried(alpha):
    run = drive(services.start_workflow("TestSlow", {}, entity_id="slow-1").run.workflow_id)
    assert run.status == RunStatus.COMPLETED and run.result == {"slow": {"attempt": 2}}
    first = StepRun.objects.get(run=run, attempt=1)
    assert (first.status, first.error_class) == ("failed", "TimeoutError")
    assert first.duration_ms < 2000
