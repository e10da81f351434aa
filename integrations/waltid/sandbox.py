"""A deterministic, stateful stand-in for Walt.id's issuer and verifier.

- Onboarding makes an Ed25519-shaped JWK and its `did:jwk`; issuing checks the credential type and
  claims (as the real issuer's credential configurations would) and returns an
  `openid-credential-offer://` URL; the status list is signed with a sandbox key (HS256).
- A verification session (a KYC or any presentation request) stays pending until a sandbox
  control decides it: `decide(session_id, approve=True | False, reason=…)` sets the verification
  result and policy results as Walt.id's verifier would, then sends the status callback — the
  session JSON, `Authorization: Bearer <statusCallbackApiKey>` — to `/webhooks/waltid` through the
  webhook service. `manage.py integrations_sandbox kyc approve|reject <id>` and
  `POST /admin/api/integrations/sandbox/waltid/sessions/<id>/<decision>` drive it for demos.
"""
import base64
import hashlib
import hmac
import json
import secrets
import time
from urllib.parse import quote

from integrations import errors
from integrations.sandbox import webhooks as sandbox_webhooks
from integrations.sandbox.store import SandboxStore
from integrations.waltid import credentials
from integrations.waltid.identity import IdentityBase
from integrations.webhooks.base import derived_secret

DECLINE_POLICIES = {"expired": "expired", "revoked": "revoked-status-list", "signature": "signature",
                    "not_before": "not-before"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


class WaltIdSandbox(IdentityBase):
    mode = "sandbox"

    def __init__(self):
        self.store = SandboxStore("waltid")

    def is_configured(self) -> bool:
        return False

    def health_check(self) -> dict:
        return {"healthy": True, "message": "in-process Walt.id sandbox (sessions decided by sandbox controls)"}

    def setup(self) -> list[str]:
        return [f"issuer DID {credentials.issuer(self, self.mode).did[:48]}…"]

    # -- primitives ------------------------------------------------------------------------------
    def create_did(self, *, idempotency_key, method="jwk", key_type="Ed25519"):
        if key_type not in ("Ed25519", "secp256r1", "secp256k1", "RSA"):
            raise errors.InvalidArgumentError(f"Unsupported keyType {key_type}", system="waltid",
                                              external_code="IllegalArgumentException")
        if method not in ("jwk", "key", "web"):
            raise errors.InvalidArgumentError(f"Unsupported DID method {method}", system="waltid",
                                              external_code="IllegalArgumentException")

        def run():
            public = {"kty": "OKP", "crv": "Ed25519", "x": _b64(secrets.token_bytes(32))}
            kid = _b64(hashlib.sha256(json.dumps(public, sort_keys=True).encode()).digest())
            public["kid"] = kid
            did = ("did:jwk:" + _b64(json.dumps(public, separators=(",", ":")).encode()) if method == "jwk"
                   else f"did:{method}:z6Mk{kid[:44]}")
            key = {"type": "jwk", "jwk": {**public, "d": _b64(secrets.token_bytes(32))}}
            self.store.put("did", did[:100], {"did": did, "key_id": kid})
            return {"did": did, "key": key}

        return self.store.call("create_did", {"method": method, "key_type": key_type}, run)

    def _send_offer(self, identity, document, credential_type):
        def run():
            offer_id = secrets.token_hex(16)
            self.store.put("credential_offer", offer_id, {"id": offer_id, "credential": document,
                                                          "configuration": credentials.configuration_id(credential_type)})
            uri = f"https://issuer.sandbox.cityos/openid4vc/credentialOffer?id={offer_id}"
            return f"openid-credential-offer://?credential_offer_uri={quote(uri, safe='')}"

        return self.store.call("issue_credential", {"credential": document["id"]}, run)

    def sign_credential(self, document):
        identity = credentials.issuer(self, self.mode)
        header = {"alg": "HS256", "typ": "JWT", "kid": f"{identity.did[:80]}#sandbox"}
        payload = {"iss": identity.did, "sub": document.get("id"), "iat": int(time.time()), "vc": document}
        signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
        key = derived_secret("sandbox-waltid-signing").encode()
        return f"{signing_input}.{_b64(hmac.new(key, signing_input.encode(), hashlib.sha256).digest())}"

    def _open_session(self, session_id, credential_types, context):
        def run():
            session = {"id": session_id, "verificationResult": None, "policyResults": None, "tokenResponse": None,
                       "presentationDefinition": {"id": secrets.token_hex(8), "input_descriptors": [
                           {"id": t, "format": {"jwt_vc_json": {"alg": ["EdDSA"]}}} for t in credential_types]},
                       "context": context, "created": time.time()}
            self.store.put("session", session_id, session)
            return (f"openid4vp://authorize?response_type=vp_token&client_id=sandbox-verifier"
                    f"&response_mode=direct_post&state={session_id}"
                    f"&presentation_definition_uri={quote(f'https://verifier.sandbox.cityos/pd/{session_id}', safe='')}")

        return self.store.call("verify_presentation", {"session": session_id, "types": credential_types}, run)

    def _session_info(self, session_id):
        session = self.store.get("session", session_id)
        if session is None:
            raise errors.InvalidArgumentError(f"Invalid id provided (expired?): {session_id}", system="waltid",
                                              external_code="IllegalArgumentException")
        return {key: value for key, value in session.items() if key not in ("context", "created")}

    # -- sandbox controls ------------------------------------------------------------------------
    def decide(self, session_id: str, *, approve: bool, reason: str = "expired", deliver: bool = True) -> dict:
        """The holder presented (approve=True) or the presentation failed its policies (False).

        `reason` names the failed policy: expired, revoked, signature or not_before."""
        session = self.store.get("session", session_id)
        if session is None:
            raise errors.InvalidArgumentError(f"Invalid id provided (expired?): {session_id}", system="waltid",
                                              external_code="IllegalArgumentException")
        failed = None if approve else DECLINE_POLICIES.get(reason, "expired")
        results = []
        for descriptor in session["presentationDefinition"]["input_descriptors"]:
            results.append({"credential": descriptor["id"], "policyResults": [
                {"policy": policy, "description": policy, "is_success": policy != failed,
                 **({"error": f"{policy} check failed"} if policy == failed else {})}
                for policy in credentials.VC_POLICIES]})
        session.update(verificationResult=bool(approve),
                       policyResults={"results": results, "time": time.time(),
                                      "policiesRun": len(results) * len(credentials.VC_POLICIES)},
                       tokenResponse={"vp_token": "sandbox.vp.token", "presentation_submission": {
                           "descriptor_map": [{"id": r["credential"], "format": "jwt_vc_json"} for r in results]}})
        self.store.put("session", session_id, session)
        delivery = sandbox_webhooks.enqueue("waltid", self._session_info(session_id), query=session["context"])
        if deliver:
            sandbox_webhooks.deliver_pending(delivery_ids=[delivery])
        return credentials.session_view(session_id, self._session_info(session_id))
