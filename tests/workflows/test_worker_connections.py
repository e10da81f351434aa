"""A worker process keeps its database session from task to task, within CONN_MAX_AGE (Celery
would otherwise close every connection around every task, and each workflow task would open new
PostgreSQL sessions)."""
import pytest

from cityos.tasks import probe
from tests.workflows.support import TEST_QUEUE

pytestmark = [pytest.mark.django_db, pytest.mark.worker]


def _sessions_by_process(count: int) -> dict[int, list[int]]:
    seen = {}
    for _ in range(count):
        report = probe.apply_async(queue=TEST_QUEUE).get(timeout=30)
        seen.setdefault(report["pid"], []).append(report["db_backend_pid"])
    return seen


def test_a_worker_process_runs_its_tasks_on_one_database_session(start_engine_worker):
    start_engine_worker(DB_CONN_MAX_AGE="60")

    seen = _sessions_by_process(8)

    assert max(len(sessions) for sessions in seen.values()) >= 2  # some process ran several tasks
    assert all(len(set(sessions)) == 1 for sessions in seen.values()), seen
