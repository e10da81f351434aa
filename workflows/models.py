"""Outbox events, workflow runs, their step attempts and signals (all in the public schema).

The event outbox follows seeds 003 §5.2 (indexes of §13.5); runs and signals carry their tenant
(`tenant_id` = slug, `tenant_schema`) so one relay and one sweeper serve every tenant, while each
step executes inside its tenant's schema. Rows are written by `workflows.outbox.emit`, the relay,
the engine and the services in `workflows.services` — nowhere else.
"""
import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from cityos.ids import PrefixedIdField


class OutboxStatus(models.TextChoices):
    """`processing` is part of the seeds' envelope; this relay never leaves a row in it: a claimed
    event is row-locked by the relay's transaction and goes straight to delivered or failed."""

    PENDING = "pending", "Pending"
    PROCESSING = "processing", "Processing"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed (will retry)"
    DEAD_LETTER = "dead_letter", "Dead letter"


RELAYABLE = (OutboxStatus.PENDING, OutboxStatus.FAILED)


class EventOutbox(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant_id = models.CharField(max_length=40, help_text="tenant slug")
    tenant_schema = models.CharField(max_length=63)
    event_type = models.CharField(max_length=100)
    aggregate_type = models.CharField(max_length=60)
    aggregate_id = models.CharField(max_length=64)
    correlation_id = models.CharField(max_length=128)
    causation_id = models.CharField(max_length=128, blank=True)
    payload = models.JSONField(default=dict)
    metadata = models.JSONField(default=dict)
    status = models.CharField(max_length=20, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    retry_count = models.PositiveIntegerField(default=0)
    max_retries = models.PositiveIntegerField(default=5)
    next_retry_at = models.DateTimeField(null=True, blank=True)
    error_message = models.TextField(blank=True)
    note = models.TextField(blank=True, help_text="what the relay did with the event when it was not a plain start "
                                                  "(no workflow registered, run already existed, ...)")
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = "outbox event"
        indexes = [
            models.Index(fields=["status", "created_at"], name="outbox_status_created"),
            models.Index(fields=["correlation_id"], name="outbox_correlation"),
            models.Index(fields=["tenant_id", "event_type"], name="outbox_tenant_type"),
            models.Index(fields=["aggregate_type", "aggregate_id"], name="outbox_aggregate"),
            # The relay's claim query: due rows in creation order (small: only undelivered rows).
            models.Index(fields=["created_at"], name="outbox_relay_due",
                         condition=Q(status__in=["pending", "failed"])),
        ]

    def __str__(self):
        return f"{self.event_type} {self.aggregate_type}:{self.aggregate_id} [{self.status}]"

    def envelope(self) -> dict:
        """The event as the seeds' EventEnvelope."""
        return {
            "id": str(self.id),
            "tenant_id": self.tenant_id,
            "event_type": self.event_type,
            "aggregate_type": self.aggregate_type,
            "aggregate_id": self.aggregate_id,
            "correlation_id": self.correlation_id,
            "causation_id": self.causation_id,
            "payload": self.payload,
            "metadata": self.metadata,
            "status": self.status,
            "retry_count": self.retry_count,
            "max_retries": self.max_retries,
            "next_retry_at": self.next_retry_at.isoformat() if self.next_retry_at else None,
            "error_message": self.error_message or None,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "processed_at": self.processed_at.isoformat() if self.processed_at else None,
        }


class RunStatus(models.TextChoices):
    PENDING = "pending", "Pending (not started yet)"
    RUNNING = "running", "Running"
    WAITING = "waiting", "Waiting (signal or timer)"
    COMPENSATING = "compensating", "Compensating"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    COMPENSATED = "compensated", "Compensated"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_STATUSES = (RunStatus.PENDING, RunStatus.RUNNING, RunStatus.WAITING, RunStatus.COMPENSATING)
FINAL_STATUSES = (RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.COMPENSATED, RunStatus.CANCELLED)


class WorkflowRun(models.Model):
    """One workflow execution, unique by `workflow_id` (`tenant:{slug}:{domain}:{entity}:{action}`).

    The row is the whole durable state of the saga: where it is (`step_index`, `status`), what
    its steps returned (`results`), the state it carries (`state`), what it waits for
    (`wait_signals`/`wait_key` until `wake_at`) and who is executing it (the lease).
    """

    id = PrefixedIdField(prefix="wfr")
    workflow_id = models.CharField(max_length=255, unique=True)
    workflow_type = models.CharField(max_length=80)
    tenant_id = models.CharField(max_length=40, help_text="tenant slug")
    tenant_schema = models.CharField(max_length=63)
    status = models.CharField(max_length=20, choices=RunStatus.choices, default=RunStatus.PENDING)
    input = models.JSONField(default=dict, blank=True)
    state = models.JSONField(default=dict, blank=True, help_text="state the definition carries between steps")
    results = models.JSONField(default=dict, blank=True, help_text="return value of each completed step")
    result = models.JSONField(null=True, blank=True)
    error = models.JSONField(null=True, blank=True)

    current_step = models.CharField(max_length=100, blank=True)
    step_index = models.PositiveIntegerField(default=0)
    step_attempt = models.PositiveIntegerField(default=0)
    attempt_id = models.BigIntegerField(null=True, blank=True, help_text="StepRun of the current attempt")
    total_steps = models.PositiveIntegerField(default=0)
    completed_steps = models.JSONField(default=list, blank=True)
    compensation_queue = models.JSONField(default=list, blank=True)
    step_waits = models.JSONField(default=list, blank=True, help_text="signal and timer waits of the current step")

    wait_signals = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    wait_key = models.CharField(max_length=255, blank=True)
    wake_at = models.DateTimeField(null=True, blank=True)
    kicked_at = models.DateTimeField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    consumed_signals = models.JSONField(default=list, blank=True)

    lease_token = models.CharField(max_length=40, blank=True)
    lease_owner = models.CharField(max_length=255, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)

    generation = models.PositiveIntegerField(default=1, help_text="incremented by continue-as-new")
    history = models.JSONField(default=list, blank=True, help_text="summaries of earlier generations")

    trigger_event = models.CharField(max_length=100, blank=True)
    correlation_id = models.CharField(max_length=128, blank=True)
    causation_id = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "workflow run"
        indexes = [
            models.Index(fields=["tenant_schema", "status", "workflow_type"], name="wfrun_tenant_status_type"),
            models.Index(fields=["tenant_schema", "created_at"], name="wfrun_tenant_created"),
            models.Index(fields=["wake_at"], name="wfrun_active_wake",
                         condition=Q(status__in=["pending", "running", "waiting", "compensating"])),
            models.Index(fields=["wait_key"], name="wfrun_waiting_key", condition=Q(status="waiting")),
            models.Index(fields=["correlation_id"], name="wfrun_correlation"),
            models.Index(fields=["causation_id"], name="wfrun_causation"),
        ]

    def __str__(self):
        return f"{self.workflow_id} [{self.status}]"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def progress_percentage(self) -> int:
        if self.status == RunStatus.COMPLETED:
            return 100
        if not self.total_steps:
            return 0
        return min(100, int(self.step_index * 100 / self.total_steps))


class StepStatus(models.TextChoices):
    RUNNING = "running", "Running"
    WAITING = "waiting", "Waiting"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"
    INTERRUPTED = "interrupted", "Interrupted (worker lost)"


class StepKind(models.TextChoices):
    ACTIVITY = "activity", "Activity"
    COMPENSATION = "compensation", "Compensation"


class StepRun(models.Model):
    """One attempt of one step (or of its compensation)."""

    run = models.ForeignKey(WorkflowRun, on_delete=models.CASCADE, related_name="steps")
    generation = models.PositiveIntegerField(default=1)
    step = models.CharField(max_length=100)
    position = models.PositiveIntegerField(help_text="index of the step in the definition")
    kind = models.CharField(max_length=20, choices=StepKind.choices, default=StepKind.ACTIVITY)
    attempt = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=20, choices=StepStatus.choices, default=StepStatus.RUNNING)
    idempotency_key = models.CharField(max_length=300)
    system = models.CharField(max_length=20, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.FloatField(null=True, blank=True)
    error_class = models.CharField(max_length=80, blank=True)
    error_message = models.TextField(blank=True)
    retryable = models.BooleanField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "step attempt"
        indexes = [models.Index(fields=["run", "generation", "step"], name="wfstep_run_step")]

    def __str__(self):
        return f"{self.step} #{self.attempt} [{self.status}]"


class WorkflowSignal(models.Model):
    """A signal: directed at one run (`workflow_id`) or correlated by `key` (an external object's
    id). Signals are kept until pruned, so a run that reaches its wait later still receives it;
    each run records the signals it consumed."""

    id = models.BigAutoField(primary_key=True)
    tenant_id = models.CharField(max_length=40)
    tenant_schema = models.CharField(max_length=63)
    name = models.CharField(max_length=100)
    key = models.CharField(max_length=255, blank=True)
    workflow_id = models.CharField(max_length=255, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    source_event = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "workflow signal"
        indexes = [
            models.Index(fields=["tenant_schema", "name", "key"], name="wfsignal_keyed"),
            models.Index(fields=["workflow_id", "name"], name="wfsignal_directed"),
            models.Index(fields=["created_at"], name="wfsignal_created"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["source_event"], condition=Q(source_event__isnull=False),
                                    name="wfsignal_one_per_event"),
        ]

    def __str__(self):
        target = self.workflow_id or f"key={self.key}"
        return f"{self.name} → {target}"
