"""The outbox relay: events start the workflows EVENT_WORKFLOW_MAP assigns them, exactly once;
unmapped and unregistered types are delivered with a note; failures back off, then dead-letter."""
import pytest
from django.db import transaction
from django.utils import timezone

from workflows import relay, services
from workflows.models import EventOutbox, OutboxStatus, RunStatus, WorkflowRun
from workflows.outbox import emit

pytestmark = pytest.mark.django_db


def _emit(event_type, aggregate_id, payload=None, aggregate_type="test_thing", **options):
    with transaction.atomic():
        return emit(event_type, aggregate_type=aggregate_type, aggregate_id=aggregate_id, payload=payload or {},
                    **options)


def _relay(*events):
    return relay.process_outbox(event_ids=[event.id for event in events])


def test_an_event_starts_its_mapped_workflow_with_the_event_as_cause(alpha):
    event = _emit("test.saga.requested", "ord_relay_1", {"order_id": "ord_relay_1", "amount": 900},
                  aggregate_type="testorder", correlation_id="corr_relay_1")
    counts = _relay(event)

    assert counts == {"claimed": 1, "delivered": 1, "runs_started": 1, "signals": 0, "unrouted": 0, "failed": 0,
                      "dead_lettered": 0, "batches": 1}
    event.refresh_from_db()
    assert event.status == OutboxStatus.DELIVERED and event.processed_at is not None and event.note == ""
    run = WorkflowRun.objects.get(causation_id=str(event.id))
    assert run.workflow_id == "tenant:alpha:testorder:ord_relay_1:saga"
    assert (run.workflow_type, run.status, run.trigger_event) == ("TestSaga", RunStatus.PENDING, "test.saga.requested")
    assert run.input == {"order_id": "ord_relay_1", "amount": 900}
    assert run.correlation_id == "corr_relay_1" and run.tenant_schema == "t_alpha"


def test_the_same_event_delivered_twice_starts_one_run(alpha):
    event = _emit("test.cheap.happened", "twice-1")
    assert _relay(event)["runs_started"] == 1
    EventOutbox.objects.filter(pk=event.pk).update(status=OutboxStatus.PENDING)  # delivered again
    counts = _relay(event)

    assert counts["delivered"] == 1 and counts["runs_started"] == 0
    assert WorkflowRun.objects.filter(workflow_id="tenant:alpha:test_thing:twice-1:note").count() == 1
    event.refresh_from_db()
    assert "run already exists: tenant:alpha:test_thing:twice-1:note" in event.note


def test_two_events_about_the_same_aggregate_in_one_batch_start_one_run(alpha):
    first, second = _emit("test.cheap.happened", "dup-agg"), _emit("test.cheap.happened", "dup-agg")
    counts = _relay(first, second)
    assert (counts["delivered"], counts["runs_started"]) == (2, 1)
    assert WorkflowRun.objects.filter(workflow_id="tenant:alpha:test_thing:dup-agg:note").count() == 1


def test_one_run_per_event_definitions_run_again_for_each_event(alpha):
    first, second = _emit("test.record.changed", "rec-1"), _emit("test.record.changed", "rec-1")
    assert _relay(first, second)["runs_started"] == 2
    ids = set(WorkflowRun.objects.filter(workflow_type="TestPerEvent", causation_id__in=[str(first.id), str(second.id)])
              .values_list("workflow_id", flat=True))
    assert ids == {f"tenant:alpha:test_thing:rec-1.{first.id.hex}:push", f"tenant:alpha:test_thing:rec-1.{second.id.hex}:push"}


def test_an_event_mapped_only_to_unregistered_workflows_is_delivered_with_a_note(alpha):
    event = _emit("test.unbuilt.requested", "x-1")
    counts = _relay(event)
    assert (counts["delivered"], counts["runs_started"], counts["unrouted"]) == (1, 0, 1)
    event.refresh_from_db()
    assert event.status == OutboxStatus.DELIVERED
    assert event.note == "no workflow registered for NotBuiltYet"


def test_an_event_some_of_whose_workflows_are_registered_starts_those_and_notes_the_rest(alpha):
    event = _emit("test.cheap.happened", "partly")
    assert _relay(event)["runs_started"] == 1
    event.refresh_from_db()
    assert event.note == "no workflow registered for TestCheapTwin"


def test_an_unmapped_event_is_delivered_with_a_note(alpha):
    event = _emit("test.nobody.listens", "n-1")
    _relay(event)
    event.refresh_from_db()
    assert (event.status, event.note) == (OutboxStatus.DELIVERED, "no workflow mapped to test.nobody.listens")


def test_a_conditional_route_starts_its_workflow_only_when_the_payload_says_so(alpha):
    wanted, unwanted = _emit("test.conditional", "c-1", {"wanted": True}), _emit("test.conditional", "c-2", {})
    assert _relay(wanted, unwanted)["runs_started"] == 1
    unwanted.refresh_from_db()
    assert unwanted.note == "no route applies: TestCheap (when payload.wanted)"
    assert WorkflowRun.objects.filter(workflow_id="tenant:alpha:test_thing:c-1:note").exists()


def test_a_failing_event_backs_off_then_goes_to_dead_letter_and_can_be_replayed(alpha, settings):
    settings.WORKFLOW_OUTBOX_BACKOFF = 60
    event = _emit("test.strict.requested", "bad-1", {"no_amount": True}, max_retries=3)
    counts = _relay(event)
    assert (counts["failed"], counts["delivered"]) == (1, 0)
    event.refresh_from_db()
    assert (event.status, event.retry_count) == (OutboxStatus.FAILED, 1)
    assert "KeyError" in event.error_message
    assert 50 < (event.next_retry_at - timezone.now()).total_seconds() <= 60
    assert _relay(event)["claimed"] == 0  # not due yet

    EventOutbox.objects.filter(pk=event.pk).update(next_retry_at=timezone.now())
    _relay(event)
    event.refresh_from_db()
    assert (event.status, event.retry_count) == (OutboxStatus.FAILED, 2)
    assert 100 < (event.next_retry_at - timezone.now()).total_seconds() <= 120  # doubled

    EventOutbox.objects.filter(pk=event.pk).update(next_retry_at=timezone.now())
    assert _relay(event)["dead_lettered"] == 1
    event.refresh_from_db()
    assert (event.status, event.retry_count, event.next_retry_at) == (OutboxStatus.DEAD_LETTER, 3, None)
    assert _relay(event)["claimed"] == 0

    assert services.replay_dead_letters(ids=[event.id]) == 1
    event.refresh_from_db()
    assert (event.status, event.retry_count) == (OutboxStatus.PENDING, 0)
    assert event.note.startswith("replayed from dead letter")


def test_a_relay_scoped_to_a_tenant_leaves_other_tenants_events(alpha, tenant_b):
    from django_tenants.utils import schema_context

    mine = _emit("test.cheap.happened", "scoped-a")
    with schema_context(tenant_b.schema_name):
        theirs = _emit("test.cheap.happened", "scoped-b")
    relay.process_outbox(tenant_schema="t_alpha", event_ids=[mine.id, theirs.id])
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == (OutboxStatus.DELIVERED, OutboxStatus.PENDING)
