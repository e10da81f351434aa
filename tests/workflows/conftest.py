"""Fixtures of the engine's tests: the test workflow definitions, inline driving of runs, and
worker processes (with embedded beat) that consume a queue of their own."""
import time

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

import tests.workflows.saga_definitions  # noqa: F401  (registers the test workflows in this process)
from tests.workflows.support import TEST_QUEUE, EngineWorker
from integrations import registry
from workflows import engine, kicks
from workflows.models import FINAL_STATUSES, RunStatus, WorkflowRun


@pytest.fixture(autouse=True)
def _fresh_adapters():
    """The sandboxes' rows are rolled back with each test, which a real system never does: fresh
    adapter instances forget what the previous test made sure they have (ERPNext master data)."""
    yield
    registry.reset()


@pytest.fixture(autouse=True)
def _workflow_settings(settings):
    """Tasks sent by these tests go to a queue only the engine's test workers consume."""
    settings.WORKFLOW_TASK_QUEUE = TEST_QUEUE
    settings.WORKFLOW_OUTBOX_BACKOFF = 0.05
    settings.WORKFLOW_LEASE_GRACE = 2.0
    kicks.reset_cooldown()
    yield
    kicks.reset_cooldown()


@pytest.fixture
def alpha(tenant_a):
    with schema_context(tenant_a.schema_name):
        yield tenant_a
    connection.set_schema_to_public()


def drive(workflow_id: str, *, max_wait: float = 10.0) -> WorkflowRun:
    """Advance a run inline until it finishes or waits without a due time (timers and retry
    backoffs shorter than `max_wait` are waited out)."""
    deadline = time.monotonic() + max_wait
    while True:
        outcome = engine.advance(workflow_id)
        run = WorkflowRun.objects.get(workflow_id=workflow_id)
        if run.status in FINAL_STATUSES:
            return run
        if outcome == "busy" and run.status == RunStatus.WAITING and run.wake_at is None:
            return run
        if time.monotonic() > deadline:
            return run
        if run.wake_at is not None:
            pause = (run.wake_at - timezone.now()).total_seconds()
            if pause > 0:
                if time.monotonic() + pause > deadline:
                    return run
                time.sleep(min(pause + 0.01, 1.0))


@pytest.fixture
def start_engine_worker(test_database_url, redis_server):
    """Start engine workers (embedded beat, the test queue); all are stopped after the test."""
    workers = []

    def start(**env) -> EngineWorker:
        worker = EngineWorker(database_url=test_database_url, redis_url=redis_server.url(0), extra_env=env).start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture(scope="module")
def engine_worker(test_database_url, redis_server):
    worker = EngineWorker(database_url=test_database_url, redis_url=redis_server.url(0)).start()
    yield worker
    worker.stop()
