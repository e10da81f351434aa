"""What the platform asks of its identity system, in Walt.id's terms.

KYC and presentation checks are verification sessions: `start_kyc` / `verify_presentation`
return the session id and the `openid4vp://` URL the holder's wallet opens; the outcome arrives
as an outbox event (`kyc.verification.approved|rejected`, `credential.presentation.verified|
rejected`; aggregate `verification_session`, id = session id) from Walt.id's status callback.
Credentials the platform issues carry a status-list entry hosted at
`/credentials/status/<list>`; `revoke_credential` sets its bit.
"""
from datetime import datetime
from typing import Protocol


class Identity(Protocol):
    name: str

    def is_configured(self) -> bool: ...

    def health_check(self) -> dict: ...

    def sync_entity(self, entity_type: str, entity_id: str, data: dict) -> dict: ...

    def handle_webhook(self, event: str, payload: dict) -> dict: ...

    def create_did(self, *, idempotency_key: str, method: str = "jwk", key_type: str = "Ed25519") -> dict:
        """`{"did", "key"}` (the key is a JWK with its private part: keep it secret)."""

    def issue_credential(self, *, credential_type: str, subject_did: str, claims: dict, idempotency_key: str,
                         valid_until: datetime | None = None) -> dict:
        """`credential_type`: business_license (business_name, license_number, issuing_authority), kyc
        (full_name, verification_level) or professional_certification (holder_name, profession,
        certificate_number). Returns `{"credential_id", "offer_url", "status", "status_list",
        "status_index", "issued_at", "valid_until", …}`."""

    def verify_presentation(self, *, credential_types: list[str], idempotency_key: str,
                            entity_type: str | None = None, entity_id: str | None = None) -> dict:
        """`{"session_id", "authorization_url", "status": "pending", "requested_credentials"}`."""

    def start_kyc(self, *, entity_type: str, entity_id: str, idempotency_key: str,
                  verification_level: str = "basic") -> dict:
        """`entity_type`: vendor, customer, company, driver; `verification_level`: basic, enhanced, full.
        Returns `{"verification_id", "session_id", "authorization_url", "status": "pending", …}`."""

    def get_verification(self, session_id: str) -> dict:
        """`{"session_id", "status": pending|approved|rejected, "verification_result", "failed_policies",
        "policy_results"}`."""

    def revoke_credential(self, credential_id: str, *, reason: str, idempotency_key: str) -> dict: ...
