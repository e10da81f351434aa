"""Prometheus metrics of the integrations layer (seeds 003 §11.2).

Counters and histograms are recorded by whichever process makes the call or receives the webhook
(multiprocess mode adds them up); gauges that describe stored state (sync lag, circuit states,
adapter health) are computed at scrape time by `IntegrationsCollector`.
"""
import time

from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily

CALLS = Counter("integration_call_total", "Calls made to external systems",
                ["system", "operation", "outcome"])
CALL_DURATION = Histogram("integration_call_duration_seconds", "Duration of one external call attempt",
                          ["system", "operation"], buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
CALL_RETRIES = Counter("integration_call_retry_total", "Retries of external calls", ["system", "operation"])

SYNC_OPERATIONS = Counter("sync_operation_total", "Sync operations by outcome",
                          ["system", "entity_type", "direction", "status"])
SYNC_DURATION = Histogram("sync_duration_seconds", "Duration of sync operations", ["system", "entity_type"],
                          buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
SYNC_FAILURES = Counter("sync_failure_total", "Failed sync operations", ["system", "entity_type", "error_type"])
SYNC_RETRIES = Counter("sync_retry_total", "Retried sync operations", ["system", "entity_type"])

WEBHOOKS_RECEIVED = Counter("webhook_received_total", "Webhooks accepted (signature verified)",
                            ["system", "event_type"])
WEBHOOKS_REJECTED = Counter("webhook_rejected_total", "Webhooks refused", ["system", "reason"])
WEBHOOK_DURATION = Histogram("webhook_processing_duration_seconds", "Time to process one webhook",
                             ["system", "event_type"], buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))

_HEALTH_TTL = 30.0
_health_cache: dict = {"at": 0.0, "report": {}}


def cached_health_report() -> dict:
    from integrations import registry

    if time.monotonic() - _health_cache["at"] > _HEALTH_TTL:
        _health_cache["report"] = registry.health_report()
        _health_cache["at"] = time.monotonic()
    return _health_cache["report"]


class IntegrationsCollector:
    """Scrape-time gauges: sync lag, circuit state, adapter health (cached 30 s)."""

    def collect(self):
        from integrations import circuit, registry
        from integrations.sync import oldest_open_entries

        lag = GaugeMetricFamily("sync_lag_seconds", "Age of the oldest unfinished sync entry",
                                labels=["system", "entity_type"])
        for system, entity_type, seconds in oldest_open_entries():
            lag.add_metric([system, entity_type], seconds)
        yield lag

        circuits = GaugeMetricFamily("integration_circuit_state", "Circuit state: 0 closed, 1 half-open, 2 open",
                                     labels=["system"])
        for system in registry.SYSTEMS:
            circuits.add_metric([system], circuit.STATE_VALUES[circuit.breaker(system).snapshot()["state"]])
        yield circuits

        health = GaugeMetricFamily("integration_health_status", "1 when the adapter reports healthy",
                                   labels=["system", "mode"])
        for system, entry in cached_health_report().items():
            health.add_metric([system, entry.get("mode", "unknown")], 1.0 if entry.get("healthy") else 0.0)
        yield health
