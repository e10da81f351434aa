"""`emit()`: the one way to write an event. Call it inside the transaction that changes state.

After the transaction commits, the relay is kicked (one task per transaction, sent best effort:
when the broker is unreachable the beat sweep relays the events a few seconds later).
"""
from datetime import datetime, timezone

from django.db import connection, transaction

from cityos import logging as log_context
from workflows.models import EventOutbox

ENVELOPE_VERSION = 1
_slug_by_schema: dict[str, str] = {}


class OutboxMisuse(RuntimeError):
    pass


def tenant_slug(schema_name: str) -> str:
    slug = _slug_by_schema.get(schema_name)
    if slug is None:
        from tenants.models import Tenant

        slug = Tenant.objects.filter(schema_name=schema_name).values_list("slug", flat=True).first() or schema_name
        _slug_by_schema[schema_name] = slug
    return slug


def _kick_relay_after_commit() -> None:
    """Register one relay kick per transaction, however many events it emits."""
    if any(func is _kick_relay for _, func, _ in connection.run_on_commit):
        return
    transaction.on_commit(_kick_relay, robust=True)


def _kick_relay() -> None:
    from workflows import kicks

    kicks.kick_relay()


def emit(event_type: str, *, aggregate_type: str, aggregate_id: str, payload: dict,
         correlation_id: str | None = None, causation_id: str | None = None,
         actor_id: str | None = None, actor_role: str | None = None, node_id: str | None = None,
         source_system: str = "cityos", max_retries: int = 5) -> EventOutbox:
    """Write one event for the current tenant schema into the outbox.

    Refuses to run outside a transaction: an event written on its own could describe a change
    that was then rolled back, or a change could commit without its event.
    """
    if not connection.in_atomic_block:
        raise OutboxMisuse(f"emit({event_type!r}) must run inside the transaction that changes state")
    schema = connection.schema_name
    event = EventOutbox.objects.create(
        tenant_id=tenant_slug(schema),
        tenant_schema=schema,
        event_type=event_type,
        aggregate_type=aggregate_type,
        aggregate_id=str(aggregate_id),
        correlation_id=correlation_id or log_context.correlation_id() or log_context.new_correlation_id(),
        causation_id=causation_id or "",
        payload=payload,
        metadata={
            "source_system": source_system,
            "actor_id": actor_id,
            "actor_role": actor_role,
            "node_id": node_id,
            "timestamp": datetime.now(timezone.utc).isoformat(),
            "version": ENVELOPE_VERSION,
        },
        max_retries=max_retries,
    )
    _kick_relay_after_commit()
    return event
