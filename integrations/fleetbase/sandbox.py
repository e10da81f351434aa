"""A deterministic, stateful stand-in for Fleetbase that moves deliveries along over time.

Orders are Fleetbase order resources (`order_…` ids, a tracking number, `payload.pickup` /
`dropoff` places with GeoJSON locations, `driver_assigned`, `status`, `meta`). Life of an order:

    created ──dispatch──▶ dispatched ──▶ (driver assigned, for ad-hoc orders) ──▶ started
            ──▶ enroute ──▶ completed          (or failed / canceled)

`dispatch_order` schedules the order; `advance_due()` (the beat job `integrations.sandbox_tick`,
every few seconds) moves every order whose next step is due, one step per
`SANDBOX_DELIVERY_STEP_SECONDS` (20 s by default). Each step queues the webhook Fleetbase would
send (`order.dispatched`, `order.driver_assigned`, `order.started`, `order.updated` with status
`enroute`, `order.completed`, `order.failed`, `order.canceled`) with Fleetbase's body and
`Signature` header, delivered through the same code path as `POST /webhooks/fleetbase`.

Controls for tests and demos: `advance(order_id)` (one step now), `fail(order_id, reason)`.
Service quotes: 12.00 plus 2.50 per km (SAR-like minor units); more than 60 km apart → no rate
(`DeliveryZoneUnavailableError`).
"""
import math
import time
import uuid

from django.conf import settings
from django.utils import timezone

from integrations import errors
from integrations.fleetbase import orders
from integrations.fleetbase.orders import TERMINAL, LogisticsBase, fleetbase_error
from integrations.sandbox import webhooks as sandbox_webhooks
from integrations.sandbox.store import SandboxStore

MAX_SERVICE_KM = 60
BASE_FARE_MINOR, PER_KM_MINOR = 1200, 250
DRIVERS = (
    ("driver_sbx001", "Sami Al-Harbi", "+966500000101", "van", "RUH 1041", (24.7136, 46.6753)),
    ("driver_sbx002", "Noura Al-Qahtani", "+966500000102", "motorcycle", "RUH 2208", (24.6877, 46.7219)),
    ("driver_sbx003", "Omar Haddad", "+966500000103", "car", "RUH 3317", (24.7743, 46.7386)),
)
FAILURE_REASONS = {"address_not_found", "recipient_unavailable", "access_denied", "vehicle_breakdown", "weather",
                   "other"}


def _stamp() -> str:
    return timezone.now().strftime("%Y-%m-%d %H:%M:%S")


def _point(lat, lng) -> dict:
    return {"type": "Point", "coordinates": [float(lng), float(lat)]}


def _km(a: dict, b: dict) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (a["latitude"], a["longitude"], b["latitude"], b["longitude"]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(h))


def step_seconds() -> float:
    return float(getattr(settings, "SANDBOX_DELIVERY_STEP_SECONDS", 20))


class FleetbaseSandbox(LogisticsBase):
    def __init__(self):
        self.store = SandboxStore("fleetbase")

    def is_configured(self) -> bool:
        return False

    def health_check(self) -> dict:
        return {"healthy": True, "message": "in-process Fleetbase sandbox (deliveries advance on beat)"}

    def setup(self) -> list[str]:
        return []

    # -- drivers ---------------------------------------------------------------------------------
    def drivers(self) -> list[dict]:
        pool = []
        for driver_id, name, phone, vehicle_type, plate, (lat, lng) in DRIVERS:
            driver = self.store.get("driver", driver_id)
            if driver is None:
                driver = self.store.put("driver", driver_id, {
                    "id": driver_id, "name": name, "phone": phone, "status": "active", "online": True,
                    "location": _point(lat, lng), "current_job": None,
                    "vehicle": {"id": driver_id.replace("driver", "vehicle"), "plate_number": plate,
                                "type": vehicle_type, "make": "Toyota", "model": "Hiace" if vehicle_type == "van"
                                else "Corolla"}})
            pool.append(driver)
        return pool

    def get_driver(self, driver_id: str) -> dict:
        self.drivers()
        driver = self.store.get("driver", driver_id)
        if driver is None:
            raise fleetbase_error(404, "Driver resource not found.")
        return driver

    # -- operations ------------------------------------------------------------------------------
    def get_service_quote(self, *, pickup, dropoff, currency, service_type=None):
        start, end = orders.place_body(pickup, "pickup"), orders.place_body(dropoff, "dropoff")
        distance = _km(start, end)
        if distance > MAX_SERVICE_KM:
            return orders.quote_from([], currency)
        quote = {"id": self.store.new_id("quote"), "service_rate": "service_rate_sbxlocal",
                 "amount": BASE_FARE_MINOR + int(round(distance * PER_KM_MINOR)), "currency": currency.upper(),
                 "expired_at": None, "distance_km": round(distance, 2)}
        self.store.put("service_quote", quote["id"], quote)
        return orders.quote_from([quote], currency)

    def create_delivery_order(self, *, pickup, dropoff, packages, idempotency_key, service_quote=None,
                              scheduled_at=None, pod_required=False, pod_method=None, notes=None, meta=None,
                              adhoc=True, customer=None):
        body = orders.order_body(pickup=pickup, dropoff=dropoff, packages=packages, idempotency_key=idempotency_key,
                                 service_quote=service_quote, scheduled_at=scheduled_at, pod_required=pod_required,
                                 pod_method=pod_method, notes=notes, meta=meta, adhoc=adhoc, customer=customer)
        existing = self.store.all("order", internal_id=idempotency_key)
        if existing:
            return existing[0]
        return self.store.call("create_delivery_order", body, lambda: self._create(body))

    def _create(self, body: dict) -> dict:
        if body.get("service_quote") and self.store.get("service_quote", body["service_quote"]) is None:
            raise fleetbase_error(400, "Invalid service quote provided.")
        now = _stamp()
        places = {}
        for role in ("pickup", "dropoff"):
            place = body["payload"][role]
            places[role] = {"id": self.store.new_id("place"), **{k: v for k, v in place.items()
                                                                  if k not in ("latitude", "longitude")},
                            "location": _point(place["latitude"], place["longitude"])}
        order = {
            "id": self.store.new_id("order"), "internal_id": body["internal_id"], "customer": body.get("customer"),
            "payload": {"id": self.store.new_id("payload"), **places, "waypoints": [],
                        "entities": [{"id": self.store.new_id("entity"), **entity}
                                     for entity in body["payload"]["entities"]]},
            "facilitator": None, "driver_assigned": None, "vehicle_assigned": None,
            "tracking_number": {"id": self.store.new_id("track"),
                                "tracking_number": f"SBX{uuid.uuid4().int % 10 ** 10:010d}"},
            "purchase_rate": None, "notes": body.get("notes") or "", "type": body["type"], "status": "created",
            "pod_method": body.get("pod_method"), "pod_required": body["pod_required"], "dispatched": False,
            "adhoc": body["adhoc"], "meta": body["meta"], "service_quote": body.get("service_quote"),
            "dispatched_at": None, "started_at": None, "scheduled_at": body.get("scheduled_at"),
            "updated_at": now, "created_at": now}
        self.store.put("order", order["id"], order)
        self._webhook(order, "order.created")
        return order

    def get_order(self, order_id: str) -> dict:
        order = self.store.get("order", order_id)
        if order is None:
            raise fleetbase_error(404, "Order resource not found.")
        return order

    def assign_driver(self, order_id, driver_id, *, idempotency_key):
        order = self.get_order(order_id)
        if (order.get("driver_assigned") or {}).get("id") == driver_id:
            return order

        def run():
            current = self.get_order(order_id)
            if current["status"] in TERMINAL:
                raise fleetbase_error(400, f"Order is already {current['status']}.")
            return self._assign(current, self.get_driver(driver_id))

        return self.store.call("assign_driver", {"order": order_id, "driver": driver_id}, run,
                               idempotency_key=idempotency_key)

    def _assign(self, order: dict, driver: dict) -> dict:
        order.update(driver_assigned=driver, vehicle_assigned=driver.get("vehicle"), updated_at=_stamp())
        self.store.put("order", order["id"], order)
        self._webhook(order, "order.driver_assigned")
        return order

    def dispatch_order(self, order_id, *, idempotency_key):
        order = self.get_order(order_id)
        if order["dispatched"] or order["status"] != "created":
            return order

        def run():
            current = self.get_order(order_id)
            if not current["driver_assigned"] and not current["adhoc"]:
                raise fleetbase_error(400, "No driver assigned to dispatch!")
            current.update(status="dispatched", dispatched=True, dispatched_at=_stamp(), updated_at=_stamp())
            self.store.put("order", order_id, current)
            self._schedule(order_id)
            self._webhook(current, "order.dispatched")
            return current

        return self.store.call("dispatch_order", {"order": order_id}, run, idempotency_key=idempotency_key)

    def cancel_order(self, order_id, *, idempotency_key):
        order = self.get_order(order_id)
        if order["status"] == "canceled":
            return order

        def run():
            current = self.get_order(order_id)
            if current["status"] in TERMINAL:
                raise fleetbase_error(400, f"Order cannot be canceled, it is already {current['status']}.")
            current.update(status="canceled", updated_at=_stamp())
            self.store.put("order", order_id, current)
            self._unschedule(order_id)
            self._webhook(current, "order.canceled")
            return current

        return self.store.call("cancel_order", {"order": order_id}, run, idempotency_key=idempotency_key)

    # -- time passing (sandbox controls) ---------------------------------------------------------
    def _schedule(self, order_id: str, delay: float | None = None) -> None:
        self.store.put("schedule", order_id, {"order": order_id, "next_at": time.time() + (
            step_seconds() if delay is None else delay)})

    def _unschedule(self, order_id: str) -> None:
        self.store.put("schedule", order_id, {"order": order_id, "next_at": None})

    def advance(self, order_id: str) -> dict:
        """Move one order one step along now (a sandbox control)."""
        order = self.get_order(order_id)
        if order["status"] in TERMINAL:
            return order
        if not order["dispatched"]:
            raise errors.InvalidArgumentError("Dispatch the order before advancing it.", system="fleetbase",
                                              external_code="not_dispatched")
        now = _stamp()
        driver = order["driver_assigned"]
        if driver is None:
            busy = {o["driver_assigned"]["id"] for o in self.store.all("order")
                    if o.get("driver_assigned") and o["status"] not in TERMINAL}
            pool = self.drivers()
            driver = next((d for d in pool if d["id"] not in busy), pool[0])
            order = self._assign(order, driver)
        elif order["status"] == "dispatched":
            order.update(status="started", started_at=now, updated_at=now)
            self._move_driver(driver, order["payload"]["pickup"]["location"])
            self._event(order, "order.started")
        elif order["status"] == "started":
            pickup, dropoff = order["payload"]["pickup"]["location"], order["payload"]["dropoff"]["location"]
            midway = [(a + b) / 2 for a, b in zip(pickup["coordinates"], dropoff["coordinates"])]
            order.update(status="enroute", updated_at=now)
            self._move_driver(driver, {"type": "Point", "coordinates": midway})
            self._event(order, "order.updated")
        elif order["status"] == "enroute":
            order.update(status="completed", updated_at=now)
            self._move_driver(driver, order["payload"]["dropoff"]["location"])
            self._event(order, "order.completed")
        if order["status"] in TERMINAL:
            self._unschedule(order_id)
        else:
            self._schedule(order_id)
        return order

    def fail(self, order_id: str, reason: str = "recipient_unavailable", notes: str = "") -> dict:
        """The driver reports the delivery failed (a sandbox control)."""
        order = self.get_order(order_id)
        if order["status"] in TERMINAL:
            raise fleetbase_error(400, f"Order is already {order['status']}.")
        order["meta"] = {**order["meta"], "failure_reason": reason if reason in FAILURE_REASONS else "other",
                         "failure_notes": notes}
        order.update(status="failed", updated_at=_stamp())
        self._event(order, "order.failed")
        self._unschedule(order_id)
        return order

    def advance_due(self, now: float | None = None) -> list[str]:
        """Advance every dispatched order whose next step is due; returns the order ids moved."""
        now = time.time() if now is None else now
        moved = []
        for entry in self.store.all("schedule"):
            if entry.get("next_at") is not None and entry["next_at"] <= now:
                self.advance(entry["order"])
                moved.append(entry["order"])
        return moved

    def _move_driver(self, driver: dict, location: dict) -> None:
        driver["location"] = location
        self.store.put("driver", driver["id"], driver)

    def _event(self, order: dict, event: str) -> None:
        self.store.put("order", order["id"], order)
        self._webhook(order, event)

    # -- webhooks --------------------------------------------------------------------------------
    def _webhook(self, order: dict, event: str) -> None:
        """The body Fleetbase sends: the order's webhook payload with related resources reduced to ids."""
        driver = order.get("driver_assigned")
        data = {"id": order["id"], "internal_id": order["internal_id"], "customer": order.get("customer"),
                "payload": order["payload"]["id"], "facilitator": None,
                "driver_assigned": driver["id"] if driver else None,
                "tracking_number": order["tracking_number"]["id"], "purchase_rate": None, "notes": order["notes"],
                "type": order["type"], "status": order["status"], "adhoc": order["adhoc"], "meta": order["meta"],
                "dispatched_at": order["dispatched_at"], "started_at": order["started_at"],
                "scheduled_at": order["scheduled_at"], "updated_at": order["updated_at"],
                "created_at": order["created_at"]}
        sandbox_webhooks.enqueue("fleetbase", {"id": f"event_{uuid.uuid4().hex[:13]}", "api_version": "v1",
                                               "event": event, "created_at": _stamp(), "data": data})
