"""The same scenario run against a sandbox and against the real client over a fake of the system
gives the platform the same observable result (answers, errors, outbox events)."""
import json
import re
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
import respx

from integrations import errors
from integrations.erpnext.sandbox import ERPNextSandbox
from integrations.fleetbase.sandbox import DRIVERS, FleetbaseSandbox
from integrations.sandbox.webhooks import raw_body
from integrations.waltid.sandbox import WaltIdSandbox
from integrations.webhooks import service
from tests.integrations.conftest import LIVE, deliver, outbox_for
from tests.integrations.fakes.frappe import FakeFrappe
from tests.support.tenants import in_tenant

pytestmark = pytest.mark.django_db

VOLATILE = {"delivery_order_id", "verification_id", "approved_at", "rejected_at", "dispatched_at", "picked_up_at",
            "updated_at",
            "estimated_pickup_at"}


def _failure(call) -> tuple:
    with pytest.raises(errors.IntegrationError) as raised:
        call()
    return raised.value.error_class, raised.value.external_code, raised.value.message


def _signals(aggregate_id: str) -> list:
    return [(e.event_type, e.aggregate_type, e.tenant_id, {k: v for k, v in e.payload.items() if k not in VOLATILE})
            for e in outbox_for(aggregate_id)]


# -- ERPNext -------------------------------------------------------------------------------------------
def _ledger_scenario(erp, key: str) -> list:
    seen = []
    first = erp.create_customer(customer_name=f"Parity {key}", idempotency_key=f"{key}-c1")
    second = erp.create_customer(customer_name=f"Parity {key}", idempotency_key=f"{key}-c2")
    seen.append(("customers", first["name"] == f"Parity {key}", second["name"] == f"Parity {key} - 1"))
    item = erp.create_item(item_code=f"P-{key}", item_name="Parity item", idempotency_key=f"P-{key}")
    seen.append(("item", item["name"] == f"P-{key}"))
    order = erp.create_sales_order(customer=first["name"], currency="sar", idempotency_key=f"{key}-so",
                                   items=[{"item_code": item["name"], "qty": 2, "rate": Decimal("12.50")}])
    again = erp.create_sales_order(customer=first["name"], currency="sar", idempotency_key=f"{key}-so",
                                   items=[{"item_code": item["name"], "qty": 2, "rate": Decimal("12.50")}])
    seen.append(("order", bool(re.fullmatch(r"SAL-ORD-\d{4}-\d{5}", order["name"])), order["docstatus"],
                 order["grand_total"], again["name"] == order["name"]))
    seen.append(("unbalanced", *_failure(lambda: erp.create_journal_entry(idempotency_key=f"{key}-je1", accounts=[
        {"account": "Stripe Clearing - CS", "debit": Decimal("25.00")}, {"account": "Sales - CS", "credit": 20}]))))
    entry = erp.create_journal_entry(idempotency_key=f"{key}-je2", accounts=[
        {"account": "Stripe Clearing - CS", "debit": Decimal("25.00")}, {"account": "Sales - CS", "credit": 25}])
    seen.append(("balanced", entry["docstatus"], entry["total_debit"], entry["total_credit"]))
    seen.append(("mandatory", *_failure(lambda: erp.create_customer(customer_name="", idempotency_key=f"{key}-c3"))[:2]))
    return seen


def test_a_ledger_scenario_observes_the_same_through_the_sandbox_and_the_client(request, live, sleeps, settings):
    through_sandbox = _ledger_scenario(ERPNextSandbox(), f"s{abs(hash(request.node.name)) % 10**6}")
    client = live("erpnext", ERPNEXT_COMPANY="CityOS Sandbox")
    client.http.sleep = sleeps
    with respx.mock(base_url=LIVE["erpnext"]["ERPNEXT_URL"], assert_all_called=False) as mock:
        FakeFrappe().install(mock)
        through_client = _ledger_scenario(client, f"s{abs(hash(request.node.name)) % 10**6}")
    assert through_sandbox == through_client
    assert through_sandbox[3] == ("unbalanced", "InvalidArgumentError", "ValidationError",
                                  "Total Debit must be equal to Total Credit. The difference is 5.00")


# -- Fleetbase ------------------------------------------------------------------------------------------
SHOP = {"name": "Souq", "latitude": 24.6333, "longitude": 46.7167}
HOME = {"name": "Layla", "latitude": 24.6995, "longitude": 46.6837}


class FakeFleetbase:
    """Fleetbase's order routes, and the webhooks Fleetbase sends when its orders change."""

    def __init__(self, mock, secret):
        driver_id, name, phone, vehicle_type, plate, (lat, lng) = DRIVERS[0]
        self.driver = {"id": driver_id, "name": name, "phone": phone, "location": {"type": "Point",
                                                                                   "coordinates": [lng, lat]},
                       "vehicle": {"id": "vehicle_1", "plate_number": plate, "type": vehicle_type}}
        self.orders, self.secret = {}, secret
        mock.get("/v1/orders").mock(side_effect=lambda r: httpx.Response(200, json=[
            o for o in self.orders.values() if o["internal_id"] == r.url.params["internal_id"]]))
        mock.post("/v1/orders").mock(side_effect=self.create)
        mock.get(path__regex=r"^/v1/orders/(?P<oid>order_\w+)$").mock(
            side_effect=lambda r, oid: httpx.Response(200, json=self.orders[oid]))
        mock.post(path__regex=r"^/v1/orders/(?P<oid>order_\w+)/dispatch$").mock(side_effect=self.dispatch)
        mock.get(f"/v1/drivers/{driver_id}").respond(json=self.driver)

    def create(self, request):
        body = json.loads(request.content)
        order_id = f"order_fake{len(self.orders) + 1}"
        places = {role: {"id": f"place_{role}", "name": p["name"],
                         "location": {"type": "Point", "coordinates": [p["longitude"], p["latitude"]]}}
                  for role, p in body["payload"].items() if role in ("pickup", "dropoff")}
        self.orders[order_id] = {"id": order_id, "internal_id": body["internal_id"], "status": "created",
                                 "dispatched": False, "adhoc": body["adhoc"], "meta": body["meta"],
                                 "payload": {"id": "payload_1", **places}, "driver_assigned": None,
                                 "pod_required": body["pod_required"], "tracking_number": {"id": "track_1"}}
        return httpx.Response(200, json=self.orders[order_id])

    def dispatch(self, request, oid):
        self.orders[oid].update(status="dispatched", dispatched=True)
        self.webhook(oid, "order.dispatched")
        self.orders[oid]["driver_assigned"] = self.driver  # an ad-hoc order: the first driver to accept
        self.webhook(oid, "order.driver_assigned")
        return httpx.Response(200, json=self.orders[oid])

    def webhook(self, oid, event):
        from integrations.fleetbase.webhooks import signature

        order = self.orders[oid]
        body = {"id": f"event_{oid}_{event}", "api_version": "v1", "event": event, "created_at": "2026-05-01 09:00:00",
                "data": {**order, "payload": "payload_1", "driver_assigned": (order["driver_assigned"] or {}).get("id"),
                         "dispatched_at": "2026-05-01 09:00:00"}}
        raw = raw_body(body)
        self.sent = getattr(self, "sent", []) + [service.receive("fleetbase", raw, {"Signature": signature(raw, self.secret)})]


def _delivery_scenario(fleet, key, after_dispatch) -> list:
    order = fleet.create_delivery_order(pickup=SHOP, dropoff=HOME, packages=[{"name": "box"}], idempotency_key=key)
    fleet.dispatch_order(order["id"], idempotency_key=f"{key}-d")
    after_dispatch(order["id"])
    return _signals(order["id"])


def test_a_delivery_scenario_gives_the_same_signals_through_the_sandbox_and_the_client(request, live, tenant_a,
                                                                                       sleeps):
    sandbox = FleetbaseSandbox()
    with in_tenant(tenant_a):
        through_sandbox = _delivery_scenario(sandbox, f"s-{request.node.name}",
                                             lambda oid: (sandbox.advance(oid), deliver("fleetbase")))
    client = live("fleetbase")
    client.http.sleep = sleeps
    with respx.mock(base_url=LIVE["fleetbase"]["FLEETBASE_API_URL"]) as mock, in_tenant(tenant_a):
        FakeFleetbase(mock, LIVE["fleetbase"]["FLEETBASE_WEBHOOK_SECRET"])
        through_client = _delivery_scenario(client, f"c-{request.node.name}", lambda oid: None)
    assert [s[0] for s in through_sandbox] == ["delivery.order.dispatched", "delivery.driver.assigned"]
    assert through_sandbox == through_client
    assert through_client[1][3]["driver_name"] == DRIVERS[0][1] and through_client[1][2] == "alpha"


# -- Walt.id -------------------------------------------------------------------------------------------
def test_a_kyc_scenario_gives_the_same_signal_through_the_sandbox_and_the_client(request, live, tenant_a, sleeps):
    sandbox = WaltIdSandbox()
    with in_tenant(tenant_a):
        started = sandbox.start_kyc(entity_type="vendor", entity_id="ven_p", idempotency_key=f"s-{request.node.name}")
        sandbox.decide(started["verification_id"], approve=False, reason="signature")
    through_sandbox = _signals(started["verification_id"])

    client = live("waltid")
    client.verifier.sleep = sleeps
    with respx.mock(base_url=LIVE["waltid"]["WALTID_VERIFIER_URL"]) as mock, in_tenant(tenant_a):
        verify = mock.post("/openid4vc/verify").respond(text="openid4vp://authorize?state=x")
        started = client.start_kyc(entity_type="vendor", entity_id="ven_p", idempotency_key=f"c-{request.node.name}")
    headers = verify.calls[0].request.headers
    session = {"id": headers["stateId"], "verificationResult": False, "tokenResponse": {"vp_token": "ey..."},
               "presentationDefinition": {"input_descriptors": [{"id": "VerifiableId"}]},
               "policyResults": {"results": [{"credential": "VerifiableId", "policyResults": [
                   {"policy": "signature", "is_success": False, "error": "signature check failed"},
                   {"policy": "expired", "is_success": True}]}]}}
    callback = urlsplit(headers["statusCallbackUri"])
    outcome = service.receive("waltid", raw_body(session),
                              {"Authorization": f"Bearer {headers['statusCallbackApiKey']}"}, dict(parse_qsl(callback.query)))
    assert outcome.status_code == 200
    through_client = _signals(started["verification_id"])
    assert through_sandbox == through_client
    assert through_client[0][0] == "kyc.verification.rejected" and through_client[0][3]["rejection_code"] == "signature"
