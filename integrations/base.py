"""The protocol every external-system adapter implements (seeds 003 §9.3), real or sandbox."""
from typing import Any, Protocol, runtime_checkable

from integrations import errors


@runtime_checkable
class Adapter(Protocol):
    name: str

    def is_configured(self) -> bool:
        """True when this adapter can reach its real system (its variables are set)."""

    def health_check(self) -> dict:
        """`{"healthy": bool, "message": str, ...}`; never raises."""

    def sync_entity(self, entity_type: str, entity_id: str, data: dict) -> dict:
        """Push one platform entity; `{"success": bool, "external_id": str | None, "error": str | None}`."""

    def handle_webhook(self, event: str, payload: dict) -> dict:
        """Interpret one verified webhook; `{"processed": bool, "error": str | None}`."""


def result(success: bool, external_id: Any = None, error: str | None = None, **extra) -> dict:
    return {"success": success, "external_id": external_id, "error": error, **extra}


class AdapterBase:
    """What the real client and the sandbox of one system share.

    `sync_entity(entity_type, entity_id, data)` calls the operation named in `SYNC_OPERATIONS`
    with `data` as its keyword arguments and the entity id as idempotency key, so a sync is the
    same call a workflow step would make. `handle_webhook` interprets a verified payload through
    the system's webhook translator (the same for both implementations).
    """

    name = ""
    SYNC_OPERATIONS: dict[str, str] = {}

    def external_id_of(self, entity_type: str, response: dict) -> str | None:
        return response.get("id") or response.get("name")

    def sync_entity(self, entity_type: str, entity_id: str, data: dict) -> dict:
        operation = self.SYNC_OPERATIONS.get(entity_type)
        if operation is None:
            supported = ", ".join(sorted(self.SYNC_OPERATIONS)) or "none"
            return result(False, error=f"{self.name} cannot sync a {entity_type!r} (supported: {supported})",
                          error_class="InvalidArgumentError", retryable=False)
        try:
            response = getattr(self, operation)(**data, idempotency_key=entity_id)
        except errors.IntegrationError as exc:
            return result(False, error=exc.message, error_class=exc.error_class, retryable=exc.retryable,
                          retry_after=exc.retry_after)
        except TypeError as exc:  # the payload does not fit the operation's signature
            return result(False, error=f"invalid {entity_type} payload: {exc}", error_class="SchemaValidationError",
                          retryable=False)
        return result(True, external_id=self.external_id_of(entity_type, response), response=response)

    def handle_webhook(self, event: str, payload: dict) -> dict:
        from integrations.webhooks import service

        outcome = service.process(self.name, payload, event_type=event)
        return {"processed": outcome.status == "processed", "error": None if outcome.ok else outcome.detail,
                "status": outcome.status}
