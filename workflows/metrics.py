"""Workflow and outbox metrics (seeds 003 §11.2), exported on /metrics.

Counters and histograms are recorded by whichever process does the work (relay and engine run in
Celery workers; prometheus multiprocess mode adds them up). The backlog figures are read from the
database when /metrics is scraped.

| here                                          | seeds                                |
| --------------------------------------------- | ------------------------------------ |
| cityos_workflow_started_total                 | temporal_workflow_started_total      |
| cityos_workflow_completed_total               | temporal_workflow_completed_total    |
| cityos_workflow_failed_total                  | temporal_workflow_failed_total       |
| cityos_workflow_duration_seconds              | temporal_workflow_duration_seconds   |
| cityos_activity_duration_seconds              | temporal_activity_duration_seconds   |
| cityos_activity_retry_total                   | temporal_activity_retry_total        |
| cityos_event_outbox_pending_count             | event_outbox_pending_count           |
| cityos_event_outbox_age_seconds               | event_outbox_age_seconds             |
"""
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily

WORKFLOW_STARTED = Counter("cityos_workflow_started_total", "Workflow runs started",
                           ["workflow_type", "tenant_id"])
WORKFLOW_COMPLETED = Counter("cityos_workflow_completed_total", "Workflow runs finished, by final status",
                             ["workflow_type", "status"])
WORKFLOW_FAILED = Counter("cityos_workflow_failed_total", "Workflow runs that failed or were compensated",
                          ["workflow_type", "error_type"])
WORKFLOW_DURATION = Histogram("cityos_workflow_duration_seconds", "Workflow run duration, start to finish",
                              ["workflow_type"],
                              buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800, 3600, 86400))
ACTIVITY_DURATION = Histogram("cityos_activity_duration_seconds", "Duration of one step attempt",
                              ["activity_type", "system"],
                              buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120))
ACTIVITY_RETRIES = Counter("cityos_activity_retry_total", "Step attempts scheduled again after a failure",
                           ["activity_type", "system"])
OUTBOX_RELAYED = Counter("cityos_event_outbox_relayed_total", "Outbox events handled by the relay, by outcome",
                         ["outcome"])


class BacklogCollector:
    """Outbox backlog and active runs per tenant, read at scrape time."""

    def collect(self):
        from workflows.models import ACTIVE_STATUSES, EventOutbox, OutboxStatus, WorkflowRun

        pending = GaugeMetricFamily("cityos_event_outbox_pending_count",
                                    "Outbox events not yet delivered (pending or failed)", labels=["tenant_id"])
        age = GaugeMetricFamily("cityos_event_outbox_age_seconds",
                                "Age of the oldest undelivered outbox event", labels=["tenant_id"])
        dead = GaugeMetricFamily("cityos_event_outbox_dead_letter_count", "Outbox events in dead letter",
                                 labels=["tenant_id"])
        runs = GaugeMetricFamily("cityos_workflow_runs_active", "Workflow runs not finished, by status",
                                 labels=["tenant_id", "workflow_type", "status"])
        now = timezone.now()
        undelivered = (EventOutbox.objects.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.FAILED,
                                                              OutboxStatus.PROCESSING])
                       .values("tenant_id").annotate(n=Count("id"), oldest=Min("created_at")).order_by())
        for row in undelivered:
            pending.add_metric([row["tenant_id"]], row["n"])
            age.add_metric([row["tenant_id"]], (now - row["oldest"]).total_seconds())
        for row in (EventOutbox.objects.filter(status=OutboxStatus.DEAD_LETTER)
                    .values("tenant_id").annotate(n=Count("id")).order_by()):
            dead.add_metric([row["tenant_id"]], row["n"])
        for row in (WorkflowRun.objects.filter(status__in=ACTIVE_STATUSES)
                    .values("tenant_id", "workflow_type", "status").annotate(n=Count("id")).order_by()):
            runs.add_metric([row["tenant_id"], row["workflow_type"], row["status"]], row["n"])
        yield from (pending, age, dead, runs)


COLLECTOR = BacklogCollector()
