"""What the Walt.id client and sandbox share: credential types and their claims, the W3C VC they
issue, the platform-hosted revocation status list, verification sessions and their callbacks.

Revocation: Walt.id's community stack leaves status lists to the issuer. Each credential the
platform issues carries a `StatusList2021Entry` pointing at `/credentials/status/<list>` on the
platform host; revoking sets the credential's bit there, and the list is served as a credential
signed by the platform's issuer key (through the adapter's `sign_credential`). Slots come from a
PostgreSQL sequence, so a slot is never handed out twice even when the issuing transaction rolls
back.
"""
import base64
import gzip
import hashlib
import hmac
from datetime import datetime, timezone
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone as dj_timezone

from integrations import errors
from integrations.models import CredentialStatus, IssuedCredential, IssuerIdentity
from integrations.tenancy import current_schema, current_slug

SYSTEM = "waltid"
LIST_SIZE = 131_072  # 16 KiB of bits, the minimum the status list specifications ask for
STATUS_SEQUENCE = "integrations_credential_status_seq"
CONTEXTS = ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/vc/status-list/2021/v1"]

CREDENTIAL_TYPES = {
    "business_license": ("BusinessLicenseCredential", ("business_name", "license_number", "issuing_authority")),
    "kyc": ("KycCredential", ("full_name", "verification_level")),
    "professional_certification": ("ProfessionalCertificationCredential",
                                   ("holder_name", "profession", "certificate_number")),
}
# Presentations the platform asks for when it verifies someone.
KYC_CREDENTIALS = {"basic": ["VerifiableId"], "enhanced": ["VerifiableId", "ProofOfResidence"],
                   "full": ["VerifiableId", "ProofOfResidence", "BankId"]}
VC_POLICIES = ["signature", "expired", "not-before", "revoked-status-list"]
ENTITY_TYPES = {"vendor", "customer", "company", "driver"}


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def configuration_id(credential_type: str) -> str:
    return f"{type_name(credential_type)}_jwt_vc_json"


def type_name(credential_type: str) -> str:
    if credential_type not in CREDENTIAL_TYPES:
        raise errors.SchemaValidationError(
            f"Unknown credential type {credential_type!r}; expected one of {sorted(CREDENTIAL_TYPES)}.",
            system=SYSTEM, external_code="unknown_credential_type", details={"field": "credential_type"})
    return CREDENTIAL_TYPES[credential_type][0]


def check_claims(credential_type: str, subject_did: str, claims: dict) -> None:
    type_name(credential_type)
    if not isinstance(subject_did, str) or not subject_did.startswith("did:"):
        raise errors.SchemaValidationError("subject_did must be a DID (did:…).", system=SYSTEM,
                                           external_code="invalid_subject", details={"field": "subject_did"})
    missing = [claim for claim in CREDENTIAL_TYPES[credential_type][1] if not (claims or {}).get(claim)]
    if missing:
        raise errors.SchemaValidationError(f"Missing claims for {credential_type}: {', '.join(missing)}.",
                                           system=SYSTEM, external_code="missing_claims",
                                           details={"fields": {claim: ["This claim is required."] for claim in missing}})


def platform_url(path: str) -> str:
    return settings.PLATFORM_BASE_URL.rstrip("/") + path


def credential_id_for(idempotency_key: str) -> str:
    digest = hashlib.sha256(f"{current_schema()}:{idempotency_key}".encode()).hexdigest()
    return f"urn:uuid:{digest[:8]}-{digest[8:12]}-5{digest[13:16]}-a{digest[17:20]}-{digest[20:32]}"


# -- the issuer --------------------------------------------------------------------------------
def issuer(adapter, mode: str) -> IssuerIdentity:
    """The platform's issuer DID and key, onboarded once per mode (live, sandbox)."""
    found = IssuerIdentity.objects.filter(name="platform", mode=mode).first()
    if found:
        return found
    onboarded = adapter.create_did(idempotency_key="platform-issuer")
    try:
        with transaction.atomic():
            return IssuerIdentity.objects.create(name="platform", mode=mode, did=onboarded["did"],
                                                 key=onboarded["key"])
    except IntegrityError:
        return IssuerIdentity.objects.get(name="platform", mode=mode)


# -- issuing -----------------------------------------------------------------------------------
def reserve_slot() -> tuple[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [STATUS_SEQUENCE])
        number = cursor.fetchone()[0] - 1
    return str(number // LIST_SIZE + 1), number % LIST_SIZE


def status_list_url(list_id: str) -> str:
    return platform_url(f"/credentials/status/{list_id}")


def credential_document(*, credential_id: str, credential_type: str, issuer_did: str, subject_did: str,
                        claims: dict, list_id: str, index: int, valid_until: datetime | None) -> dict:
    now = dj_timezone.now()
    document = {
        "@context": CONTEXTS, "id": credential_id, "type": ["VerifiableCredential", type_name(credential_type)],
        "issuer": {"id": issuer_did, "name": "CityOS"}, "issuanceDate": iso(now),
        "credentialSubject": {"id": subject_did, **claims},
        "credentialStatus": {"id": f"{status_list_url(list_id)}#{index}", "type": "StatusList2021Entry",
                             "statusPurpose": "revocation", "statusListIndex": str(index),
                             "statusListCredential": status_list_url(list_id)},
    }
    if valid_until:
        document["expirationDate"] = iso(valid_until)
    return document


def issue(adapter, mode: str, *, credential_type: str, subject_did: str, claims: dict, idempotency_key: str,
          valid_until: datetime | None, send) -> dict:
    """Shared issuing flow; `send(identity, document)` makes the system call and returns the offer URL."""
    check_claims(credential_type, subject_did, claims)
    credential_id = credential_id_for(idempotency_key)
    existing = IssuedCredential.objects.filter(credential_id=credential_id).first()
    if existing is not None:
        return describe(existing)
    identity = issuer(adapter, mode)
    list_id, index = reserve_slot()
    document = credential_document(credential_id=credential_id, credential_type=credential_type,
                                   issuer_did=identity.did, subject_did=subject_did, claims=claims,
                                   list_id=list_id, index=index, valid_until=valid_until)
    offer_url = send(identity, document)
    record = IssuedCredential.objects.create(
        credential_id=credential_id, credential_type=credential_type, subject_did=subject_did,
        tenant_id=current_slug(), tenant_schema=current_schema(), status_list=list_id, status_index=index,
        offer_url=offer_url, valid_until=valid_until)
    return describe(record)


def describe(record: IssuedCredential) -> dict:
    return {"credential_id": record.credential_id, "credential_type": record.credential_type,
            "subject_did": record.subject_did, "offer_url": record.offer_url, "status": record.status,
            "status_list": status_list_url(record.status_list), "status_index": record.status_index,
            "issued_at": iso(record.issued_at) if record.issued_at else None,
            "valid_until": iso(record.valid_until) if record.valid_until else None,
            "revoked_at": iso(record.revoked_at) if record.revoked_at else None,
            "revocation_reason": record.revocation_reason or None}


def revoke(credential_id: str, reason: str) -> dict:
    with transaction.atomic():
        record = IssuedCredential.objects.select_for_update().filter(credential_id=credential_id).first()
        if record is None:
            raise errors.InvalidArgumentError(f"No credential {credential_id} was issued by the platform.",
                                              system=SYSTEM, external_code="credential_not_found")
        if record.status != CredentialStatus.REVOKED:
            record.status = CredentialStatus.REVOKED
            record.revoked_at = dj_timezone.now()
            record.revocation_reason = (reason or "")[:300]
            record.save(update_fields=["status", "revoked_at", "revocation_reason"])
    return describe(record)


# -- the status list -----------------------------------------------------------------------------
def encoded_list(list_id: str) -> str:
    bits = bytearray(LIST_SIZE // 8)
    revoked = IssuedCredential.objects.filter(status_list=list_id, status=CredentialStatus.REVOKED)
    for index in revoked.values_list("status_index", flat=True):
        bits[index // 8] |= 0x80 >> (index % 8)
    return base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).decode().rstrip("=")


def is_revoked(encoded: str, index: int) -> bool:
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_document(list_id: str, issuer_did: str) -> dict:
    url = status_list_url(list_id)
    return {"@context": CONTEXTS, "id": url, "type": ["VerifiableCredential", "StatusList2021Credential"],
            "issuer": issuer_did, "issuanceDate": iso(dj_timezone.now()),
            "credentialSubject": {"id": f"{url}#list", "type": "StatusList2021", "statusPurpose": "revocation",
                                  "encodedList": encoded_list(list_id)}}


# -- verification sessions and their callback ----------------------------------------------------
def session_id_for(idempotency_key: str) -> str:
    return "vs_" + hashlib.sha256(f"{current_schema()}:{idempotency_key}".encode()).hexdigest()[:32]


def callback_context(*, kind: str, entity_type: str | None = None, entity_id: str | None = None,
                     level: str | None = None) -> dict:
    context = {"tenant": current_slug(), "kind": kind}
    for key, value in (("entity_type", entity_type), ("entity_id", entity_id), ("level", level)):
        if value:
            context[key] = str(value)
    return context


def callback_key(context: dict, session_id: str) -> str:
    """The bearer the status callback must carry: bound to its tenant, context and session."""
    canonical = urlencode(sorted(context.items()))
    message = f"waltid-callback|{canonical}|{session_id}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def callback_url(context: dict) -> str:
    return platform_url("/webhooks/waltid") + "?" + urlencode(context)


def check_kyc(entity_type: str, level: str) -> None:
    if entity_type not in ENTITY_TYPES:
        raise errors.InvalidArgumentError(f"entity_type must be one of {sorted(ENTITY_TYPES)}", system=SYSTEM,
                                          external_code="invalid_entity_type")
    if level not in KYC_CREDENTIALS:
        raise errors.InvalidArgumentError(f"verification_level must be one of {sorted(KYC_CREDENTIALS)}",
                                          system=SYSTEM, external_code="invalid_level")


def request_body(credential_types: list[str]) -> dict:
    return {"request_credentials": [{"format": "jwt_vc_json", "type": t} for t in credential_types],
            "vc_policies": VC_POLICIES}


def failed_policies(policy_results) -> list[str]:
    """Names of failed policies anywhere in Walt.id's `policyResults` tree."""
    failed = []

    def walk(node):
        if isinstance(node, dict):
            request = node.get("request") if isinstance(node.get("request"), dict) else {}
            name = node.get("policy") or request.get("policy")
            if isinstance(name, dict):
                name = name.get("name")
            if name and node.get("is_success") is False:
                failed.append(str(name))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(policy_results)
    return list(dict.fromkeys(failed))


def session_view(session_id: str, info: dict) -> dict:
    result = info.get("verificationResult")
    return {"session_id": session_id, "status": "pending" if result is None else ("approved" if result else "rejected"),
            "verification_result": result, "failed_policies": failed_policies(info.get("policyResults")),
            "policy_results": info.get("policyResults")}
