"""What the Fleetbase client and sandbox share: request bodies, checks, errors, answer shapes.

Fleetbase answers are not wrapped (`{"id": "order_…", …}`); errors are `{"error": "…"}` (400,
404), `{"error": first, "errors": [...]}` (422) or `{"errors": ["…"]}` (401).
"""
from decimal import Decimal

import httpx

from cityos.money import from_minor
from integrations import errors
from integrations.base import AdapterBase
from integrations.http import generic_error, json_body, retry_after_seconds
from integrations.tenancy import REFERENCE_KEY, TENANT_KEY, current_slug

SYSTEM = "fleetbase"
TERMINAL = {"completed", "canceled", "failed"}
POD_METHODS = {"signature": "signature", "photo": "photo", "scan": "barcode_scan", "qr_code": "barcode_scan"}


def fleetbase_error(status: int, message: str, *, field_errors: list | None = None,
                    retry_after: float | None = None) -> errors.IntegrationError:
    response = httpx.Response(status, headers={"Retry-After": str(retry_after)} if retry_after else {})
    error = generic_error(SYSTEM, response, message)
    if field_errors:
        error.details["errors"] = field_errors
    return error


def map_response(response: httpx.Response) -> errors.IntegrationError:
    body = json_body(response)
    body = body if isinstance(body, dict) else {}
    listed = body.get("errors") if isinstance(body.get("errors"), list) else None
    message = body.get("error") or (listed[0] if listed else None) or f"Fleetbase answered HTTP {response.status_code}"
    return fleetbase_error(response.status_code, str(message), field_errors=listed,
                           retry_after=retry_after_seconds(response))


def place_body(place: dict, role: str) -> dict:
    """A place for `payload.pickup` / `payload.dropoff`: always with coordinates (an address that fails to
    geocode silently becomes POINT(0,0) in Fleetbase)."""
    if not isinstance(place, dict):
        raise errors.SchemaValidationError(f"{role} must be a place object", system=SYSTEM,
                                           external_code="invalid_place", details={"field": role})
    try:
        latitude, longitude = Decimal(str(place["latitude"])), Decimal(str(place["longitude"]))
    except (KeyError, ArithmeticError, ValueError):
        raise errors.SchemaValidationError(f"{role} needs numeric latitude and longitude", system=SYSTEM,
                                           external_code="invalid_place", details={"field": role}) from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or (latitude == 0 and longitude == 0):
        raise errors.SchemaValidationError(f"{role} coordinates are out of range", system=SYSTEM,
                                           external_code="invalid_place", details={"field": role})
    body = {key: place[key] for key in ("name", "street1", "street2", "city", "province", "postal_code",
                                        "country", "phone") if place.get(key)}
    body.update(latitude=float(latitude), longitude=float(longitude))
    body.setdefault("name", role.title())
    return body


def entity_body(package: dict) -> dict:
    entity = {"name": package.get("name") or "Package", "type": package.get("type") or "package"}
    for key in ("description", "sku", "weight", "weight_unit", "length", "width", "height", "dimensions_unit",
                "price", "currency"):
        if package.get(key) is not None:
            entity[key] = str(package[key]) if key == "price" else package[key]
    entity["meta"] = {"quantity": int(package.get("quantity") or 1), **(package.get("meta") or {})}
    return entity


def order_body(*, pickup, dropoff, packages, idempotency_key, service_quote=None, scheduled_at=None,
               pod_required=False, pod_method=None, notes=None, meta=None, adhoc=True, customer=None) -> dict:
    if not idempotency_key:
        raise errors.InvalidArgumentError("An idempotency key is required.", system=SYSTEM,
                                          external_code="idempotency_key_missing")
    if pod_method and pod_method not in POD_METHODS:
        raise errors.SchemaValidationError(f"pod_method must be one of {sorted(POD_METHODS)}", system=SYSTEM,
                                           external_code="invalid_pod_method", details={"field": "pod_method"})
    body = {
        "internal_id": idempotency_key,
        "payload": {"pickup": place_body(pickup, "pickup"), "dropoff": place_body(dropoff, "dropoff"),
                    "entities": [entity_body(p) for p in packages or []]},
        "type": "transport", "adhoc": bool(adhoc), "pod_required": bool(pod_required),
        "meta": {**(meta or {}), TENANT_KEY: current_slug(), REFERENCE_KEY: idempotency_key},
    }
    if pod_required:
        body["pod_method"] = pod_method or "photo"
    for key, value in (("service_quote", service_quote), ("scheduled_at", scheduled_at), ("notes", notes),
                       ("customer", customer)):
        if value:
            body[key] = value.isoformat() if hasattr(value, "isoformat") else value
    return body


def quote_from(answer, currency: str) -> dict:
    """One service quote (Fleetbase amounts are integers in minor units) or DeliveryZoneUnavailableError."""
    quote = answer[0] if isinstance(answer, list) and answer else answer
    if not isinstance(quote, dict) or not quote.get("id"):
        raise errors.DeliveryZoneUnavailableError("No service rate covers this pickup and drop-off.", system=SYSTEM,
                                                  external_code="no_service_rate")
    code = (quote.get("currency") or currency).upper()
    return {"id": quote["id"], "service_rate": quote.get("service_rate"), "amount": from_minor(int(quote["amount"]), code),
            "amount_minor": int(quote["amount"]), "currency": code, "expires_at": quote.get("expired_at")}


def location_of(resource: dict | None) -> dict | None:
    """`{"lat", "lng"}` from a Fleetbase place or driver (`location: {type: Point, coordinates: [lng, lat]}`)."""
    if not isinstance(resource, dict):
        return None
    point = resource.get("location")
    if isinstance(point, dict) and isinstance(point.get("coordinates"), list) and len(point["coordinates"]) == 2:
        lng, lat = point["coordinates"]
        return {"lat": float(lat), "lng": float(lng)}
    if resource.get("latitude") is not None:
        return {"lat": float(resource["latitude"]), "lng": float(resource["longitude"])}
    return None


def tracking_status(order: dict) -> dict:
    driver = order.get("driver_assigned")
    tracking = order.get("tracking_number")
    return {"order_id": order["id"], "status": order.get("status"),
            "driver_id": driver.get("id") if isinstance(driver, dict) else driver,
            "tracking_number": tracking.get("tracking_number") if isinstance(tracking, dict) else tracking,
            "dispatched": bool(order.get("dispatched")), "updated_at": order.get("updated_at"),
            "terminal": order.get("status") in TERMINAL}


class LogisticsBase(AdapterBase):
    name = SYSTEM
    SYNC_OPERATIONS = {"delivery_order": "create_delivery_order"}

    def get_tracking_status(self, order_id: str) -> dict:
        return tracking_status(self.get_order(order_id))
