"""Fleetbase over its REST API (httpx): `Authorization: Bearer <flb_live_… | flb_test_…>`.

| operation | request |
| --- | --- |
| service quote | `GET /v1/service-quotes?pickup=<lat,lng>&dropoff=<lat,lng>&service_type=&currency=&single=1` |
| create order | `GET /v1/orders?internal_id=<key>&limit=1`, then `POST /v1/orders` |
| get order | `GET /v1/orders/{id}` |
| assign driver | `PUT /v1/orders/{id}` `{"driver": "driver_…"}` |
| dispatch | `POST /v1/orders/{id}/dispatch` |
| cancel | `DELETE /v1/orders/{id}/cancel` |
| driver | `GET /v1/drivers/{id}` |
| health | `GET /` → `{"message": "Fleetbase API", …}` |

The order's `internal_id` is the caller's idempotency key: a retried create finds the order the
first attempt made. Dispatch, cancel and assignment look at the order first and do nothing when
it is already in the asked-for state.
"""
import time

import httpx
from django.conf import settings

from integrations import policies
from integrations.fleetbase import orders
from integrations.fleetbase.orders import LogisticsBase
from integrations.http import HttpClient, json_body


class FleetbaseClient(LogisticsBase):
    def __init__(self, *, base_url: str | None = None, api_key: str | None = None,
                 transport: httpx.BaseTransport | None = None, sleep=time.sleep, budget: float | None = None):
        self.http = HttpClient(system="fleetbase", base_url=base_url or settings.FLEETBASE_API_URL,
                               headers={"Authorization": f"Bearer {api_key or settings.FLEETBASE_API_KEY}",
                                        "Accept": "application/json"},
                               error_mapper=orders.map_response, transport=transport, sleep=sleep, budget=budget)

    def is_configured(self) -> bool:
        return bool(settings.FLEETBASE_API_URL and settings.FLEETBASE_API_KEY)

    def health_check(self) -> dict:
        try:
            response = self.http.probe("GET", "/")
        except httpx.HTTPError as exc:
            return {"healthy": False, "message": f"unreachable: {type(exc).__name__}: {exc}"}
        body = json_body(response) or {}
        if response.status_code != 200:
            return {"healthy": False, "message": f"HTTP {response.status_code}"}
        return {"healthy": True, "message": f"{body.get('message', 'Fleetbase')} {body.get('version', '')}".strip()}

    def setup(self) -> list[str]:
        return []

    def _get(self, path: str, *, operation: str, policy, params=None):
        return self.http.request("GET", path, operation=operation, policy=policy, params=params).json()

    # -- operations ------------------------------------------------------------------------------
    def get_service_quote(self, *, pickup: dict, dropoff: dict, currency: str, service_type: str | None = None) -> dict:
        start, end = orders.place_body(pickup, "pickup"), orders.place_body(dropoff, "dropoff")
        params = {"pickup": f"{start['latitude']},{start['longitude']}",
                  "dropoff": f"{end['latitude']},{end['longitude']}", "currency": currency.upper(), "single": 1}
        if service_type:
            params["service_type"] = service_type
        answer = self._get("/v1/service-quotes", operation="get_service_quote", policy=policies.LOGISTICS_ETA,
                           params=params)
        return orders.quote_from(answer, currency)

    def create_delivery_order(self, *, pickup: dict, dropoff: dict, packages: list[dict], idempotency_key: str,
                              service_quote: str | None = None, scheduled_at=None, pod_required: bool = False,
                              pod_method: str | None = None, notes: str | None = None, meta: dict | None = None,
                              adhoc: bool = True, customer: str | None = None) -> dict:
        body = orders.order_body(pickup=pickup, dropoff=dropoff, packages=packages, idempotency_key=idempotency_key,
                                 service_quote=service_quote, scheduled_at=scheduled_at, pod_required=pod_required,
                                 pod_method=pod_method, notes=notes, meta=meta, adhoc=adhoc, customer=customer)
        existing = self._get("/v1/orders", operation="create_delivery_order", policy=policies.LOGISTICS_CREATE,
                             params={"internal_id": idempotency_key, "limit": 1})
        if isinstance(existing, list) and existing:
            return existing[0]
        return self.http.request("POST", "/v1/orders", operation="create_delivery_order",
                                 policy=policies.LOGISTICS_CREATE, json=body).json()

    def get_order(self, order_id: str) -> dict:
        return self._get(f"/v1/orders/{order_id}", operation="get_order", policy=policies.LOGISTICS_TRACKING)

    def assign_driver(self, order_id: str, driver_id: str, *, idempotency_key: str) -> dict:
        order = self.get_order(order_id)
        current = order.get("driver_assigned")
        if (current.get("id") if isinstance(current, dict) else current) == driver_id:
            return order
        return self.http.request("PUT", f"/v1/orders/{order_id}", operation="assign_driver",
                                 policy=policies.LOGISTICS_ASSIGN_DRIVER, json={"driver": driver_id}).json()

    def dispatch_order(self, order_id: str, *, idempotency_key: str) -> dict:
        order = self.get_order(order_id)
        if order.get("dispatched") or order.get("status") != "created":
            return order
        return self.http.request("POST", f"/v1/orders/{order_id}/dispatch", operation="dispatch_order",
                                 policy=policies.LOGISTICS_CREATE).json()

    def cancel_order(self, order_id: str, *, idempotency_key: str) -> dict:
        order = self.get_order(order_id)
        if order.get("status") == "canceled":
            return order
        self.http.request("DELETE", f"/v1/orders/{order_id}/cancel", operation="cancel_order",
                          policy=policies.LOGISTICS_CANCEL)
        return self.get_order(order_id)

    def get_driver(self, driver_id: str) -> dict:
        return self._get(f"/v1/drivers/{driver_id}", operation="get_driver", policy=policies.LOGISTICS_TRACKING)
