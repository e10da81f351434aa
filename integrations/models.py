"""State of the in-process sandbox adapters (public schema).

The sandboxes stand in for Stripe, ERPNext, Fleetbase and Walt.id when those are not configured.
They write through the `sandbox` database alias, a connection of their own, so what an external
system "did" survives the caller's rollback exactly as a real one would; tests count side effects
by reading these rows.
"""
from django.db import models


class SandboxObject(models.Model):
    """One object held by a sandbox system: a PaymentIntent, a Sales Order, a delivery order, ..."""

    system = models.CharField(max_length=20)
    kind = models.CharField(max_length=40)
    object_id = models.CharField(max_length=100)
    tenant_schema = models.CharField(max_length=63, blank=True)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["system", "kind", "object_id"], name="sandbox_object_unique")]
        indexes = [models.Index(fields=["system", "kind", "created_at"], name="sandbox_object_kind")]

    def __str__(self):
        return f"{self.system}:{self.kind}:{self.object_id}"


class SandboxCall(models.Model):
    """Every call a sandbox received, with its idempotency key and whether it was a replay."""

    system = models.CharField(max_length=20)
    operation = models.CharField(max_length=60)
    idempotency_key = models.CharField(max_length=255, blank=True)
    request_hash = models.CharField(max_length=64, blank=True)
    replayed = models.BooleanField(default=False)
    response = models.JSONField(default=dict)
    tenant_schema = models.CharField(max_length=63, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["system", "operation"], name="sandbox_call_operation"),
            models.Index(fields=["system", "idempotency_key"], name="sandbox_call_key"),
        ]

    def __str__(self):
        return f"{self.system}.{self.operation} [{self.idempotency_key}]"
