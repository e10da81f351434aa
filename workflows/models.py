"""The event outbox (seeds 003 §5.2, indexes of §13.5).

Lives in the public schema so one relay can sweep every tenant's events; each row names its
tenant. Rows are written only by `workflows.outbox.emit`, inside the transaction that changed
the state the event describes.
"""
import uuid

from django.db import models


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PROCESSING = "processing", "Processing"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed (will retry)"
    DEAD_LETTER = "dead_letter", "Dead letter"


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
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="outbox_status_created"),
            models.Index(fields=["correlation_id"], name="outbox_correlation"),
            models.Index(fields=["tenant_id", "event_type"], name="outbox_tenant_type"),
            models.Index(fields=["aggregate_type", "aggregate_id"], name="outbox_aggregate"),
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
