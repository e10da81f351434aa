"""The sweeper resumes exactly the runs that are due and have no task on its way."""
from datetime import timedelta

import pytest
from django.utils import timezone

from workflows import sweeper
from workflows.models import RunStatus, WorkflowRun, WorkflowSignal

pytestmark = pytest.mark.django_db


def _run(name, **fields):
    return WorkflowRun.objects.create(workflow_id=f"tenant:alpha:sweep:{name}:x", workflow_type="TestCheap",
                                      tenant_id="alpha", tenant_schema="t_alpha", **fields)


def test_only_due_runs_without_a_task_on_the_way_are_resumed(alpha, settings):
    settings.WORKFLOW_REKICK_AFTER = 30
    now = timezone.now()
    hour_ago, soon = now - timedelta(hours=1), now + timedelta(hours=1)
    due = {
        _run("lost-kick", kicked_at=hour_ago),
        _run("timer-due", status=RunStatus.WAITING, wake_at=now - timedelta(seconds=1), kicked_at=hour_ago),
        _run("signal-woken-long-ago", status=RunStatus.WAITING, wake_at=hour_ago, kicked_at=hour_ago),
        _run("worker-died", status=RunStatus.RUNNING, lease_token="t", lease_expires_at=now - timedelta(seconds=1),
             kicked_at=hour_ago),
        _run("cancel", status=RunStatus.WAITING, cancel_requested=True, kicked_at=hour_ago),
    }
    not_due = {
        _run("just-kicked", kicked_at=now),
        _run("timer-later", status=RunStatus.WAITING, wake_at=soon, kicked_at=hour_ago),
        _run("waiting-for-a-signal", status=RunStatus.WAITING, kicked_at=hour_ago),
        _run("leased", status=RunStatus.RUNNING, lease_token="t", lease_expires_at=soon, kicked_at=hour_ago),
        _run("retry-scheduled", status=RunStatus.RUNNING, wake_at=now, kicked_at=now),
        _run("finished", status=RunStatus.COMPLETED, kicked_at=hour_ago),
    }
    found = set(sweeper.due_runs(now).filter(workflow_id__contains=":sweep:"))
    assert {r.workflow_id for r in found} == {r.workflow_id for r in due}
    assert not {r.workflow_id for r in found} & {r.workflow_id for r in not_due}

    assert sweeper.resume_due_runs() >= len(due)
    assert not sweeper.due_runs().filter(workflow_id__contains=":sweep:").exists()  # sent: not sent twice


def test_old_signals_are_pruned(alpha, settings):
    settings.WORKFLOW_SIGNAL_RETENTION_DAYS = 30
    old = WorkflowSignal.objects.create(tenant_id="alpha", tenant_schema="t_alpha", name="a.b", key="old")
    WorkflowSignal.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    fresh = WorkflowSignal.objects.create(tenant_id="alpha", tenant_schema="t_alpha", name="a.b", key="fresh")
    assert sweeper.prune_signals() >= 1
    assert not WorkflowSignal.objects.filter(pk=old.pk).exists() and WorkflowSignal.objects.filter(pk=fresh.pk).exists()
