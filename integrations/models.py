"""Integration state (public schema; rows carry their tenant).

- `SandboxObject` / `SandboxCall`: the state of the in-process sandbox adapters.
- `SyncEntry`: sync tracking (seeds 003 §9.5).
- `WebhookReceipt`: accepted webhooks, one per system and event id.
- `IssuerIdentity`, `IssuedCredential`: the platform's Walt.id issuer and its status list.

The sandboxes stand in for Stripe, ERPNext, Fleetbase and Walt.id when those are not configured.
They write through the `sandbox` database alias, a connection of their own, so what an external
system "did" survives the caller's rollback exactly as a real one would; tests count side effects
by reading these rows.
"""
import uuid

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


class SyncDirection(models.TextChoices):
    OUTBOUND = "outbound", "Outbound (platform → system)"
    INBOUND = "inbound", "Inbound (system → platform)"


class SyncStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    IN_PROGRESS = "in_progress", "In progress"
    SUCCESS = "success", "Success"
    FAILED = "failed", "Failed (retries exhausted)"
    RETRYING = "retrying", "Failed (will retry)"


class SyncEntry(models.Model):
    """One cross-system synchronisation (seeds 003 §9.5), de-duplicated by payload hash.

    The same payload for the same entity is synced once: a second request finds the entry (and
    its outcome) instead of calling the system again. The payload is kept so a failed sync can
    be retried by the beat job or an operator.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    system = models.CharField(max_length=20, db_index=True)
    entity_type = models.CharField(max_length=60)
    entity_id = models.CharField(max_length=100)
    direction = models.CharField(max_length=10, choices=SyncDirection.choices, default=SyncDirection.OUTBOUND)
    status = models.CharField(max_length=20, choices=SyncStatus.choices, default=SyncStatus.PENDING)
    external_id = models.CharField(max_length=140, blank=True)
    payload = models.JSONField(default=dict)
    payload_hash = models.CharField(max_length=64)
    error_class = models.CharField(max_length=60, blank=True)
    error_message = models.TextField(blank=True)
    retry_count = models.PositiveIntegerField(default=0)
    max_retries = models.PositiveIntegerField(default=3)
    next_retry_at = models.DateTimeField(null=True, blank=True)
    correlation_id = models.CharField(max_length=128, blank=True)
    tenant_id = models.CharField(max_length=40, help_text="tenant slug")
    tenant_schema = models.CharField(max_length=63)
    node_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "sync entry"
        verbose_name_plural = "sync entries"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(
            fields=["tenant_schema", "system", "direction", "entity_type", "entity_id", "payload_hash"],
            name="sync_entry_dedup")]
        indexes = [
            models.Index(fields=["status", "next_retry_at"], name="sync_entry_due"),
            models.Index(fields=["tenant_schema", "system", "status"], name="sync_entry_tenant"),
            models.Index(fields=["entity_type", "entity_id"], name="sync_entry_entity"),
        ]

    def __str__(self):
        return f"{self.system} {self.direction} {self.entity_type}:{self.entity_id} [{self.status}]"


class WebhookStatus(models.TextChoices):
    PROCESSED = "processed", "Processed (event written)"
    IGNORED = "ignored", "Ignored (not an event the platform uses)"
    UNROUTABLE = "unroutable", "Unroutable (no tenant found)"


class WebhookReceipt(models.Model):
    """One accepted webhook, unique per system and event id: the same event twice is processed once."""

    system = models.CharField(max_length=20)
    event_id = models.CharField(max_length=200, help_text="the system's event id, or a key derived from it")
    event_type = models.CharField(max_length=100)
    status = models.CharField(max_length=20, choices=WebhookStatus.choices)
    tenant_id = models.CharField(max_length=40, blank=True)
    tenant_schema = models.CharField(max_length=63, blank=True)
    signals = models.JSONField(default=list, help_text="the outbox events written: [{event_type, aggregate, id}]")
    payload = models.JSONField(default=dict)
    detail = models.CharField(max_length=300, blank=True)
    duplicates = models.PositiveIntegerField(default=0, help_text="deliveries of the same event after the first")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["system", "event_id"], name="webhook_receipt_once")]
        indexes = [models.Index(fields=["system", "received_at"], name="webhook_receipt_recent")]

    def __str__(self):
        return f"{self.system} {self.event_type} {self.event_id} [{self.status}]"


class IssuerIdentity(models.Model):
    """The platform's credential issuer on Walt.id: its DID and key (created once by onboarding)."""

    name = models.CharField(max_length=40, unique=True, default="platform")
    mode = models.CharField(max_length=10, default="live", help_text="live or sandbox")
    did = models.CharField(max_length=2000)
    key = models.JSONField(help_text="the issuer key as Walt.id returns it (JWK with its private part)")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "mode"], name="issuer_identity_once")]

    def __str__(self):
        return f"{self.name} ({self.mode}): {self.did[:60]}"


class CredentialStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    REVOKED = "revoked", "Revoked"


class IssuedCredential(models.Model):
    """A credential the platform issued, with its slot in the platform-hosted status list.

    Walt.id's community stack leaves revocation to the issuer: each credential carries a
    `BitstringStatusListEntry` pointing at `/credentials/status/<list_id>` on the platform host,
    and revoking flips its bit there.
    """

    credential_id = models.CharField(max_length=100, primary_key=True)
    credential_type = models.CharField(max_length=60)
    subject_did = models.CharField(max_length=2000)
    tenant_id = models.CharField(max_length=40)
    tenant_schema = models.CharField(max_length=63)
    status_list = models.CharField(max_length=40, default="1")
    status_index = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=CredentialStatus.choices, default=CredentialStatus.ACTIVE)
    offer_url = models.TextField(blank=True)
    revocation_reason = models.CharField(max_length=300, blank=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [models.UniqueConstraint(fields=["status_list", "status_index"], name="credential_status_slot")]

    def __str__(self):
        return f"{self.credential_type} {self.credential_id} [{self.status}]"
