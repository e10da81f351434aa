"""Receiving a webhook: verify, de-duplicate, route to the tenant, write the outbox events.

`receive(system, body, headers, query)` is everything behind `POST /webhooks/<system>` once the
HTTP layer is passed (the sandboxes deliver through it too):

1. the system's module verifies the signature on the raw bytes → 401 when it fails;
2. the body must be a JSON object of the system's shape → 400 otherwise;
3. the event's id (or a key derived from it) is looked up among `WebhookReceipt`s → an event seen
   before answers 200 and changes nothing;
4. the system's `translate()` turns it into outbox events (`Signal`s) and names the tenant from
   the metadata the platform put on the object when it created it;
5. inside that tenant's schema, one transaction writes the receipt and the events with
   `workflows.outbox.emit` — the workflow engine routes them to the runs waiting on
   (event type, external id). Webhooks never call the engine directly.

Events the platform does not use are recorded as `ignored`; events whose tenant cannot be found
as `unroutable` (both answer 200 so the sender stops retrying, and both are visible in the admin).
"""
import hashlib
import json
import logging
import time
from dataclasses import dataclass, field
from importlib import import_module

from django.db import IntegrityError, transaction
from django.db.models import F
from django_tenants.utils import get_public_schema_name, schema_context

from integrations import metrics
from integrations.models import WebhookReceipt, WebhookStatus
from integrations.tenancy import schema_for_slug
from integrations.webhooks.base import InvalidSignature, MalformedWebhook

logger = logging.getLogger(__name__)

SYSTEMS = ("stripe", "erpnext", "fleetbase", "waltid")


@dataclass
class Outcome:
    status_code: int
    status: str
    detail: str = ""
    receipt_id: int | None = None
    signals: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return 200 <= self.status_code < 300

    def body(self) -> dict:
        return {"status": self.status, "detail": self.detail, "receipt": self.receipt_id,
                "events": [s["event_type"] for s in self.signals]}


def handler(system: str):
    if system not in SYSTEMS:
        raise LookupError(system)
    return import_module(f"integrations.{system}.webhooks")


def receive(system: str, body: bytes, headers, query=None) -> Outcome:
    module = handler(system)
    headers = {str(k).lower(): v for k, v in dict(headers).items()}
    query = query.dict() if hasattr(query, "dict") else dict(query or {})  # a QueryDict: one value per key
    try:
        module.verify(body, headers, query)
    except InvalidSignature as exc:
        metrics.WEBHOOKS_REJECTED.labels(system, "signature").inc()
        logger.warning("%s webhook refused: %s", system, exc)
        return Outcome(401, "rejected", str(exc))
    except MalformedWebhook as exc:
        metrics.WEBHOOKS_REJECTED.labels(system, "malformed").inc()
        return Outcome(400, "malformed", str(exc))
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        metrics.WEBHOOKS_REJECTED.labels(system, "malformed").inc()
        return Outcome(400, "malformed", "The body is not JSON.")
    return process(system, payload, query=query)


def process(system: str, payload, *, query=None, event_type: str | None = None) -> Outcome:
    """Handle a payload whose origin is already established (verified, or replayed by an operator)."""
    module = handler(system)
    query = dict(query or {})
    started = time.perf_counter()
    if not isinstance(payload, dict):
        metrics.WEBHOOKS_REJECTED.labels(system, "malformed").inc()
        return Outcome(400, "malformed", "The body must be a JSON object.")
    try:
        event_id, external_type = module.event_key(payload, query)
    except (MalformedWebhook, KeyError, TypeError, ValueError) as exc:
        metrics.WEBHOOKS_REJECTED.labels(system, "malformed").inc()
        return Outcome(400, "malformed", f"Not a {system} webhook: {exc}")
    external_type = (event_type or external_type)[:100]
    event_id = fit_aggregate_id(event_id, 200)
    seen = _count_duplicate(system, event_id)
    if seen is not None:
        return seen
    try:
        translation = module.translate(payload, query)
    except (MalformedWebhook, KeyError, TypeError, ValueError) as exc:
        metrics.WEBHOOKS_REJECTED.labels(system, "malformed").inc()
        return Outcome(400, "malformed", f"Not a {system} webhook: {exc}")
    outcome = _record(system, event_id, external_type, payload, translation)
    metrics.WEBHOOKS_RECEIVED.labels(system, external_type).inc()
    metrics.WEBHOOK_DURATION.labels(system, external_type).observe(time.perf_counter() - started)
    return outcome


def fit_aggregate_id(value: str, limit: int = 64) -> str:
    """External ids longer than the outbox column (an ERPNext customer name, say) are shortened
    deterministically: their head and a hash of the whole."""
    value = str(value)
    if len(value) <= limit:
        return value
    return f"{value[:limit - 9]}~{hashlib.sha256(value.encode()).hexdigest()[:8]}"


def _count_duplicate(system: str, event_id: str) -> Outcome | None:
    receipt = WebhookReceipt.objects.filter(system=system, event_id=event_id).first()
    if receipt is None:
        return None
    WebhookReceipt.objects.filter(pk=receipt.pk).update(duplicates=F("duplicates") + 1)
    return Outcome(200, "duplicate", "This event was received before; nothing was done again.", receipt.pk,
                   receipt.signals)


def _record(system: str, event_id: str, event_type: str, payload: dict, translation) -> Outcome:
    from workflows.outbox import emit

    schema = schema_for_slug(translation.tenant)
    if not translation.signals:
        status, detail = WebhookStatus.IGNORED, translation.detail or f"{event_type} is not used by the platform"
    elif schema is None:
        status, detail = WebhookStatus.UNROUTABLE, f"no active tenant {translation.tenant!r} for this event"
        logger.warning("%s webhook %s (%s) is unroutable: tenant %r", system, event_id, event_type,
                       translation.tenant)
    else:
        status, detail = WebhookStatus.PROCESSED, translation.detail
    written = []
    with schema_context(schema or get_public_schema_name()):
        try:
            with transaction.atomic():
                receipt = WebhookReceipt.objects.create(
                    system=system, event_id=event_id, event_type=event_type, status=status,
                    tenant_id=translation.tenant if schema else "", tenant_schema=schema or "",
                    payload=payload, detail=detail[:300])
                if status == WebhookStatus.PROCESSED:
                    for signal in translation.signals:
                        event = emit(signal.event_type, aggregate_type=signal.aggregate_type,
                                     aggregate_id=fit_aggregate_id(signal.aggregate_id), payload=signal.payload,
                                     causation_id=f"{system}:{event_id}"[:128], source_system=system)
                        written.append({"event_type": signal.event_type, "aggregate_type": signal.aggregate_type,
                                        "aggregate_id": signal.aggregate_id, "outbox_id": str(event.id)})
                    receipt.signals = written
                    receipt.save(update_fields=["signals"])
        except IntegrityError:  # the same event arrived concurrently and was recorded first
            return _count_duplicate(system, event_id) or Outcome(200, "duplicate")
    return Outcome(200, status, detail, receipt.pk, written)
