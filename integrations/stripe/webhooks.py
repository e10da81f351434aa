"""Stripe webhooks: `Stripe-Signature` verified by the SDK (300 s tolerance), events → signals.

| Stripe event | outbox event (aggregate) |
| --- | --- |
| payment_intent.succeeded | payment.intent.captured (payment_intent) |
| payment_intent.payment_failed | payment.intent.failed (payment_intent) |
| payment_intent.requires_action | payment.intent.requires_action (payment_intent) |
| payment_intent.amount_capturable_updated | payment.intent.authorized (payment_intent) |
| payment_intent.canceled | payment.intent.canceled (payment_intent) |
| refund.created / refund.updated → succeeded | payment.refund.completed (refund) |
| refund.failed / refund.updated → failed | payment.refund.failed (refund) |
| transfer.created | payment.transfer.completed (transfer) |
| transfer.reversed | payment.transfer.reversed (transfer) |
| payout.paid / payout.failed | payment.payout.paid / payment.payout.failed (payout) |
| account.updated | payment.account.updated (account) |

The tenant is `data.object.metadata.cityos_tenant`, which every create call of the platform sets.
"""
import hashlib
import hmac
import time
from datetime import timedelta

import stripe
from django.conf import settings

from cityos.money import from_minor
from integrations import registry
from integrations.tenancy import TENANT_KEY
from integrations.webhooks.base import (InvalidSignature, MalformedWebhook, Signal, Translation, derived_secret,
                                        iso_from_unix)

TOLERANCE = 300
RETRYABLE_DECLINES = {"try_again_later", "processing_error", "issuer_not_available", "reenter_transaction",
                      "approve_with_id"}


def secret() -> str | None:
    if settings.STRIPE_WEBHOOK_SECRET:
        return settings.STRIPE_WEBHOOK_SECRET
    if registry.mode("stripe") == "sandbox":
        return "whsec_" + derived_secret("sandbox-webhook:stripe")[:32]
    return None


def signature_header(raw: bytes, key: str, timestamp: int | None = None) -> str:
    """`t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, as Stripe signs."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + raw
    return f"t={timestamp},v1={hmac.new(key.encode(), signed, hashlib.sha256).hexdigest()}"


def sandbox_headers(raw: bytes, body: dict, query: dict) -> dict:
    return {"Stripe-Signature": signature_header(raw, secret()), "Content-Type": "application/json"}


def verify(body: bytes, headers: dict, query: dict) -> None:
    key = secret()
    if not key:
        raise InvalidSignature("STRIPE_WEBHOOK_SECRET is not set: Stripe webhooks cannot be verified.")
    header = headers.get("stripe-signature")
    if not header:
        raise InvalidSignature("The Stripe-Signature header is missing.")
    try:
        stripe.Webhook.construct_event(body, header, key, tolerance=TOLERANCE)
    except stripe.SignatureVerificationError as exc:
        raise InvalidSignature(f"Stripe-Signature does not verify: {exc.user_message or exc}") from None
    except (ValueError, AttributeError, TypeError) as exc:  # signed, but not a JSON event object
        raise MalformedWebhook(f"The body is not a Stripe event: {exc}") from None


def event_key(payload: dict, query: dict) -> tuple[str, str]:
    if payload.get("object") != "event" or not payload.get("id") or not payload.get("type"):
        raise MalformedWebhook("expected a Stripe event object with an id and a type")
    if not isinstance(payload.get("data"), dict) or not isinstance(payload["data"].get("object"), dict):
        raise MalformedWebhook("expected data.object")
    return payload["id"], payload["type"]


def _money(obj: dict, field: str = "amount") -> dict:
    currency = (obj.get("currency") or "").upper()
    minor = int(obj.get(field) or 0)
    return {"amount": str(from_minor(minor, currency)) if currency else str(minor), "amount_minor": minor,
            "currency_code": currency}


def _intent_signals(event_type: str, obj: dict, at: str) -> list[Signal]:
    intent_id = obj["id"]

    def signal(name, payload):
        return [Signal(name, "payment_intent", intent_id, {"payment_intent_id": intent_id, "gateway": "stripe",
                                                            **payload})]

    if event_type == "payment_intent.succeeded":
        return signal("payment.intent.captured", {**_money(obj, "amount_received"), "captured_at": at,
                                                   "metadata": obj.get("metadata") or {}})
    if event_type == "payment_intent.payment_failed":
        error = obj.get("last_payment_error") or {}
        decline = error.get("decline_code")
        return signal("payment.intent.failed", {
            "error_code": error.get("code") or "payment_failed", "error_message": error.get("message") or "",
            "decline_reason": decline, "failed_at": at, "retryable": decline in RETRYABLE_DECLINES})
    if event_type == "payment_intent.requires_action":
        action = obj.get("next_action") or {}
        redirect = (action.get("redirect_to_url") or {}).get("url")
        created = obj.get("created") or int(time.time())
        return signal("payment.intent.requires_action", {
            "action_type": "redirect" if redirect else "3ds", "action_url": redirect,
            "expires_at": iso_from_unix(created + int(timedelta(hours=24).total_seconds()))})
    if event_type == "payment_intent.amount_capturable_updated":
        return signal("payment.intent.authorized", {**_money(obj, "amount_capturable"), "authorized_at": at})
    if event_type == "payment_intent.canceled":
        return signal("payment.intent.canceled", {"cancellation_reason": obj.get("cancellation_reason"),
                                                  "canceled_at": at})
    return []


def _refund_signals(event_type: str, obj: dict, previous: dict, at: str) -> list[Signal]:
    status = obj.get("status")
    changed = event_type == "refund.created" or "status" in previous or event_type == "refund.failed"
    if not changed:
        return []
    common = {"refund_id": obj["id"], "payment_intent_id": obj.get("payment_intent")}
    if status == "succeeded":
        return [Signal("payment.refund.completed", "refund", obj["id"], {
            **common, **_money(obj), "reason": obj.get("reason") or "requested_by_customer", "refunded_at": at})]
    if status in ("failed", "canceled"):
        return [Signal("payment.refund.failed", "refund", obj["id"], {
            **common, "error_code": obj.get("failure_reason") or status,
            "error_message": f"The refund {status}" + (f": {obj['failure_reason']}" if obj.get("failure_reason") else ""),
            "failed_at": at})]
    return []


def translate(payload: dict, query: dict) -> Translation:
    event_type = payload["type"]
    obj = payload["data"]["object"]
    previous = payload["data"].get("previous_attributes") or {}
    at = iso_from_unix(payload.get("created")) or iso_from_unix(time.time())
    tenant = (obj.get("metadata") or {}).get(TENANT_KEY)
    kind = event_type.split(".", 1)[0]
    if kind == "payment_intent":
        signals = _intent_signals(event_type, obj, at)
    elif kind == "refund":
        signals = _refund_signals(event_type, obj, previous, at)
    elif event_type in ("transfer.created", "transfer.reversed"):
        name = "payment.transfer.completed" if event_type == "transfer.created" else "payment.transfer.reversed"
        signals = [Signal(name, "transfer", obj["id"], {
            "transfer_id": obj["id"], "source_account": payload.get("account") or "platform",
            "destination_account": obj.get("destination"), **_money(obj), "transferred_at": at})]
    elif event_type in ("payout.paid", "payout.failed"):
        signals = [Signal(f"payment.{event_type}", "payout", obj["id"], {
            "payout_id": obj["id"], "account": payload.get("account"), **_money(obj), "status": obj.get("status"),
            "failure_code": obj.get("failure_code"), "at": at})]
    elif event_type == "account.updated":
        signals = [Signal("payment.account.updated", "account", obj["id"], {
            "account_id": obj["id"], "charges_enabled": bool(obj.get("charges_enabled")),
            "payouts_enabled": bool(obj.get("payouts_enabled")),
            "details_submitted": bool(obj.get("details_submitted")), "updated_at": at})]
    else:
        signals = []
    return Translation(tenant=tenant, signals=signals)
