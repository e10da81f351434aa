"""Walt.id (waltid-identity) over its issuer and verifier APIs (httpx).

| operation | request |
| --- | --- |
| create DID | issuer `POST /onboard/issuer` `{"key": {"backend": "jwk", "keyType"}, "did": {"method"}}` → `{issuerKey, issuerDid}` |
| issue | issuer `POST /openid4vc/jwt/issue` `{issuerKey, issuerDid, credentialConfigurationId, credentialData}` → text offer URL |
| sign | issuer `POST /raw/jwt/sign` `{issuerKey, issuerDid, subjectDid, credentialData}` → JWT |
| verify / KYC | verifier `POST /openid4vc/verify` (headers `authorizeBaseUrl`, `responseMode`, `stateId`, `statusCallbackUri`, `statusCallbackApiKey`) `{"request_credentials": [...], "vc_policies": [...]}` → text authorization URL |
| session | verifier `GET /openid4vc/session/{id}` |
| health | `GET /livez` on issuer and verifier |

Errors are `{"exception": true, "id": "<Class>", "status", "code", "message"}`. Issuer and
verifier have no authentication of their own; `WALTID_API_KEY`, when set, is sent as a bearer for
a gateway in front of them.
"""
import time

import httpx
from django.conf import settings

from integrations import policies
from integrations.http import HttpClient, generic_error, json_body
from integrations.waltid import credentials
from integrations.waltid.identity import IdentityBase


def map_response(response: httpx.Response):
    body = json_body(response)
    body = body if isinstance(body, dict) else {}
    message = body.get("message") or (response.text or "")[:300] or None
    return generic_error("waltid", response, message, external_code=body.get("id"))


def issuer_url() -> str:
    return settings.WALTID_ISSUER_URL or settings.WALTID_API_URL


def verifier_url() -> str:
    return settings.WALTID_VERIFIER_URL or settings.WALTID_API_URL


class WaltIdClient(IdentityBase):
    mode = "live"

    def __init__(self, *, issuer_base: str | None = None, verifier_base: str | None = None,
                 api_key: str | None = None, transport: httpx.BaseTransport | None = None, sleep=time.sleep,
                 budget: float | None = None):
        headers = {"Accept": "application/json, text/plain"}
        if api_key or settings.WALTID_API_KEY:
            headers["Authorization"] = f"Bearer {api_key or settings.WALTID_API_KEY}"
        common = {"system": "waltid", "headers": headers, "error_mapper": map_response, "transport": transport,
                  "sleep": sleep, "budget": budget}
        self.issuer = HttpClient(base_url=issuer_base or issuer_url(), **common)
        self.verifier = HttpClient(base_url=verifier_base or verifier_url(), **common)

    def is_configured(self) -> bool:
        return bool(issuer_url() and verifier_url())

    def health_check(self) -> dict:
        parts = {}
        for label, client in (("issuer", self.issuer), ("verifier", self.verifier)):
            try:
                parts[label] = client.probe("GET", "/livez").status_code == 200
            except httpx.HTTPError:
                parts[label] = False
        down = [label for label, ok in parts.items() if not ok]
        return {"healthy": not down, "message": "issuer and verifier live" if not down else f"down: {', '.join(down)}"}

    def setup(self) -> list[str]:
        identity = credentials.issuer(self, self.mode)
        return [f"issuer DID {identity.did[:48]}…"]

    # -- primitives ------------------------------------------------------------------------------
    def create_did(self, *, idempotency_key, method="jwk", key_type="Ed25519"):
        answer = self.issuer.request("POST", "/onboard/issuer", operation="create_did",
                                     policy=policies.IDENTITY_ISSUE,
                                     json={"key": {"backend": "jwk", "keyType": key_type}, "did": {"method": method}})
        body = answer.json()
        return {"did": body["issuerDid"], "key": body["issuerKey"]}

    def _send_offer(self, identity, document, credential_type):
        answer = self.issuer.request("POST", "/openid4vc/jwt/issue", operation="issue_credential",
                                     policy=policies.IDENTITY_ISSUE, json={
                                         "issuerKey": identity.key, "issuerDid": identity.did,
                                         "credentialConfigurationId": credentials.configuration_id(credential_type),
                                         "credentialData": document})
        return answer.text.strip()

    def sign_credential(self, document):
        identity = credentials.issuer(self, self.mode)
        answer = self.issuer.request("POST", "/raw/jwt/sign", operation="sign_credential",
                                     policy=policies.IDENTITY_ISSUE, json={
                                         "issuerKey": identity.key, "issuerDid": identity.did,
                                         "subjectDid": identity.did, "credentialData": document})
        return answer.text.strip()

    def _open_session(self, session_id, credential_types, context):
        answer = self.verifier.request("POST", "/openid4vc/verify", operation="verify_presentation",
                                       policy=policies.IDENTITY_VERIFY,
                                       json=credentials.request_body(credential_types), headers={
                                           "authorizeBaseUrl": "openid4vp://authorize", "responseMode": "direct_post",
                                           "stateId": session_id,
                                           "statusCallbackUri": credentials.callback_url(context),
                                           "statusCallbackApiKey": credentials.callback_key(context, session_id)})
        return answer.text.strip()

    def _session_info(self, session_id):
        return self.verifier.request("GET", f"/openid4vc/session/{session_id}", operation="get_verification",
                                     policy=policies.IDENTITY_VERIFY).json()
