"""ERPNext (Frappe) webhooks: `X-Frappe-Webhook-Signature` = base64 HMAC-SHA256 of the raw body.

Frappe sends what the Webhook document's JSON template renders; the template the platform expects
is in docs/integrations.md (doctype, name, event, modified, docstatus, cityos_tenant,
cityos_reference, doc). Frappe sends no event id or timestamp, so an event is identified by
(doctype, name, event, modified). Outbox events are named `erp.<doctype>.<event>`:
`erp.sales_invoice.submitted`, `erp.payment_entry.cancelled`, `erp.stock_entry.submitted`, …
with the document as aggregate.
"""
import base64
import hashlib
import hmac
import re

from django.conf import settings

from integrations import registry
from integrations.webhooks.base import (InvalidSignature, MalformedWebhook, Signal, Translation, constant_time_equal,
                                        derived_secret)

HEADER = "x-frappe-webhook-signature"
EVENTS = {"after_insert": "created", "on_update": "updated", "on_submit": "submitted", "on_cancel": "cancelled",
          "on_trash": "deleted", "on_update_after_submit": "updated", "on_change": "changed"}


def secret() -> str | None:
    if settings.ERPNEXT_WEBHOOK_SECRET:
        return settings.ERPNEXT_WEBHOOK_SECRET
    if registry.mode("erpnext") == "sandbox":
        return derived_secret("sandbox-webhook:erpnext")
    return None


def signature(raw: bytes, key: str) -> str:
    return base64.b64encode(hmac.new(key.encode("utf8"), raw, hashlib.sha256).digest()).decode()


def sandbox_headers(raw: bytes, body: dict, query: dict) -> dict:
    return {"X-Frappe-Webhook-Signature": signature(raw, secret()), "Content-Type": "application/json"}


def verify(body: bytes, headers: dict, query: dict) -> None:
    key = secret()
    if not key:
        raise InvalidSignature("ERPNEXT_WEBHOOK_SECRET is not set: ERPNext webhooks cannot be verified.")
    given = headers.get(HEADER)
    if not given:
        raise InvalidSignature("The X-Frappe-Webhook-Signature header is missing.")
    if not constant_time_equal(given.strip(), signature(body, key)):
        raise InvalidSignature("X-Frappe-Webhook-Signature does not match the body.")


def _snake(doctype: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", doctype.lower()).strip("_")


def event_key(payload: dict, query: dict) -> tuple[str, str]:
    for field in ("doctype", "name", "event"):
        if not isinstance(payload.get(field), str) or not payload[field]:
            raise MalformedWebhook(f"missing {field!r}")
    if payload["event"] not in EVENTS:
        raise MalformedWebhook(f"unknown doc event {payload['event']!r}")
    key = f"{payload['doctype']}:{payload['name']}:{payload['event']}:{payload.get('modified') or ''}"
    return key, f"{_snake(payload['doctype'])}.{payload['event']}"


def translate(payload: dict, query: dict) -> Translation:
    doctype = _snake(payload["doctype"])
    name = payload["name"]
    signal = Signal(f"erp.{doctype}.{EVENTS[payload['event']]}", doctype, name, {
        "doctype": payload["doctype"], "name": name, "event": payload["event"],
        "docstatus": payload.get("docstatus"), "modified": payload.get("modified"),
        "reference": payload.get("cityos_reference"), "doc": payload.get("doc") or {}})
    return Translation(tenant=payload.get("cityos_tenant"), signals=[signal])
