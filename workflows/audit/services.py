"""Writing audit entries (from workflow steps, inside their transaction)."""
from django.db import IntegrityError, transaction

from workflows.audit.models import AuditEntry


def record(*, tenant_id: str, tenant_schema: str, workflow_id: str, workflow_type: str, action: str,
           entity_type: str, entity_id: str, outcome: str = "succeeded", summary: str = "", details=None,
           correlation_id: str = "", actor: str = "") -> AuditEntry:
    """Record `action` once per workflow run (a repeated call returns the first entry)."""
    existing = AuditEntry.objects.filter(workflow_id=workflow_id, action=action).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return AuditEntry.objects.create(
                tenant_id=tenant_id, tenant_schema=tenant_schema, workflow_id=workflow_id,
                workflow_type=workflow_type, action=action, entity_type=entity_type, entity_id=str(entity_id),
                outcome=outcome, summary=summary[:500], details=details or {}, correlation_id=correlation_id or "",
                actor=actor[:150])
    except IntegrityError:  # written concurrently by the same run's other executor
        return AuditEntry.objects.get(workflow_id=workflow_id, action=action)
