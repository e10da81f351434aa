"""Sync tracking (seeds 003 §9.5): every push of a platform entity to an external system is a
`SyncEntry`, de-duplicated by payload hash, retried when it failed, visible to operators.

- `request_sync(system, entity_type, entity_id, data)` records the entry and runs it now. The same
  payload for the same entity again returns the existing entry without calling the system (a
  succeeded or running sync is not repeated; a failed one is run again).
- A failed sync whose error is retryable becomes `retrying` with `next_retry_at` from the
  system's retry policy (or the system's `Retry-After`); `retry_due()` (beat, every 30 min) runs
  those that are due, until `max_retries` is spent — then the entry is `failed` and waits for an
  operator (`retry_failed_syncs`, `POST /admin/api/integrations/retry-failed`).
- `reconcile()` (every 6 h) recovers entries left `in_progress` or `pending` by a crashed worker;
  `purge_completed()` (daily) removes succeeded entries and webhook receipts older than 30 days.

The adapter runs inside the entry's tenant schema, so what it creates carries that tenant.
"""
import hashlib
import json
import logging
import time
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django_tenants.utils import schema_context

from integrations import metrics, policies, registry
from integrations.circuit import breaker
from integrations.models import SandboxObject, SyncDirection, SyncEntry, SyncStatus, WebhookReceipt
from integrations.sandbox.store import ALIAS
from integrations.tenancy import current_schema, current_slug

logger = logging.getLogger(__name__)

OPEN_STATUSES = (SyncStatus.PENDING, SyncStatus.IN_PROGRESS, SyncStatus.RETRYING, SyncStatus.FAILED)
STALE_AFTER = timedelta(minutes=15)
KEEP_COMPLETED = timedelta(days=30)


def canonical(data) -> dict:
    """The payload as stored: JSON-safe (Decimals and dates become strings)."""
    return json.loads(json.dumps(data or {}, default=str))


def payload_hash(data) -> str:
    return hashlib.sha256(json.dumps(canonical(data), sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def request_sync(system: str, entity_type: str, entity_id: str, data: dict, *,
                 direction: str = SyncDirection.OUTBOUND, correlation_id: str = "", node_id: str = "",
                 max_retries: int = 3) -> SyncEntry:
    if system not in registry.SYSTEMS:
        raise LookupError(f"unknown system {system!r}")
    payload = canonical(data)
    with transaction.atomic():
        entry, created = SyncEntry.objects.select_for_update().get_or_create(
            tenant_schema=current_schema(), system=system, direction=direction, entity_type=entity_type,
            entity_id=str(entity_id), payload_hash=payload_hash(payload),
            defaults={"payload": payload, "tenant_id": current_slug(), "correlation_id": correlation_id or "",
                      "node_id": node_id or "", "max_retries": max_retries})
        if not created and entry.status in (SyncStatus.SUCCESS, SyncStatus.IN_PROGRESS):
            metrics.SYNC_OPERATIONS.labels(system, entity_type, direction, "deduplicated").inc()
            entry.deduplicated = True
            return entry
    entry.deduplicated = False
    return run(entry) if created else _retry(entry)


def run(entry: SyncEntry) -> SyncEntry:
    """Call the adapter for one entry and record the outcome."""
    SyncEntry.objects.filter(pk=entry.pk).update(status=SyncStatus.IN_PROGRESS, updated_at=timezone.now())
    started = time.perf_counter()
    with schema_context(entry.tenant_schema):
        try:
            outcome = registry.get(entry.system).sync_entity(entry.entity_type, entry.entity_id, entry.payload)
        except Exception as exc:  # an adapter bug must not leave the entry in progress forever
            logger.exception("sync %s raised", entry.pk)
            outcome = {"success": False, "error": f"{type(exc).__name__}: {exc}", "error_class": type(exc).__name__,
                       "retryable": False}
    metrics.SYNC_DURATION.labels(entry.system, entry.entity_type).observe(time.perf_counter() - started)
    now = timezone.now()
    if outcome.get("success"):
        entry.status, entry.completed_at = SyncStatus.SUCCESS, now
        entry.external_id = str(outcome.get("external_id") or "")[:140]
        entry.error_class = entry.error_message = ""
        entry.next_retry_at = None
    else:
        entry.error_class = outcome.get("error_class") or "ExternalAPIError"
        entry.error_message = outcome.get("error") or "unknown error"
        metrics.SYNC_FAILURES.labels(entry.system, entry.entity_type, entry.error_class).inc()
        if outcome.get("retryable") and entry.retry_count < entry.max_retries:
            policy = policies.BY_SYSTEM.get(entry.system, policies.DEFAULT)
            delay = max(policy.delay_before(entry.retry_count + 2), float(outcome.get("retry_after") or 0))
            entry.status, entry.next_retry_at = SyncStatus.RETRYING, now + timedelta(seconds=delay)
        else:
            entry.status, entry.next_retry_at = SyncStatus.FAILED, None
    entry.save(update_fields=["status", "completed_at", "external_id", "error_class", "error_message",
                              "next_retry_at", "retry_count", "updated_at"])
    metrics.SYNC_OPERATIONS.labels(entry.system, entry.entity_type, entry.direction, entry.status).inc()
    return entry


def _retry(entry: SyncEntry) -> SyncEntry:
    entry.retry_count += 1
    metrics.SYNC_RETRIES.labels(entry.system, entry.entity_type).inc()
    return run(entry)


def _claim(queryset, limit: int | None):
    """Entries to retry, each claimed by one process (rows locked while being marked in progress)."""
    ids = list(queryset.order_by("next_retry_at", "created_at").values_list("pk", flat=True)[:limit])
    for pk in ids:
        with transaction.atomic():
            entry = SyncEntry.objects.select_for_update(skip_locked=True).filter(
                pk=pk, status__in=(SyncStatus.RETRYING, SyncStatus.FAILED, SyncStatus.PENDING)).first()
            if entry is None:
                continue
            SyncEntry.objects.filter(pk=pk).update(status=SyncStatus.IN_PROGRESS)
        yield entry


def retry_due(*, limit: int | None = 500, progress=None) -> dict:
    """Beat: run the `retrying` entries whose `next_retry_at` has come."""
    due = SyncEntry.objects.filter(status=SyncStatus.RETRYING, next_retry_at__lte=timezone.now())
    return _retry_all(_claim(due, limit), progress)


def retry_failed(*, system: str | None = None, tenant_schema: str | None = None, limit: int | None = None,
                 progress=None) -> dict:
    """Operators: run every failed or retrying entry now, even those whose retries were spent."""
    entries = SyncEntry.objects.filter(status__in=(SyncStatus.FAILED, SyncStatus.RETRYING))
    if system:
        entries = entries.filter(system=system)
    if tenant_schema:
        entries = entries.filter(tenant_schema=tenant_schema)
    return _retry_all(_claim(entries, limit), progress, extend=True)


def retry_entries(pks, *, progress=None) -> dict:
    """Operators: run these failed or retrying entries now."""
    return _retry_all(_claim(SyncEntry.objects.filter(pk__in=list(pks)), None), progress, extend=True)


def _retry_all(entries, progress, extend: bool = False) -> dict:
    counts = {"retried": 0, "succeeded": 0, "failed": 0, "retrying": 0}
    for entry in entries:
        if extend and entry.retry_count >= entry.max_retries:
            entry.max_retries = entry.retry_count + 1
            SyncEntry.objects.filter(pk=entry.pk).update(max_retries=entry.max_retries)
        entry = _retry(entry)
        counts["retried"] += 1
        key = {"success": "succeeded", "retrying": "retrying"}.get(entry.status, "failed")
        counts[key] += 1
        if progress:
            progress(entry)
    return counts


def reconcile(*, now=None) -> dict:
    """Recover entries a crashed worker left behind, and report each system's health."""
    now = now or timezone.now()
    stale = SyncEntry.objects.filter(status=SyncStatus.IN_PROGRESS, updated_at__lt=now - STALE_AFTER)
    recovered = stale.update(status=SyncStatus.RETRYING, next_retry_at=now, error_class="ReconciliationError",
                             error_message="left in progress (the worker stopped); queued for retry")
    forgotten = SyncEntry.objects.filter(status=SyncStatus.PENDING, created_at__lt=now - STALE_AFTER)
    rerun = _retry_all(_claim(forgotten, 500), None)["retried"]
    health = {system: entry.get("healthy", False) for system, entry in registry.health_report().items()}
    summary = {"recovered_in_progress": recovered, "rerun_pending": rerun, "healthy": health}
    logger.info("integrations reconciliation: %s", summary)
    return summary


def purge_completed(*, older_than: timedelta = KEEP_COMPLETED) -> dict:
    cutoff = timezone.now() - older_than
    entries, _ = SyncEntry.objects.filter(status=SyncStatus.SUCCESS, completed_at__lt=cutoff).delete()
    receipts, _ = WebhookReceipt.objects.filter(received_at__lt=cutoff).delete()
    deliveries, _ = SandboxObject.objects.using(ALIAS).filter(kind="webhook_delivery", updated_at__lt=cutoff).exclude(
        data__status="pending").delete()
    return {"sync_entries": entries, "webhook_receipts": receipts, "sandbox_deliveries": deliveries}


def oldest_open_entries() -> list[tuple[str, str, float]]:
    """(system, entity_type, age in seconds of the oldest unfinished entry) for `sync_lag_seconds`."""
    now = timezone.now()
    rows = (SyncEntry.objects.filter(status__in=OPEN_STATUSES).values("system", "entity_type")
            .annotate(oldest=Min("created_at")))
    return [(row["system"], row["entity_type"], (now - row["oldest"]).total_seconds()) for row in rows]


def dashboard(tenant_schema: str | None = None) -> dict:
    """Per-system counts, failed syncs, circuit states, webhook and outbox figures."""
    from workflows.models import EventOutbox, OutboxStatus

    entries = SyncEntry.objects.all()
    receipts = WebhookReceipt.objects.all()
    outbox = EventOutbox.objects.all()
    if tenant_schema:
        entries = entries.filter(tenant_schema=tenant_schema)
        receipts = receipts.filter(tenant_schema=tenant_schema)
        outbox = outbox.filter(tenant_schema=tenant_schema)
    counts = {}
    for row in entries.values("system", "status").annotate(n=Count("pk")):
        counts.setdefault(row["system"], {})[row["status"]] = row["n"]
    last_success = dict(entries.filter(status=SyncStatus.SUCCESS).values_list("system").annotate(at=Max("completed_at")))
    day_ago = timezone.now() - timedelta(days=1)
    webhooks = {}
    for row in receipts.filter(received_at__gte=day_ago).values("system").annotate(
            total=Count("pk"), unroutable=Count("pk", filter=Q(status="unroutable"))):
        webhooks[row["system"]] = {"last_24h": row["total"], "unroutable_24h": row["unroutable"]}
    health = metrics.cached_health_report()
    systems = {}
    for system in registry.SYSTEMS:
        entry = health.get(system, {})
        systems[system] = {  # mode and circuit read now; the health check itself is cached 30 s
            "mode": registry.mode(system), "healthy": entry.get("healthy"), "message": entry.get("message"),
            "circuit": breaker(system).snapshot(),
            "syncs": {status: counts.get(system, {}).get(status, 0) for status in SyncStatus.values},
            "last_success_at": last_success.get(system),
            "webhooks": webhooks.get(system, {"last_24h": 0, "unroutable_24h": 0}),
        }
    failed = entries.filter(status__in=(SyncStatus.FAILED, SyncStatus.RETRYING)).order_by("-updated_at")[:20]
    oldest_pending = outbox.filter(status=OutboxStatus.PENDING).aggregate(at=Min("created_at"))["at"]
    backlog = {status: n for status, n in outbox.exclude(status=OutboxStatus.DELIVERED).values_list("status")
               .annotate(n=Count("pk"))}
    return {
        "systems": systems,
        "failed_syncs": list(failed),
        "outbox": {"pending": backlog.get(OutboxStatus.PENDING, 0), "processing": backlog.get(OutboxStatus.PROCESSING, 0),
                   "failed": backlog.get(OutboxStatus.FAILED, 0), "dead_letter": backlog.get(OutboxStatus.DEAD_LETTER, 0),
                   "oldest_pending_age_seconds": (timezone.now() - oldest_pending).total_seconds()
                   if oldest_pending else None},
    }
