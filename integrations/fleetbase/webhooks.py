"""Fleetbase webhooks: header `Signature` = hex HMAC-SHA256 of the raw body, keyed with the API
credential's secret (FLEETBASE_WEBHOOK_SECRET). Body: `{"id": "event_…", "api_version", "event":
"order.started", "created_at", "data": {order webhook payload}}`; de-duplicated by the event id.

| Fleetbase event | outbox event(s) (aggregate `delivery_order`, id = Fleetbase order id) |
| --- | --- |
| order.driver_assigned | delivery.driver.assigned |
| order.started | delivery.order.picked_up |
| order.updated with status `enroute` / `in_transit` | delivery.order.in_transit |
| order.completed | delivery.order.delivered (+ delivery.proof.submitted when proof was required) |
| order.failed, order.dispatch_failed | delivery.order.failed |
| order.dispatched | delivery.order.dispatched |
| order.canceled | delivery.order.canceled |

The webhook carries related resources as ids only, so the order and its driver are read back
through the adapter (one attempt, under the breaker) to fill in names, vehicle and positions; when
that read fails the signal still goes out with what the webhook itself says.
"""
import hashlib
import hmac
import logging

from django.conf import settings

from integrations import errors, registry
from integrations.fleetbase.orders import POD_METHODS, location_of
from integrations.resilience import without_waiting
from integrations.tenancy import TENANT_KEY
from integrations.webhooks.base import (InvalidSignature, MalformedWebhook, Signal, Translation, constant_time_equal,
                                        derived_secret, iso_from_text)

logger = logging.getLogger(__name__)

HEADER = "signature"
IN_TRANSIT = {"enroute", "in_transit", "driver_enroute_dropoff"}


def secret() -> str | None:
    if settings.FLEETBASE_WEBHOOK_SECRET:
        return settings.FLEETBASE_WEBHOOK_SECRET
    if registry.mode("fleetbase") == "sandbox":
        return derived_secret("sandbox-webhook:fleetbase")
    return None


def signature(raw: bytes, key: str) -> str:
    return hmac.new(key.encode(), raw, hashlib.sha256).hexdigest()


def sandbox_headers(raw: bytes, body: dict, query: dict) -> dict:
    return {"Signature": signature(raw, secret()), "Content-Type": "application/json"}


def verify(body: bytes, headers: dict, query: dict) -> None:
    key = secret()
    if not key:
        raise InvalidSignature("FLEETBASE_WEBHOOK_SECRET is not set: Fleetbase webhooks cannot be verified.")
    given = headers.get(HEADER)
    if not given:
        raise InvalidSignature("The Signature header is missing.")
    if not constant_time_equal(given.strip().lower(), signature(body, key)):
        raise InvalidSignature("Signature does not match the body.")


def event_key(payload: dict, query: dict) -> tuple[str, str]:
    if not isinstance(payload.get("id"), str) or not isinstance(payload.get("event"), str):
        raise MalformedWebhook("expected an event with an id and an event name")
    if not isinstance(payload.get("data"), dict):
        raise MalformedWebhook("expected data")
    return payload["id"], payload["event"]


def _read(reader, identifier):
    if not identifier:
        return None
    try:
        with without_waiting():
            return reader(identifier)
    except errors.IntegrationError as exc:
        logger.info("fleetbase webhook: could not read %s back (%s); using the webhook alone", identifier,
                    exc.error_class)
        return None


def _driver_fields(driver: dict | None, driver_id: str | None) -> dict:
    driver = driver if isinstance(driver, dict) else {}
    vehicle = driver.get("vehicle") if isinstance(driver.get("vehicle"), dict) else {}
    return {"driver_id": driver.get("id") or driver_id, "driver_name": driver.get("name"),
            "driver_phone": driver.get("phone"), "vehicle_type": vehicle.get("type"),
            "vehicle_plate": vehicle.get("plate_number")}


def translate(payload: dict, query: dict) -> Translation:
    event, data = payload["event"], payload["data"]
    if not event.startswith("order."):
        return Translation(tenant=None, detail=f"{event} is not used by the platform")
    order_id = data.get("id")
    if not isinstance(order_id, str) or not order_id:
        raise MalformedWebhook("data.id (the order id) is missing")
    tenant = (data.get("meta") or {}).get(TENANT_KEY)
    at = iso_from_text(payload.get("created_at"))
    adapter = registry.get("fleetbase")
    wanted = {"order.driver_assigned", "order.started", "order.completed", "order.failed", "order.dispatch_failed"}
    wanted_update = event == "order.updated" and data.get("status") in IN_TRANSIT
    if event not in wanted | {"order.dispatched", "order.canceled"} and not wanted_update:
        return Translation(tenant=tenant, detail=f"{event} (status {data.get('status')}) is not used by the platform")

    order = _read(adapter.get_order, order_id) or {}
    driver_ref = data.get("driver_assigned")
    driver_id = driver_ref.get("id") if isinstance(driver_ref, dict) else driver_ref
    driver = _read(adapter.get_driver, driver_id) if driver_id else None
    people = _driver_fields(driver, driver_id)
    base = {"delivery_order_id": order_id}
    places = order.get("payload") if isinstance(order.get("payload"), dict) else {}

    def signal(name, body):
        return Signal(name, "delivery_order", order_id, {**base, **body})

    signals = []
    if event == "order.driver_assigned":
        signals.append(signal("delivery.driver.assigned", {**people, "estimated_pickup_at": None}))
    elif event == "order.started":
        signals.append(signal("delivery.order.picked_up", {
            "driver_id": people["driver_id"], "driver_name": people["driver_name"],
            "pickup_location": location_of(places.get("pickup")), "picked_up_at": iso_from_text(data.get("started_at")) or at,
            "estimated_delivery_at": None}))
    elif wanted_update:
        signals.append(signal("delivery.order.in_transit", {
            "driver_id": people["driver_id"], "current_position": location_of(driver), "speed_kmh": None,
            "estimated_delivery_at": None, "updated_at": iso_from_text(data.get("updated_at")) or at}))
    elif event == "order.completed":
        signals.append(signal("delivery.order.delivered", {
            "driver_id": people["driver_id"], "delivered_at": iso_from_text(data.get("updated_at")) or at,
            "delivery_location": location_of(places.get("dropoff")), "signature_url": None, "photo_url": None,
            "recipient_name": (places.get("dropoff") or {}).get("name")}))
        if order.get("pod_required"):
            signals.append(signal("delivery.proof.submitted", {
                "proof_type": POD_METHODS.get(order.get("pod_method") or "photo", "photo"),
                "proof_url": (order.get("meta") or {}).get("proof_url") or "",
                "submitted_at": iso_from_text(data.get("updated_at")) or at, "verified": True}))
    elif event in ("order.failed", "order.dispatch_failed"):
        meta = data.get("meta") or {}
        signals.append(signal("delivery.order.failed", {
            "driver_id": people["driver_id"], "failure_reason": meta.get("failure_reason") or "other",
            "failed_at": iso_from_text(data.get("updated_at")) or at, "notes": meta.get("failure_notes") or None,
            "retry_eligible": meta.get("failure_reason") in ("recipient_unavailable", "weather", "vehicle_breakdown",
                                                            None, "other")}))
    elif event == "order.dispatched":
        signals.append(signal("delivery.order.dispatched", {"dispatched_at": iso_from_text(data.get("dispatched_at")) or at}))
    elif event == "order.canceled":
        signals.append(signal("delivery.order.canceled", {"canceled_at": iso_from_text(data.get("updated_at")) or at}))
    return Translation(tenant=tenant, signals=signals)
