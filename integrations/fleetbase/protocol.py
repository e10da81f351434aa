"""What the platform asks of its logistics system, in Fleetbase's terms.

Orders are Fleetbase order resources (`id` "order_…", `internal_id` = the idempotency key,
`status`, `payload.pickup` / `dropoff` places, `driver_assigned`, `tracking_number`, `meta`). A
place is `{"name", "street1"?, "city"?, "country"?, "phone"?, "latitude", "longitude"}` —
coordinates are required. What happens to an order afterwards arrives as outbox events
(`delivery.*`, aggregate `delivery_order`, id = order id) from Fleetbase's webhooks.
"""
from typing import Protocol


class Logistics(Protocol):
    name: str

    def is_configured(self) -> bool: ...

    def health_check(self) -> dict: ...

    def sync_entity(self, entity_type: str, entity_id: str, data: dict) -> dict: ...

    def handle_webhook(self, event: str, payload: dict) -> dict: ...

    def get_service_quote(self, *, pickup: dict, dropoff: dict, currency: str,
                          service_type: str | None = None) -> dict:
        """`{"id", "service_rate", "amount" (Decimal), "amount_minor", "currency", "expires_at"}`;
        DeliveryZoneUnavailableError when no rate covers the trip."""

    def create_delivery_order(self, *, pickup: dict, dropoff: dict, packages: list[dict], idempotency_key: str,
                              service_quote: str | None = None, scheduled_at=None, pod_required: bool = False,
                              pod_method: str | None = None, notes: str | None = None, meta: dict | None = None,
                              adhoc: bool = True, customer: str | None = None) -> dict:
        """`packages`: `[{"name", "sku"?, "quantity"?, "weight"?, "price"?, "currency"?, …}]`;
        `pod_method`: signature, photo, scan or qr_code."""

    def get_order(self, order_id: str) -> dict: ...

    def get_tracking_status(self, order_id: str) -> dict:
        """`{"order_id", "status", "driver_id", "tracking_number", "dispatched", "updated_at", "terminal"}`."""

    def assign_driver(self, order_id: str, driver_id: str, *, idempotency_key: str) -> dict: ...

    def dispatch_order(self, order_id: str, *, idempotency_key: str) -> dict:
        """Ad-hoc orders dispatch to the nearest drivers; others need an assigned driver."""

    def cancel_order(self, order_id: str, *, idempotency_key: str) -> dict: ...

    def get_driver(self, driver_id: str) -> dict: ...
