"""`POST /webhooks/<system>` on the platform host: signatures good, bad, missing, expired, replayed;
malformed bodies; tenant routing; the outbox events each accepted webhook writes."""
import base64
import hashlib
import hmac
import json
import time

import pytest

from integrations.models import WebhookReceipt
from integrations.stripe.webhooks import signature_header
from integrations.waltid import credentials
from tests.integrations.conftest import outbox_for
from tests.support.tenants import in_tenant

pytestmark = pytest.mark.django_db

STRIPE_SECRET = "whsec_test_secret"
FRAPPE_SECRET = "frappe-webhook-secret"
FLEET_SECRET = "fleetbase-credential-secret"


@pytest.fixture(autouse=True)
def secrets(settings):
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_SECRET
    settings.ERPNEXT_WEBHOOK_SECRET = FRAPPE_SECRET
    settings.FLEETBASE_WEBHOOK_SECRET = FLEET_SECRET


def _raw(body: dict) -> bytes:
    return json.dumps(body).encode()


def _post(client, system, raw, query="", **headers):
    return client.post(f"/webhooks/{system}{query}", data=raw, content_type="application/json", **headers)


def stripe_event(request, event_type="payment_intent.succeeded", tenant="alpha", **obj):
    intent = {"id": f"pi_{request.node.name[-20:]}", "object": "payment_intent", "amount": 12550,
              "amount_received": 12550, "currency": "sar", "status": "succeeded",
              "metadata": {"cityos_tenant": tenant, "order_id": "order_1"}, **obj}
    return {"id": f"evt_{request.node.name[-24:]}", "object": "event", "type": event_type, "created": 1767225600,
            "data": {"object": intent}, "livemode": False, "api_version": "2025-06-30.basil"}


# -- Stripe --------------------------------------------------------------------------------------
def test_a_signed_stripe_event_becomes_payment_intent_captured(platform_client, request, tenant_a):
    event = stripe_event(request)
    raw = _raw(event)
    answer = _post(platform_client, "stripe", raw, HTTP_STRIPE_SIGNATURE=signature_header(raw, STRIPE_SECRET))
    assert answer.status_code == 200 and answer.json()["status"] == "processed"
    assert answer.json()["events"] == ["payment.intent.captured"]
    [outbox] = outbox_for(event["data"]["object"]["id"])
    assert (outbox.event_type, outbox.aggregate_type, outbox.tenant_id, outbox.tenant_schema) == (
        "payment.intent.captured", "payment_intent", "alpha", tenant_a.schema_name)
    assert outbox.payload == {"payment_intent_id": event["data"]["object"]["id"], "gateway": "stripe",
                              "amount": "125.50", "amount_minor": 12550, "currency_code": "SAR",
                              "captured_at": "2026-01-01T00:00:00Z",
                              "metadata": {"cityos_tenant": "alpha", "order_id": "order_1"}}
    assert outbox.causation_id == f"stripe:{event['id']}" and outbox.metadata["source_system"] == "stripe"


def test_the_same_stripe_event_twice_is_processed_once(platform_client, request):
    raw = _raw(stripe_event(request))
    for expected in ("processed", "duplicate"):
        answer = _post(platform_client, "stripe", raw, HTTP_STRIPE_SIGNATURE=signature_header(raw, STRIPE_SECRET))
        assert answer.status_code == 200 and answer.json()["status"] == expected
    assert len(outbox_for(f"pi_{request.node.name[-20:]}")) == 1
    assert WebhookReceipt.objects.get(system="stripe", event_id=f"evt_{request.node.name[-24:]}").duplicates == 1


@pytest.mark.parametrize("header", [
    None,
    "t=1767225600,v1=" + "0" * 64,
    "garbage",
])
def test_stripe_events_without_a_valid_signature_are_refused(platform_client, request, header):
    raw = _raw(stripe_event(request))
    headers = {"HTTP_STRIPE_SIGNATURE": header} if header else {}
    answer = _post(platform_client, "stripe", raw, **headers)
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "invalid_signature"
    assert outbox_for(f"pi_{request.node.name[-20:]}") == []


def test_a_stripe_signature_older_than_five_minutes_is_refused(platform_client, request):
    raw = _raw(stripe_event(request))
    stale = signature_header(raw, STRIPE_SECRET, timestamp=int(time.time()) - 301)
    answer = _post(platform_client, "stripe", raw, HTTP_STRIPE_SIGNATURE=stale)
    assert answer.status_code == 401 and "tolerance" in answer.json()["error"]["message"]
    fresh = signature_header(raw, STRIPE_SECRET, timestamp=int(time.time()) - 200)
    assert _post(platform_client, "stripe", raw, HTTP_STRIPE_SIGNATURE=fresh).status_code == 200


def test_a_signed_body_that_is_not_a_stripe_event_is_malformed(platform_client):
    for raw in (b"not json", _raw({"id": "evt_x", "object": "charge"}), _raw([1, 2])):
        answer = _post(platform_client, "stripe", raw, HTTP_STRIPE_SIGNATURE=signature_header(raw, STRIPE_SECRET))
        assert answer.status_code == 400 and answer.json()["error"]["code"] == "malformed_webhook"


def test_stripe_declines_refunds_and_transfers_become_their_signals(platform_client, request, tenant_a):
    cases = [
        stripe_event(request, "payment_intent.payment_failed", status="requires_payment_method",
                     last_payment_error={"code": "card_declined", "decline_code": "insufficient_funds",
                                         "message": "Your card has insufficient funds."}),
        {**stripe_event(request), "id": f"evt_r_{request.node.name[-20:]}", "type": "refund.created",
         "data": {"object": {"id": "re_1x" + request.node.name[-8:], "object": "refund", "amount": 500,
                             "currency": "sar", "status": "succeeded", "payment_intent": "pi_9",
                             "reason": "requested_by_customer", "metadata": {"cityos_tenant": "alpha"}}}},
        {**stripe_event(request), "id": f"evt_t_{request.node.name[-20:]}", "type": "transfer.created",
         "data": {"object": {"id": "tr_1x" + request.node.name[-8:], "object": "transfer", "amount": 9000,
                             "currency": "sar", "destination": "acct_1V", "metadata": {"cityos_tenant": "alpha"}}}},
    ]
    for event in cases:
        raw = _raw(event)
        assert _post(platform_client, "stripe", raw,
                     HTTP_STRIPE_SIGNATURE=signature_header(raw, STRIPE_SECRET)).status_code == 200
    failed = outbox_for(cases[0]["data"]["object"]["id"])[0]
    assert failed.event_type == "payment.intent.failed"
    assert failed.payload["decline_reason"] == "insufficient_funds" and failed.payload["retryable"] is False
    refund = outbox_for(cases[1]["data"]["object"]["id"])[0]
    assert (refund.event_type, refund.aggregate_type) == ("payment.refund.completed", "refund")
    assert refund.payload["amount"] == "5.00" and refund.payload["payment_intent_id"] == "pi_9"
    transfer = outbox_for(cases[2]["data"]["object"]["id"])[0]
    assert transfer.event_type == "payment.transfer.completed"
    assert transfer.payload["destination_account"] == "acct_1V" and transfer.payload["amount"] == "90.00"


def test_events_without_a_known_tenant_or_without_a_use_are_recorded_not_emitted(platform_client, request):
    for event_type, tenant, status in (("payment_intent.succeeded", "no-such-tenant", "unroutable"),
                                       ("customer.created", "alpha", "ignored")):
        event = stripe_event(request, event_type, tenant=tenant)
        event["id"] += event_type[:3]
        raw = _raw(event)
        answer = _post(platform_client, "stripe", raw, HTTP_STRIPE_SIGNATURE=signature_header(raw, STRIPE_SECRET))
        assert answer.status_code == 200 and answer.json()["status"] == status
        assert WebhookReceipt.objects.get(system="stripe", event_id=event["id"]).status == status
    assert outbox_for(f"pi_{request.node.name[-20:]}") == []


def test_webhooks_are_only_served_on_the_platform_host_and_only_by_post(platform_client, client_a):
    assert platform_client.get("/webhooks/stripe").status_code == 405
    assert platform_client.post("/webhooks/paypal", data=b"{}", content_type="application/json").status_code == 404
    on_tenant_host = client_a.post("/webhooks/stripe", data=b"{}", content_type="application/json")
    assert on_tenant_host.status_code >= 300  # a tenant's site, not the webhook receiver


# -- ERPNext ---------------------------------------------------------------------------------------
def frappe_signature(raw: bytes, secret: str = FRAPPE_SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), raw, hashlib.sha256).digest()).decode()


def frappe_body(request, event="on_submit", modified="2026-05-01 10:20:30.123456"):
    return {"doctype": "Sales Invoice", "name": f"ACC-SINV-2026-{abs(hash(request.node.name)) % 99999:05d}",
            "event": event, "modified": modified, "docstatus": 1, "cityos_tenant": "alpha",
            "cityos_reference": "order_77", "doc": {"grand_total": 230.0, "currency": "SAR"}}


def test_a_signed_frappe_webhook_becomes_an_erp_event(platform_client, request):
    body = frappe_body(request)
    raw = _raw(body)
    answer = _post(platform_client, "erpnext", raw, HTTP_X_FRAPPE_WEBHOOK_SIGNATURE=frappe_signature(raw))
    assert answer.status_code == 200 and answer.json()["events"] == ["erp.sales_invoice.submitted"]
    [event] = outbox_for(body["name"])
    assert event.aggregate_type == "sales_invoice" and event.tenant_id == "alpha"
    assert event.payload["reference"] == "order_77" and event.payload["doc"]["grand_total"] == 230.0
    again = _post(platform_client, "erpnext", raw, HTTP_X_FRAPPE_WEBHOOK_SIGNATURE=frappe_signature(raw))
    assert again.json()["status"] == "duplicate" and len(outbox_for(body["name"])) == 1
    changed = _raw({**body, "event": "on_cancel", "modified": "2026-05-02 08:00:00.000000"})
    assert _post(platform_client, "erpnext", changed,
                 HTTP_X_FRAPPE_WEBHOOK_SIGNATURE=frappe_signature(changed)).json()["events"] == ["erp.sales_invoice.cancelled"]


def test_frappe_webhooks_with_a_wrong_or_missing_signature_are_refused(platform_client, request):
    raw = _raw(frappe_body(request))
    assert _post(platform_client, "erpnext", raw).status_code == 401
    assert _post(platform_client, "erpnext", raw,
                 HTTP_X_FRAPPE_WEBHOOK_SIGNATURE=frappe_signature(raw, "other-secret")).status_code == 401
    tampered = raw.replace(b"230.0", b"1.0")
    assert _post(platform_client, "erpnext", tampered,
                 HTTP_X_FRAPPE_WEBHOOK_SIGNATURE=frappe_signature(raw)).status_code == 401
    odd = _raw({"doctype": "Sales Invoice", "name": "X", "event": "on_explode"})
    assert _post(platform_client, "erpnext", odd, HTTP_X_FRAPPE_WEBHOOK_SIGNATURE=frappe_signature(odd)).status_code == 400


# -- Fleetbase -------------------------------------------------------------------------------------
def fleet_signature(raw: bytes, secret: str = FLEET_SECRET) -> str:
    return hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def test_a_signed_fleetbase_event_becomes_a_delivery_signal(platform_client, request):
    order_id = f"order_{request.node.name[-16:]}"
    body = {"id": f"event_{request.node.name[-13:]}", "api_version": "v1", "event": "order.failed",
            "created_at": "2026-05-01 12:00:00",
            "data": {"id": order_id, "internal_id": "del_1", "status": "failed", "driver_assigned": None,
                     "meta": {"cityos_tenant": "alpha", "failure_reason": "weather"},
                     "updated_at": "2026-05-01 12:00:00"}}
    raw = _raw(body)
    answer = _post(platform_client, "fleetbase", raw, HTTP_SIGNATURE=fleet_signature(raw))
    assert answer.status_code == 200 and answer.json()["events"] == ["delivery.order.failed"]
    [event] = outbox_for(order_id)
    assert event.aggregate_type == "delivery_order"
    assert event.payload["failure_reason"] == "weather" and event.payload["failed_at"] == "2026-05-01T12:00:00Z"
    assert event.payload["retry_eligible"] is True
    assert _post(platform_client, "fleetbase", raw, HTTP_SIGNATURE=fleet_signature(raw)).json()["status"] == "duplicate"
    assert _post(platform_client, "fleetbase", raw, HTTP_SIGNATURE=fleet_signature(raw, "x")).status_code == 401
    assert _post(platform_client, "fleetbase", raw).status_code == 401
    bad = _raw({"event": "order.failed"})
    assert _post(platform_client, "fleetbase", bad, HTTP_SIGNATURE=fleet_signature(bad)).status_code == 400


# -- Walt.id ---------------------------------------------------------------------------------------
def test_a_walt_id_callback_needs_the_key_bound_to_its_session_and_tenant(platform_client, request, tenant_a):
    with in_tenant(tenant_a):
        context = credentials.callback_context(kind="kyc", entity_type="vendor", entity_id="ven_5", level="basic")
    session = {"id": f"vs_{request.node.name[-20:]}", "verificationResult": True, "policyResults": {"results": []},
               "presentationDefinition": {"input_descriptors": [{"id": "VerifiableId"}]}}
    raw = _raw(session)
    query = "?" + "&".join(f"{k}={v}" for k, v in context.items())
    key = credentials.callback_key(context, session["id"])
    assert _post(platform_client, "waltid", raw, query).status_code == 401
    other_tenant = query.replace("tenant=alpha", "tenant=beta")
    assert _post(platform_client, "waltid", raw, other_tenant, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    other_session = _raw({**session, "id": "vs_other"})
    assert _post(platform_client, "waltid", other_session, query, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    answer = _post(platform_client, "waltid", raw, query, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert answer.status_code == 200 and answer.json()["events"] == ["kyc.verification.approved"]
    assert _post(platform_client, "waltid", raw, query, HTTP_AUTHORIZATION=f"Bearer {key}").json()["status"] == "duplicate"
    [event] = outbox_for(session["id"])
    assert event.payload["entity_id"] == "ven_5" and event.tenant_id == "alpha"


def test_a_fleetbase_webhook_answers_at_once_when_fleetbase_cannot_be_read_back(platform_client, request, live,
                                                                                sleeps):
    import respx

    client = live("fleetbase", FLEETBASE_WEBHOOK_SECRET=FLEET_SECRET)
    client.http.sleep = sleeps
    order_id = f"order_{request.node.name[-16:]}"
    body = {"id": f"event_{request.node.name[-13:]}", "api_version": "v1", "event": "order.driver_assigned",
            "created_at": "2026-05-01 12:00:00",
            "data": {"id": order_id, "status": "dispatched", "driver_assigned": "driver_77",
                     "meta": {"cityos_tenant": "alpha"}}}
    raw = _raw(body)
    with respx.mock(base_url="https://fleet.example.test") as mock:
        reads = mock.get(url__regex=r".*/v1/(orders|drivers)/.*").respond(503)
        answer = _post(platform_client, "fleetbase", raw, HTTP_SIGNATURE=fleet_signature(raw))
    assert answer.status_code == 200 and sleeps == [] and reads.call_count == 2  # one try each, no waiting
    [event] = outbox_for(order_id)
    assert event.event_type == "delivery.driver.assigned"
    assert event.payload["driver_id"] == "driver_77" and event.payload["driver_name"] is None
