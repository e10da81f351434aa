"""Contract tests of the Fleetbase and Walt.id clients (respx): requests sent, answers handled."""
import json
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import respx

from integrations import errors
from integrations.models import IssuedCredential, IssuerIdentity
from integrations.waltid import credentials
from tests.support.tenants import in_tenant

pytestmark = pytest.mark.django_db

FLEET = "https://fleet.example.test"
ISSUER = "https://issuer.example.test"
VERIFIER = "https://verifier.example.test"
SHOP = {"name": "Souq", "street1": "King Faisal Rd", "city": "Riyadh", "country": "SA", "latitude": 24.6333,
        "longitude": 46.7167}
HOME = {"name": "Layla", "street1": "Olaya St 12", "city": "Riyadh", "country": "SA", "latitude": 24.6995,
        "longitude": 46.6837}


def body_of(call) -> dict:
    return json.loads(call.request.content)


@pytest.fixture
def fleet(live, sleeps):
    client = live("fleetbase")
    client.http.sleep = sleeps
    return client


@pytest.fixture
def waltid(live, sleeps):
    client = live("waltid")
    client.issuer.sleep = client.verifier.sleep = sleeps
    return client


def order_resource(order_id="order_k3Jd92", status="created", **extra):
    return {"id": order_id, "internal_id": "del_1", "status": status, "dispatched": status != "created",
            "driver_assigned": None, "meta": {"cityos_tenant": "alpha"}, "payload": {"id": "payload_x"},
            "tracking_number": {"id": "track_1", "tracking_number": "FLB1234"}, **extra}


# -- Fleetbase -------------------------------------------------------------------------------------
def test_creating_a_delivery_order_sends_fleetbases_order_body_with_a_bearer_key(fleet, tenant_a):
    with respx.mock(base_url=FLEET) as mock, in_tenant(tenant_a):
        lookup = mock.get("/v1/orders").respond(json=[])
        create = mock.post("/v1/orders").respond(json=order_resource())
        order = fleet.create_delivery_order(pickup=SHOP, dropoff=HOME, idempotency_key="del_1",
                                            service_quote="quote_9", pod_required=True, pod_method="signature",
                                            packages=[{"name": "Dates 1kg", "sku": "DATES-1", "quantity": 2,
                                                       "price": Decimal("25.00"), "currency": "SAR"}])
    assert order["id"] == "order_k3Jd92"
    assert dict(lookup.calls[0].request.url.params) == {"internal_id": "del_1", "limit": "1"}
    request = create.calls[0].request
    assert request.headers["Authorization"] == "Bearer flb_test_abc"
    assert body_of(create.calls[0]) == {
        "internal_id": "del_1",
        "payload": {"pickup": {**{k: v for k, v in SHOP.items()}}, "dropoff": {**HOME},
                    "entities": [{"name": "Dates 1kg", "type": "package", "sku": "DATES-1", "price": "25.00",
                                  "currency": "SAR", "meta": {"quantity": 2}}]},
        "type": "transport", "adhoc": True, "pod_required": True,
        "meta": {"cityos_tenant": "alpha", "cityos_reference": "del_1"},
        "pod_method": "signature", "service_quote": "quote_9"}


def test_a_retried_create_returns_the_order_with_the_same_internal_id(fleet):
    with respx.mock(base_url=FLEET, assert_all_called=False) as mock:
        mock.get("/v1/orders").respond(json=[order_resource()])
        create = mock.post("/v1/orders")
        assert fleet.create_delivery_order(pickup=SHOP, dropoff=HOME, packages=[],
                                           idempotency_key="del_1")["id"] == "order_k3Jd92"
    assert not create.called


def test_dispatch_cancel_and_driver_assignment_use_fleetbases_routes(fleet):
    with respx.mock(base_url=FLEET) as mock:
        get = mock.get("/v1/orders/order_k3Jd92").mock(side_effect=[
            httpx.Response(200, json=order_resource()),                                   # assign: current state
            httpx.Response(200, json=order_resource()),                                   # dispatch: current state
            httpx.Response(200, json=order_resource(status="dispatched")),                # cancel: current state
            httpx.Response(200, json=order_resource(status="canceled"))])                 # cancel: read back
        assign = mock.put("/v1/orders/order_k3Jd92").respond(json=order_resource(driver_assigned={"id": "driver_7"}))
        dispatch = mock.post("/v1/orders/order_k3Jd92/dispatch").respond(json=order_resource(status="dispatched"))
        cancel = mock.delete("/v1/orders/order_k3Jd92/cancel").respond(json={"status": "ok"})
        fleet.assign_driver("order_k3Jd92", "driver_7", idempotency_key="a")
        assert fleet.dispatch_order("order_k3Jd92", idempotency_key="d")["status"] == "dispatched"
        assert fleet.cancel_order("order_k3Jd92", idempotency_key="c")["status"] == "canceled"
    assert body_of(assign.calls[0]) == {"driver": "driver_7"}
    assert dispatch.call_count == cancel.call_count == 1 and get.call_count == 4


def test_service_quotes_are_a_get_with_coordinates_and_no_rate_is_a_zone_error(fleet):
    with respx.mock(base_url=FLEET) as mock:
        route = mock.get("/v1/service-quotes").mock(side_effect=[
            httpx.Response(200, json={"id": "quote_1", "service_rate": "service_rate_2", "amount": 1875,
                                      "currency": "SAR"}),
            httpx.Response(200, json=[])])
        quote = fleet.get_service_quote(pickup=SHOP, dropoff=HOME, currency="sar")
        with pytest.raises(errors.DeliveryZoneUnavailableError):
            fleet.get_service_quote(pickup=SHOP, dropoff=HOME, currency="SAR")
    assert dict(route.calls[0].request.url.params) == {"pickup": "24.6333,46.7167", "dropoff": "24.6995,46.6837",
                                                        "currency": "SAR", "single": "1"}
    assert quote["amount"] == Decimal("18.75") and quote["amount_minor"] == 1875


def test_fleetbase_errors_map_onto_the_taxonomy(fleet, sleeps):
    with respx.mock(base_url=FLEET) as mock:
        mock.get("/v1/orders/order_x").respond(404, json={"error": "Order resource not found."})
        mock.post("/v1/orders/order_y/dispatch").respond(400, json={"error": "No driver assigned to dispatch!"})
        mock.get("/v1/orders/order_y").respond(json=order_resource("order_y"))
        mock.get("/v1/drivers/driver_1").mock(side_effect=[
            httpx.Response(429, headers={"Retry-After": "3"}, json={"error": "Too Many Attempts."}),
            httpx.Response(200, json={"id": "driver_1", "name": "Sami"})])
        mock.get("/v1/orders").respond(422, json={"error": "The payload.pickup field is required.",
                                                  "errors": ["The payload.pickup field is required."]})
        with pytest.raises(errors.InvalidArgumentError, match="Order resource not found"):
            fleet.get_order("order_x")
        with pytest.raises(errors.InvalidArgumentError, match="No driver assigned"):
            fleet.dispatch_order("order_y", idempotency_key="d")
        # the tracking policy waits 5 s first; Retry-After asked for 3: the longer wait wins
        assert fleet.get_driver("driver_1")["name"] == "Sami" and sleeps == [5]
        with pytest.raises(errors.SchemaValidationError) as invalid:
            fleet.create_delivery_order(pickup=SHOP, dropoff=HOME, packages=[], idempotency_key="k")
    assert invalid.value.details["errors"] == ["The payload.pickup field is required."]


def test_fleetbase_health_reads_the_api_root(fleet):
    with respx.mock(base_url=FLEET) as mock:
        mock.get("/").respond(json={"message": "Fleetbase API", "version": "0.7.1"})
        assert fleet.health_check() == {"healthy": True, "message": "Fleetbase API 0.7.1"}
        mock.get("/").mock(side_effect=httpx.ConnectError("refused"))
        assert fleet.health_check()["healthy"] is False


# -- Walt.id ---------------------------------------------------------------------------------------
ISSUER_KEY = {"type": "jwk", "jwk": {"kty": "OKP", "crv": "Ed25519", "x": "abc", "d": "secret"}}


def test_issuing_onboards_the_issuer_once_then_posts_the_credential(waltid, tenant_a, request):
    offer = "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fissuer.example.test%2Foffer%2F1"
    with respx.mock(base_url=ISSUER) as mock, in_tenant(tenant_a):
        onboard = mock.post("/onboard/issuer").respond(json={"issuerKey": ISSUER_KEY, "issuerDid": "did:jwk:issuer1"})
        issue = mock.post("/openid4vc/jwt/issue").respond(text=offer, headers={"Content-Type": "text/plain"})
        issued = waltid.issue_credential(credential_type="kyc", subject_did="did:key:z6Mkabc",
                                         claims={"full_name": "Layla Haddad", "verification_level": "basic"},
                                         idempotency_key=request.node.name)
        waltid.issue_credential(credential_type="kyc", subject_did="did:key:z6Mkdef",
                                claims={"full_name": "Omar", "verification_level": "basic"},
                                idempotency_key=request.node.name + "-2")
    assert issued["offer_url"] == offer
    assert body_of(onboard.calls[0]) == {"key": {"backend": "jwk", "keyType": "Ed25519"}, "did": {"method": "jwk"}}
    assert onboard.call_count == 1 and IssuerIdentity.objects.filter(mode="live").count() == 1
    sent = body_of(issue.calls[0])
    assert sent["issuerKey"] == ISSUER_KEY and sent["issuerDid"] == "did:jwk:issuer1"
    assert sent["credentialConfigurationId"] == "KycCredential_jwt_vc_json"
    assert sent["credentialData"]["credentialSubject"] == {"id": "did:key:z6Mkabc", "full_name": "Layla Haddad",
                                                          "verification_level": "basic"}
    assert sent["credentialData"]["credentialStatus"]["statusListCredential"].endswith(f"/credentials/status/"
                                                                                      f"{issued['status_list'][-1]}")
    assert IssuedCredential.objects.get(credential_id=issued["credential_id"]).tenant_id == "alpha"


def test_an_unknown_credential_configuration_is_a_400_from_the_issuer(waltid, request):
    with respx.mock(base_url=ISSUER) as mock:
        mock.post("/onboard/issuer").respond(json={"issuerKey": ISSUER_KEY, "issuerDid": "did:jwk:issuer1"})
        route = mock.post("/openid4vc/jwt/issue").respond(400, json={
            "exception": True, "id": "IllegalArgumentException", "status": "Bad Request", "code": "400",
            "message": "No such credential configuration: BusinessLicenseCredential_jwt_vc_json"})
        with pytest.raises(errors.InvalidArgumentError) as raised:
            waltid.issue_credential(credential_type="business_license", subject_did="did:key:z6Mk1",
                                    claims={"business_name": "b", "license_number": "l", "issuing_authority": "a"},
                                    idempotency_key=request.node.name)
    assert route.call_count == 1 and raised.value.external_code == "IllegalArgumentException"
    assert "No such credential configuration" in raised.value.message


def test_kyc_opens_a_verifier_session_with_the_callback_headers(waltid, tenant_a, request):
    authorize = "openid4vp://authorize?response_type=vp_token&state=vs_1"
    with respx.mock(base_url=VERIFIER) as mock, in_tenant(tenant_a):
        route = mock.post("/openid4vc/verify").respond(text=authorize)
        started = waltid.start_kyc(entity_type="vendor", entity_id="ven_7", verification_level="basic",
                                   idempotency_key=request.node.name)
        session = mock.get(f"/openid4vc/session/{started['session_id']}").respond(json={
            "id": started["session_id"], "verificationResult": False,
            "policyResults": {"results": [{"credential": "VerifiableId", "policyResults": [
                {"policy": "signature", "is_success": True}, {"policy": "expired", "is_success": False}]}]}})
        view = waltid.get_verification(started["session_id"])
    headers = route.calls[0].request.headers
    callback = urlsplit(headers["statusCallbackUri"])
    context = {k: v[0] for k, v in parse_qs(callback.query).items()}
    assert callback.path == "/webhooks/waltid"
    assert context == {"tenant": "alpha", "kind": "kyc", "entity_type": "vendor", "entity_id": "ven_7", "level": "basic"}
    assert headers["stateId"] == started["session_id"] and headers["responseMode"] == "direct_post"
    assert headers["statusCallbackApiKey"] == credentials.callback_key(context, started["session_id"])
    assert body_of(route.calls[0]) == {"request_credentials": [{"format": "jwt_vc_json", "type": "VerifiableId"}],
                                       "vc_policies": ["signature", "expired", "not-before", "revoked-status-list"]}
    assert started["authorization_url"] == authorize and session.called
    assert view["status"] == "rejected" and view["failed_policies"] == ["expired"]


def test_walt_id_health_checks_issuer_and_verifier_livez(waltid):
    with respx.mock() as mock:
        mock.get(f"{ISSUER}/livez").respond(200)
        mock.get(f"{VERIFIER}/livez").respond(503)
        assert waltid.health_check() == {"healthy": False, "message": "down: verifier"}
