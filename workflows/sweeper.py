"""The beat sweeper: sends the task of every run that is due but has no task on its way.

Due means: not leased (or its lease lapsed: the executor died) and either its timer or retry
time has come, a signal woke it, a cancellation was requested, or it is runnable and its last
task was lost (Redis restarted, the worker was killed). `kicked_at` records when a task was last
sent so a run is not sent twice while its task waits in the queue.
"""
import logging
from datetime import timedelta

from django.db.models import F, Q
from django.utils import timezone

from workflows import conf, kicks
from workflows.engine import due_filter
from workflows.models import ACTIVE_STATUSES, WorkflowRun, WorkflowSignal

logger = logging.getLogger("cityos.workflows")


def due_runs(now=None):
    """Active runs that are due and have no task on its way, the longest overdue first."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=conf.get("WORKFLOW_REKICK_AFTER"))
    not_sent = Q(kicked_at__isnull=True) | Q(kicked_at__lt=F("wake_at")) | Q(kicked_at__lte=stale)
    return (WorkflowRun.objects.filter(status__in=ACTIVE_STATUSES).filter(due_filter(now)).filter(not_sent)
            .order_by(F("wake_at").asc(nulls_first=True)))


def resume_due_runs(limit: int = 500) -> int:
    """Kick every due run (at most `limit` per sweep); returns how many were kicked."""
    now = timezone.now()
    targets = list(due_runs(now).values_list("pk", "workflow_id", "tenant_schema")[:limit])
    if not targets:
        return 0
    WorkflowRun.objects.filter(pk__in=[pk for pk, _, _ in targets]).update(kicked_at=now)
    sent = kicks.kick_runs([(workflow_id, schema) for _, workflow_id, schema in targets])
    logger.info("sweeper resumed %d due runs (%d tasks sent)", len(targets), sent)
    return len(targets)


def prune_signals() -> int:
    """Delete signals older than WORKFLOW_SIGNAL_RETENTION_DAYS."""
    cutoff = timezone.now() - timedelta(days=conf.get("WORKFLOW_SIGNAL_RETENTION_DAYS"))
    deleted, _ = WorkflowSignal.objects.filter(created_at__lt=cutoff).delete()
    return deleted
