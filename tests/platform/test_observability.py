"""Correlation ids, JSON request logs, and Prometheus metrics by route and tenant."""
import json
import logging

import pytest

from cityos.logging import ContextFilter, JsonFormatter, bound

pytestmark = pytest.mark.django_db


def test_correlation_id_is_echoed_when_given(client_a):
    response = client_a.get("/health", HTTP_X_CORRELATION_ID="corr_given_123")
    assert response["X-Correlation-ID"] == "corr_given_123"


def test_correlation_id_is_generated_when_missing_or_malformed(client_a):
    generated = client_a.get("/health")["X-Correlation-ID"]
    assert generated.startswith("corr_") and len(generated) > 10
    replaced = client_a.get("/health", HTTP_X_CORRELATION_ID="bad id with spaces")["X-Correlation-ID"]
    assert replaced.startswith("corr_") and replaced != "bad id with spaces"


def test_request_log_line_carries_tenant_path_status_and_duration(client_a, caplog):
    caplog.set_level(logging.INFO, logger="cityos.request")
    client_a.get("/no-such-page/", HTTP_X_CORRELATION_ID="corr_log_check")
    record = next(r for r in caplog.records if r.name == "cityos.request" and r.path == "/no-such-page/")
    assert record.tenant == "alpha"
    assert record.status == 404
    assert record.duration_ms >= 0
    assert record.correlation_id == "corr_log_check"


def test_json_formatter_writes_one_object_with_context_fields():
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "hello %s", ("world",), None)
    with bound(correlation_id="corr_fmt", tenant="alpha"):
        ContextFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "hello world"
    assert line["level"] == "WARNING"
    assert (line["correlation_id"], line["tenant"]) == ("corr_fmt", "alpha")
    assert line["timestamp"].endswith("+00:00")


def test_metrics_count_requests_by_route_and_tenant(client_a, client_b, platform_client):
    def count(text, tenant):
        return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                   if line.startswith("cityos_http_requests_total{") and 'route="/health"' in line
                   and f'tenant="{tenant}"' in line)

    before = platform_client.get("/metrics").content.decode()
    client_a.get("/health")
    client_a.get("/health")
    client_b.get("/health")
    after = platform_client.get("/metrics").content.decode()
    assert count(after, "alpha") - count(before, "alpha") == 2
    assert count(after, "beta") - count(before, "beta") == 1
    assert "cityos_http_request_duration_seconds_bucket" in after
