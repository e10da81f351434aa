"""The Walt.id sandbox: credentials with a platform-hosted status list, KYC sessions decided by a
sandbox control whose status callback becomes kyc.verification.* in the tenant's outbox."""
import base64
import json

import pytest
from django.core.management import call_command

from integrations import errors
from integrations.models import IssuedCredential
from integrations.waltid import credentials
from integrations.waltid.sandbox import WaltIdSandbox
from tests.integrations.conftest import outbox_for
from tests.support.tenants import host_client

pytestmark = pytest.mark.django_db

SUBJECT = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
LICENCE = {"business_name": "Souq Al-Zal Dates", "license_number": "CR-1010-4455", "issuing_authority": "MoC"}


@pytest.fixture
def waltid():
    return WaltIdSandbox()


def _jwt_payload(token: str) -> dict:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_issuing_a_business_licence_returns_an_offer_and_a_status_slot(waltid, request, alpha):
    issued = waltid.issue_credential(credential_type="business_license", subject_did=SUBJECT, claims=LICENCE,
                                     idempotency_key=request.node.name)
    assert issued["offer_url"].startswith("openid-credential-offer://?credential_offer_uri=")
    assert issued["credential_id"].startswith("urn:uuid:") and issued["status"] == "active"
    assert issued["status_list"].startswith("http://localhost:8000/credentials/status/")
    offer = waltid.store.all("credential_offer")[-1]
    document = offer["credential"]
    assert offer["configuration"] == "BusinessLicenseCredential_jwt_vc_json"
    assert document["type"] == ["VerifiableCredential", "BusinessLicenseCredential"]
    assert document["credentialSubject"] == {"id": SUBJECT, **LICENCE}
    assert document["credentialStatus"]["type"] == "StatusList2021Entry"
    assert document["credentialStatus"]["statusListIndex"] == str(issued["status_index"])
    again = waltid.issue_credential(credential_type="business_license", subject_did=SUBJECT, claims=LICENCE,
                                    idempotency_key=request.node.name)
    assert again["credential_id"] == issued["credential_id"]
    assert IssuedCredential.objects.filter(credential_id=issued["credential_id"], tenant_id="alpha").count() == 1


@pytest.mark.parametrize("credential_type, claims, subject, message", [
    ("driving_licence", {}, SUBJECT, "Unknown credential type"),
    ("business_license", {"business_name": "x"}, SUBJECT, "license_number, issuing_authority"),
    ("kyc", {"full_name": "x", "verification_level": "basic"}, "not-a-did", "subject_did must be a DID"),
])
def test_credentials_are_checked_before_issuing(waltid, request, credential_type, claims, subject, message):
    with pytest.raises(errors.SchemaValidationError, match=message):
        waltid.issue_credential(credential_type=credential_type, subject_did=subject, claims=claims,
                                idempotency_key=request.node.name)


def test_revoking_sets_the_credentials_bit_in_the_served_status_list(waltid, request, alpha, platform_client):
    issued = waltid.issue_credential(credential_type="professional_certification", subject_did=SUBJECT,
                                     claims={"holder_name": "Dr. Huda", "profession": "Pharmacist",
                                             "certificate_number": "SCFHS-77"}, idempotency_key=request.node.name)
    list_id = issued["status_list"].rsplit("/", 1)[1]
    before = platform_client.get(f"/credentials/status/{list_id}")
    assert before.status_code == 200 and before["Content-Type"] == "application/statuslist+jwt"
    encoded = _jwt_payload(before.content.decode())["vc"]["credentialSubject"]["encodedList"]
    assert credentials.is_revoked(encoded, issued["status_index"]) is False

    revoked = waltid.revoke_credential(issued["credential_id"], reason="licence withdrawn",
                                       idempotency_key=f"r-{request.node.name}")
    assert revoked["status"] == "revoked" and revoked["revocation_reason"] == "licence withdrawn"
    after = platform_client.get(f"/credentials/status/{list_id}")
    encoded = _jwt_payload(after.content.decode())["vc"]["credentialSubject"]["encodedList"]
    assert credentials.is_revoked(encoded, issued["status_index"]) is True
    assert platform_client.get("/credentials/status/999999").status_code == 404
    with pytest.raises(errors.InvalidArgumentError, match="No credential"):
        waltid.revoke_credential("urn:uuid:unknown", reason="x", idempotency_key="x")


def test_an_approved_kyc_becomes_kyc_verification_approved(waltid, request, alpha):
    started = waltid.start_kyc(entity_type="vendor", entity_id="ven_01", idempotency_key=request.node.name,
                               verification_level="enhanced")
    assert started["authorization_url"].startswith("openid4vp://authorize?")
    assert f"state={started['verification_id']}" in started["authorization_url"]
    assert waltid.get_verification(started["verification_id"])["status"] == "pending"
    assert outbox_for(started["verification_id"]) == []

    decided = waltid.decide(started["verification_id"], approve=True)
    assert decided["status"] == "approved"
    [event] = outbox_for(started["verification_id"])
    assert (event.event_type, event.aggregate_type, event.tenant_id) == (
        "kyc.verification.approved", "verification_session", "alpha")
    assert event.payload["entity_type"] == "vendor" and event.payload["entity_id"] == "ven_01"
    assert event.payload["verification_level"] == "enhanced"
    assert event.payload["verified_fields"] == ["VerifiableId", "ProofOfResidence"]


def test_a_rejected_kyc_names_the_failed_policy(waltid, request, alpha):
    started = waltid.start_kyc(entity_type="customer", entity_id="cus_9", idempotency_key=request.node.name)
    waltid.decide(started["verification_id"], approve=False, reason="revoked")
    [event] = outbox_for(started["verification_id"])
    assert event.event_type == "kyc.verification.rejected"
    assert event.payload["rejection_code"] == "revoked-status-list"
    assert event.payload["resubmission_allowed"] is True and event.payload["required_documents"] == ["VerifiableId"]
    assert waltid.get_verification(started["verification_id"])["failed_policies"] == ["revoked-status-list"]


def test_kyc_arguments_are_checked(waltid, request):
    with pytest.raises(errors.InvalidArgumentError, match="entity_type"):
        waltid.start_kyc(entity_type="robot", entity_id="r1", idempotency_key=request.node.name)


def test_the_admin_api_decides_a_sandbox_kyc_of_its_own_tenant_only(waltid, request, alpha, tenant_b,
                                                                   admin_token_headers):
    started = waltid.start_kyc(entity_type="vendor", entity_id="ven_api", idempotency_key=request.node.name)
    path = f"/admin/api/integrations/sandbox/waltid/sessions/{started['verification_id']}/reject"
    assert host_client("beta.localhost").post(path, {}, format="json", **admin_token_headers).status_code == 404
    assert host_client("alpha.localhost").post(path, {}, format="json").status_code == 401
    answer = host_client("alpha.localhost").post(path, {"reason": "expired"}, format="json", **admin_token_headers)
    assert answer.status_code == 200 and answer.json()["status"] == "rejected"
    assert answer.json()["failed_policies"] == ["expired"]
    assert [e.event_type for e in outbox_for(started["verification_id"])] == ["kyc.verification.rejected"]


def test_the_sandbox_command_approves_a_kyc(waltid, request, alpha, capsys):
    started = waltid.start_kyc(entity_type="driver", entity_id="drv_1", idempotency_key=request.node.name)
    call_command("integrations_sandbox", "kyc", "approve", started["verification_id"])
    assert '"status": "approved"' in capsys.readouterr().out
    assert [e.event_type for e in outbox_for(started["verification_id"])] == ["kyc.verification.approved"]
