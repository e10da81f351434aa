"""Webhooks sent by the sandboxes, delivered the way the real systems deliver theirs.

A sandbox that changes state queues the webhook its real counterpart would send (Stripe events,
Fleetbase order events, Frappe doc-event webhooks, the Walt.id status callback) as a
`SandboxObject` of kind `webhook_delivery`, committed on the sandbox connection like everything a
sandbox does. `deliver_pending()` serialises each body, signs it exactly as the real system signs
(`integrations.<system>.webhooks.sandbox_headers`) and hands it to
`integrations.webhooks.service.receive` — the code path behind `POST /webhooks/<system>` once the
HTTP layer is passed. Beat runs it every few seconds (`integrations.sandbox_tick`); tests and
sandbox controls call it directly.
"""
import json
import logging
import time

from django.db import transaction

from cityos.ids import new_id
from integrations.models import SandboxObject
from integrations.sandbox.store import ALIAS, SandboxStore

logger = logging.getLogger(__name__)

KIND = "webhook_delivery"
MAX_ATTEMPTS = 5


def enqueue(system: str, body: dict, *, query: dict | None = None, delay: float = 0.0) -> str:
    delivery_id = new_id("whd")
    SandboxStore(system).put(KIND, delivery_id, {
        "id": delivery_id, "body": body, "query": query or {}, "status": "pending", "attempts": 0,
        "deliver_after": time.time() + delay, "last_status": None})
    return delivery_id


def raw_body(body: dict) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


def _headers(system: str, raw: bytes, body: dict, query: dict) -> dict:
    from importlib import import_module

    return import_module(f"integrations.{system}.webhooks").sandbox_headers(raw, body, query)


def deliver_pending(*, system: str | None = None, delivery_ids: list[str] | None = None, limit: int = 200,
                    now: float | None = None) -> list[dict]:
    """Deliver due webhooks; returns `[{id, system, status_code, status}]` for each attempt."""
    from integrations.webhooks import service

    now = time.time() if now is None else now
    rows = SandboxObject.objects.using(ALIAS).filter(kind=KIND, data__status="pending").order_by("id")
    if system:
        rows = rows.filter(system=system)
    if delivery_ids is not None:
        rows = rows.filter(object_id__in=delivery_ids)
    results = []
    for row_id in list(rows.values_list("id", flat=True)[:limit]):
        with transaction.atomic(using=ALIAS):
            row = SandboxObject.objects.using(ALIAS).select_for_update(skip_locked=True).filter(id=row_id).first()
            if row is None or row.data["status"] != "pending" or row.data["deliver_after"] > now:
                continue
            data = row.data
            raw = raw_body(data["body"])
            outcome = service.receive(row.system, raw, _headers(row.system, raw, data["body"], data["query"]),
                                      data["query"])
            data["attempts"] += 1
            data["last_status"] = outcome.status_code
            if 200 <= outcome.status_code < 300:
                data["status"] = "delivered"
            elif data["attempts"] >= MAX_ATTEMPTS:
                data["status"] = "failed"
                logger.warning("sandbox %s webhook %s gave up after %d attempts (HTTP %s)", row.system,
                               row.object_id, data["attempts"], outcome.status_code)
            else:
                data["deliver_after"] = now + 2 ** data["attempts"]
            row.data = data
            row.save(using=ALIAS, update_fields=["data", "updated_at"])
        results.append({"id": row.object_id, "system": row.system, "status_code": outcome.status_code,
                        "status": outcome.status})
    return results


def pending(system: str | None = None) -> list[dict]:
    rows = SandboxObject.objects.using(ALIAS).filter(kind=KIND, data__status="pending").order_by("id")
    if system:
        rows = rows.filter(system=system)
    return [row.data for row in rows]
