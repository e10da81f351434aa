"""Audit entries written by the workflows' recordAuditLog steps.

One row per (workflow run, action): a step repeated after a crash finds its row and writes no
second one. Rows carry their tenant like every public-schema row; they are never edited.
"""
from django.db import models


class AuditEntry(models.Model):
    tenant_id = models.CharField(max_length=40, help_text="tenant slug")
    tenant_schema = models.CharField(max_length=63)
    action = models.CharField(max_length=100, help_text="what happened, e.g. order.placed, order.cancelled")
    entity_type = models.CharField(max_length=60)
    entity_id = models.CharField(max_length=64)
    outcome = models.CharField(max_length=40, default="succeeded")
    summary = models.CharField(max_length=500, blank=True)
    details = models.JSONField(default=dict, blank=True)
    workflow_id = models.CharField(max_length=255)
    workflow_type = models.CharField(max_length=80)
    correlation_id = models.CharField(max_length=128, blank=True)
    actor = models.CharField(max_length=150, blank=True, help_text="who asked for it (customer, staff, schedule)")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit log"
        constraints = [models.UniqueConstraint(fields=["workflow_id", "action"], name="audit_once_per_run_action")]
        indexes = [
            models.Index(fields=["tenant_schema", "-created_at"], name="audit_tenant_created"),
            models.Index(fields=["entity_type", "entity_id"], name="audit_entity"),
            models.Index(fields=["correlation_id"], name="audit_correlation"),
        ]

    def __str__(self):
        return f"{self.action} {self.entity_type}:{self.entity_id}"
