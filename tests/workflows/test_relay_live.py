"""Relay behaviour that needs committed rows: row locks between relays, kicks after commit."""
import threading
import uuid

import pytest
import redis
from django.conf import settings
from django.db import connections, transaction
from django_tenants.utils import schema_context

from tests.workflows.conftest import TEST_QUEUE
from workflows import relay
from workflows.outbox import OutboxMisuse, emit


def _emit(event_type, aggregate_id, payload=None, aggregate_type="test_thing"):
    with transaction.atomic():
        return emit(event_type, aggregate_type=aggregate_type, aggregate_id=aggregate_id, payload=payload or {})


def test_emit_refuses_to_run_outside_a_transaction(live_db):
    with pytest.raises(OutboxMisuse):
        emit("test.cheap.happened", aggregate_type="x", aggregate_id="1", payload={})


def test_rows_locked_by_another_relay_are_skipped_not_waited_for(live_db, tenant_a):
    with schema_context(tenant_a.schema_name):
        event = _emit("test.cheap.happened", f"locked-{uuid.uuid4().hex[:8]}")
    locked, release = threading.Event(), threading.Event()

    def other_relay():
        conn = connections.create_connection("default")
        try:
            with conn.cursor() as cursor:
                cursor.execute("BEGIN")
                cursor.execute("SELECT id FROM workflows_eventoutbox WHERE id = %s FOR UPDATE", [str(event.id)])
                locked.set()
                release.wait(10)
                cursor.execute("ROLLBACK")
        finally:
            conn.close()

    thread = threading.Thread(target=other_relay)
    thread.start()
    try:
        assert locked.wait(10)
        assert relay.process_outbox(event_ids=[event.id])["claimed"] == 0
    finally:
        release.set()
        thread.join(10)
    assert relay.process_outbox(event_ids=[event.id])["delivered"] == 1


def test_emit_kicks_the_relay_once_per_committed_transaction(live_db, tenant_a):
    queue = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    before = queue.llen(TEST_QUEUE)
    with schema_context(tenant_a.schema_name), transaction.atomic():
        for n in range(3):
            emit("test.nobody.listens", aggregate_type="x", aggregate_id=f"kick-{n}", payload={})
    assert queue.llen(TEST_QUEUE) == before + 1
    with schema_context(tenant_a.schema_name):
        with pytest.raises(RuntimeError), transaction.atomic():
            emit("test.nobody.listens", aggregate_type="x", aggregate_id="rolled-back", payload={})
            raise RuntimeError("rollback")
    assert queue.llen(TEST_QUEUE) == before + 1  # nothing committed, nothing kicked


def test_a_backlog_of_runs_is_kicked_in_chunks(live_db, settings):
    from workflows import kicks

    settings.WORKFLOW_KICK_CHUNK = 10
    queue = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    before = queue.llen(TEST_QUEUE)
    assert kicks.kick_runs([(f"tenant:alpha:x:{n}:y", "t_alpha") for n in range(25)]) == 25
    assert queue.llen(TEST_QUEUE) == before + 3          # 10 + 10 + 5 runs
    assert kicks.kick_runs([(f"tenant:alpha:x:{n}:y", "t_alpha") for n in range(5)]) == 5
    assert queue.llen(TEST_QUEUE) == before + 3 + 5      # a few runs: one task each


def test_advance_many_drives_each_run_of_its_chunk(live_db, tenant_a):
    from tests.workflows.saga_definitions import TestCheap  # noqa: F401  (registered)
    from workflows import services, tasks
    from workflows.models import RunStatus, WorkflowRun

    with schema_context(tenant_a.schema_name):
        ids = [services.start_workflow("TestCheap", {}, entity_id=f"chunk-{uuid.uuid4().hex[:8]}").run.workflow_id
               for _ in range(3)]
    outcomes = tasks.advance_many.run(ids + ["tenant:alpha:nothing:here:x"])
    assert [outcomes[i] for i in ids] == ["completed"] * 3
    assert outcomes["tenant:alpha:nothing:here:x"] == "busy"
    assert WorkflowRun.objects.filter(workflow_id__in=ids, status=RunStatus.COMPLETED).count() == 3
