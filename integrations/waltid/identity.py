"""The Walt.id operations both implementations share, over a handful of system primitives."""
from datetime import datetime

from integrations import errors
from integrations.base import AdapterBase
from integrations.waltid import credentials


class IdentityBase(AdapterBase):
    name = "waltid"
    mode = "live"
    SYNC_OPERATIONS = {"credential": "issue_credential"}

    def external_id_of(self, entity_type: str, response: dict) -> str | None:
        return response.get("credential_id")

    # -- primitives ------------------------------------------------------------------------------
    def create_did(self, *, idempotency_key: str, method: str = "jwk", key_type: str = "Ed25519") -> dict:
        """A new key and its DID (`{"did", "key"}`): Walt.id's issuer onboarding."""
        raise NotImplementedError

    def _send_offer(self, identity, document: dict, credential_type: str) -> str:
        raise NotImplementedError

    def _open_session(self, session_id: str, credential_types: list[str], context: dict) -> str:
        raise NotImplementedError

    def _session_info(self, session_id: str) -> dict:
        raise NotImplementedError

    def sign_credential(self, document: dict) -> str:
        """The credential as a JWT signed with the platform issuer's key."""
        raise NotImplementedError

    # -- operations ------------------------------------------------------------------------------
    def issue_credential(self, *, credential_type: str, subject_did: str, claims: dict, idempotency_key: str,
                         valid_until: datetime | None = None) -> dict:
        """Offer a credential (`business_license`, `kyc`, `professional_certification`) to `subject_did`.

        Returns `{"credential_id", "offer_url", "status", "status_list", "status_index", …}`; the same
        idempotency key returns the credential issued the first time."""
        return credentials.issue(self, self.mode, credential_type=credential_type, subject_did=subject_did,
                                 claims=claims, idempotency_key=idempotency_key, valid_until=valid_until,
                                 send=lambda identity, document: self._send_offer(identity, document,
                                                                                   credential_type))

    def revoke_credential(self, credential_id: str, *, reason: str, idempotency_key: str) -> dict:
        """Set the credential's bit in the platform-hosted status list (revoking twice changes nothing)."""
        return credentials.revoke(credential_id, reason)

    def verify_presentation(self, *, credential_types: list[str], idempotency_key: str,
                            entity_type: str | None = None, entity_id: str | None = None) -> dict:
        """Open a verification session asking the holder to present `credential_types`.

        Returns `{"session_id", "authorization_url", "status": "pending"}`; the outcome arrives as the
        outbox event `credential.presentation.verified` / `.rejected` (aggregate verification_session)."""
        if not credential_types:
            raise errors.InvalidArgumentError("Name at least one credential type to request.", system="waltid",
                                              external_code="no_credentials_requested")
        context = credentials.callback_context(kind="presentation", entity_type=entity_type, entity_id=entity_id)
        return self._start(idempotency_key, list(credential_types), context)

    def start_kyc(self, *, entity_type: str, entity_id: str, idempotency_key: str,
                  verification_level: str = "basic") -> dict:
        """Start a KYC: a verification session for the identity credentials of `verification_level`.

        The outcome arrives as `kyc.verification.approved` / `kyc.verification.rejected`
        (aggregate verification_session, id = the returned `verification_id`)."""
        credentials.check_kyc(entity_type, verification_level)
        context = credentials.callback_context(kind="kyc", entity_type=entity_type, entity_id=entity_id,
                                               level=verification_level)
        started = self._start(idempotency_key, credentials.KYC_CREDENTIALS[verification_level], context)
        return {**started, "verification_id": started["session_id"]}

    def _start(self, idempotency_key: str, credential_types: list[str], context: dict) -> dict:
        if not idempotency_key:
            raise errors.InvalidArgumentError("An idempotency key is required.", system="waltid",
                                              external_code="idempotency_key_missing")
        session_id = credentials.session_id_for(idempotency_key)
        url = self._open_session(session_id, credential_types, context)
        return {"session_id": session_id, "authorization_url": url, "status": "pending",
                "requested_credentials": credential_types}

    def get_verification(self, session_id: str) -> dict:
        return credentials.session_view(session_id, self._session_info(session_id))

    def signed_status_list(self, list_id: str) -> str:
        identity = credentials.issuer(self, self.mode)
        return self.sign_credential(credentials.status_list_document(list_id, identity.did))
