"""The protocol every external-system adapter implements (seeds 003 §9.3), real or sandbox."""
from typing import Any, Protocol, runtime_checkable


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


def result(success: bool, external_id: Any = None, error: str | None = None) -> dict:
    return {"success": success, "external_id": external_id, "error": error}
