"""Walt.id status callbacks: the verifier POSTs the session JSON with
`Authorization: Bearer <statusCallbackApiKey>` to the `statusCallbackUri` the platform gave it.

The platform's callback URI is `/webhooks/waltid?tenant=…&kind=kyc|presentation&entity_type=…&
entity_id=…&level=…`, and its key is an HMAC (SECRET_KEY) of that context and the session id — so
the bearer proves the callback is about that session of that tenant, and nothing else.

| session result | kind | outbox event (aggregate `verification_session`, id = session id) |
| --- | --- | --- |
| verificationResult true | kyc | kyc.verification.approved |
| verificationResult false | kyc | kyc.verification.rejected |
| verificationResult true / false | presentation | credential.presentation.verified / .rejected |
| null (pending) | any | — (ignored) |

De-duplicated on (session id, result).
"""
from integrations.waltid import credentials
from integrations.webhooks.base import (InvalidSignature, MalformedWebhook, Signal, Translation, constant_time_equal,
                                        now_iso)

CONTEXT_KEYS = ("tenant", "kind", "entity_type", "entity_id", "level")


def _context(query: dict) -> dict:
    return {key: str(query[key]) for key in CONTEXT_KEYS if query.get(key)}


def sandbox_headers(raw: bytes, body: dict, query: dict) -> dict:
    return {"Authorization": f"Bearer {credentials.callback_key(_context(query), body.get('id', ''))}",
            "Content-Type": "application/json"}


def verify(body: bytes, headers: dict, query: dict) -> None:
    import json

    authorization = headers.get("authorization") or ""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise InvalidSignature("The status callback carries no bearer key.")
    context = _context(query)
    if not context.get("tenant") or context.get("kind") not in ("kyc", "presentation"):
        raise InvalidSignature("The callback URL is not one the platform issued (tenant and kind are missing).")
    try:
        session = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise MalformedWebhook("The body is not JSON.") from None
    if not isinstance(session, dict) or not isinstance(session.get("id"), str):
        raise MalformedWebhook("expected a verification session with an id")
    if not constant_time_equal(token.strip(), credentials.callback_key(context, session["id"])):
        raise InvalidSignature("The bearer key does not belong to this session.")


def event_key(payload: dict, query: dict) -> tuple[str, str]:
    if not isinstance(payload.get("id"), str) or "verificationResult" not in payload:
        raise MalformedWebhook("expected a verification session (id, verificationResult)")
    result = payload["verificationResult"]
    state = "pending" if result is None else ("verified" if result else "failed")
    return f"{payload['id']}:{state}", f"session.{state}"


def translate(payload: dict, query: dict) -> Translation:
    context = _context(query)
    session_id, result = payload["id"], payload["verificationResult"]
    if result is None:
        return Translation(tenant=context.get("tenant"), detail="the session is still pending")
    requested = [d.get("id") for d in ((payload.get("presentationDefinition") or {}).get("input_descriptors") or [])
                 if isinstance(d, dict) and d.get("id")]
    failed = credentials.failed_policies(payload.get("policyResults"))
    at = now_iso()
    entity = {"entity_type": context.get("entity_type"), "entity_id": context.get("entity_id")}
    if context["kind"] == "kyc":
        if result:
            signal = Signal("kyc.verification.approved", "verification_session", session_id, {
                "verification_id": session_id, **entity, "verification_level": context.get("level") or "basic",
                "approved_at": at, "verified_fields": requested, "expiry_date": None})
        else:
            signal = Signal("kyc.verification.rejected", "verification_session", session_id, {
                "verification_id": session_id, **entity,
                "rejection_reason": "Failed verification policies: " + (", ".join(failed) or "unknown"),
                "rejection_code": failed[0] if failed else "verification_failed", "rejected_at": at,
                "resubmission_allowed": True, "required_documents": requested})
    else:
        name = "credential.presentation.verified" if result else "credential.presentation.rejected"
        signal = Signal(name, "verification_session", session_id, {
            "session_id": session_id, **entity, "verification_result": bool(result), "requested_credentials": requested,
            "failed_policies": failed, "at": at})
    return Translation(tenant=context.get("tenant"), signals=[signal])
