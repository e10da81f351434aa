"""The operators' commands: process_outbox, replay_dead_letters, trigger_workflow, workflow_status."""
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django_tenants.utils import schema_context

from workflows.models import OutboxStatus, WorkflowRun
from workflows.outbox import emit

pytestmark = pytest.mark.django_db


def _run(*args, **options):
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def _emit(event_type, aggregate_id, payload=None, **options):
    with schema_context("t_alpha"), transaction.atomic():
        return emit(event_type, aggregate_type="thing", aggregate_id=aggregate_id, payload=payload or {}, **options)


def test_process_outbox_relays_and_reports(tenant_a):
    event = _emit("test.cheap.happened", "cmd-po")
    output = _run("process_outbox", "--tenant", "alpha", "--batch-size", "500")
    assert "batch 1:" in output and "Relayed" in output
    event.refresh_from_db()
    assert event.status == OutboxStatus.DELIVERED
    assert WorkflowRun.objects.filter(workflow_id="tenant:alpha:thing:cmd-po:note").exists()


def test_replay_dead_letters_lists_then_replays_by_id(tenant_a):
    dead = _emit("test.strict.requested", "cmd-dead", max_retries=1)
    other = _emit("test.strict.requested", "cmd-dead-2", max_retries=1)
    _run("process_outbox", "--tenant", "alpha")
    dead.refresh_from_db()
    assert dead.status == OutboxStatus.DEAD_LETTER

    listing = _run("replay_dead_letters", "--list", "--id", str(dead.id))
    assert str(dead.id) in listing and "KeyError" in listing and "1 dead letters." in listing
    assert "Queued 1 dead-lettered events again." in _run("replay_dead_letters", "--id", str(dead.id))
    dead.refresh_from_db()
    other.refresh_from_db()
    assert (dead.status, other.status) == (OutboxStatus.PENDING, OutboxStatus.DEAD_LETTER)


def test_trigger_workflow_by_type_inline_and_status_shows_it(tenant_a):
    output = _run("trigger_workflow", "TestSaga", "--tenant", "alpha", "--input", '{"order_id": "ord_cmd"}',
                  "--inline")
    workflow_id = "tenant:alpha:testorder:ord_cmd:saga"
    assert f"Started {workflow_id}" in output and f"{workflow_id}: completed" in output
    status = _run("workflow_status", workflow_id)
    assert "[####################] 100%" in status and "completed" in status
    assert "charge_order" in status and "finish" in status

    listing = _run("workflow_status", "--tenant", "alpha", "--type", "TestSaga")
    assert workflow_id in listing and "Runs:" in listing and "Outbox:" in listing


def test_trigger_workflow_by_event(tenant_a):
    output = _run("trigger_workflow", "--tenant", "alpha", "--event", "test.unbuilt.requested",
                  "--aggregate-type", "x", "--aggregate-id", "cmd-1")
    assert "delivered: no workflow registered for NotBuiltYet" in output


@pytest.mark.parametrize("args, message", [
    (["TestCheap", "--tenant", "nobody", "--entity-id", "1"], "No tenant"),
    (["--tenant", "alpha"], "either a workflow type or --event"),
    (["TestCheap", "--tenant", "alpha"], "entity"),
    (["TestCheap", "--tenant", "alpha", "--entity-id", "1", "--input", "[1]"], "JSON object"),
    (["NoSuch", "--tenant", "alpha", "--entity-id", "1"], "Unknown workflow type"),
])
def test_trigger_workflow_refuses_bad_arguments(tenant_a, args, message):
    with pytest.raises(CommandError, match=message):
        _run("trigger_workflow", *args)


def test_workflow_status_map_lists_every_mapped_event_and_whether_it_is_registered(tenant_a):
    _emit("test.unbuilt.requested", "map-1")
    _run("process_outbox", "--tenant", "alpha")
    output = _run("workflow_status", "--map")
    assert "order.placed" in output and "OrderPlacement" in output
    line = next(line for line in output.splitlines() if line.startswith("test.unbuilt.requested"))
    assert "NotBuiltYet" in line and " no " in line and "events delivered without a run" in line
    assert "payment.intent.captured" in output


def test_workflow_status_of_an_unknown_run_is_an_error(tenant_a):
    with pytest.raises(CommandError):
        _run("workflow_status", "tenant:alpha:none:1:x")
