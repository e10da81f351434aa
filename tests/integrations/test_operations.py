"""Sync tracking and the operators' tools: de-duplication, retries, purge, the admin API, the
commands, /health, /metrics and the platform admin screens."""
from datetime import timedelta

import httpx
import pytest
import respx
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from integrations import circuit, sync
from integrations.models import SandboxCall, SyncEntry, SyncStatus, WebhookReceipt
from integrations.tasks import purge_completed, retry_failed_syncs
from tests.integrations.conftest import LIVE
from tests.support.tenants import in_tenant

pytestmark = pytest.mark.django_db


def _customer(request, name=None):
    return {"customer_name": name or f"Customer {request.node.name}"}


def test_the_same_payload_is_synced_once(request, alpha):
    calls = SandboxCall.objects.using("sandbox").filter(system="erpnext", operation="insert Customer")
    before = calls.count()
    first = sync.request_sync("erpnext", "customer", f"cus_{request.node.name}", _customer(request))
    again = sync.request_sync("erpnext", "customer", f"cus_{request.node.name}", _customer(request))
    assert first.status == SyncStatus.SUCCESS and first.external_id == f"Customer {request.node.name}"
    assert again.pk == first.pk and again.deduplicated is True
    assert calls.count() == before + 1
    assert (first.tenant_id, first.tenant_schema, first.direction) == ("alpha", alpha.schema_name, "outbound")
    changed = sync.request_sync("erpnext", "customer", f"cus_{request.node.name}", _customer(request, "Renamed"))
    assert changed.pk != first.pk and changed.payload_hash != first.payload_hash


def test_a_rejected_sync_fails_without_retries(request, alpha):
    entry = sync.request_sync("erpnext", "journal_entry", f"je_{request.node.name}", {"accounts": [
        {"account": "Cash - CS", "debit": "10.00"}, {"account": "Sales - CS", "credit": "9.00"}]})
    assert entry.status == SyncStatus.FAILED and entry.error_class == "InvalidArgumentError"
    assert "Total Debit must be equal to Total Credit" in entry.error_message and entry.next_retry_at is None


def test_a_transient_failure_retries_on_the_beat_job_until_it_succeeds(request, alpha, live, sleeps):
    client = live("erpnext")
    client.http.sleep, client.http.budget = sleeps, 0  # no inline waiting: the error goes back at once
    with respx.mock(base_url=LIVE["erpnext"]["ERPNEXT_URL"], assert_all_called=False) as mock:
        lookup = mock.get("/api/resource/Customer").respond(503)
        entry = sync.request_sync("erpnext", "customer", f"cus_{request.node.name}", _customer(request))
        assert entry.status == SyncStatus.RETRYING and entry.error_class == "ServiceUnavailableError"
        assert entry.next_retry_at > timezone.now()
        assert retry_failed_syncs.run()["retried"] == 0  # not due yet
        SyncEntry.objects.filter(pk=entry.pk).update(next_retry_at=timezone.now() - timedelta(seconds=1))
        lookup.respond(json={"data": []})
        mock.post("/api/resource/Customer").respond(json={"data": {"name": "Layla", "docstatus": 0}})
        counts = retry_failed_syncs.run()
    entry.refresh_from_db()
    assert counts["succeeded"] >= 1 and entry.status == SyncStatus.SUCCESS and entry.retry_count == 1
    assert entry.external_id == "Layla" and entry.error_class == ""


def test_reconciliation_recovers_entries_left_in_progress(request, alpha):
    entry = sync.request_sync("erpnext", "customer", f"cus_{request.node.name}", _customer(request))
    SyncEntry.objects.filter(pk=entry.pk).update(status=SyncStatus.IN_PROGRESS)
    SyncEntry.objects.filter(pk=entry.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    summary = sync.reconcile()
    entry.refresh_from_db()
    assert summary["recovered_in_progress"] >= 1 and entry.status == SyncStatus.RETRYING
    assert set(summary["healthy"]) == {"stripe", "erpnext", "fleetbase", "waltid"}


def test_completed_entries_and_old_receipts_are_purged_after_thirty_days(request, alpha):
    old = sync.request_sync("erpnext", "customer", f"old_{request.node.name}", _customer(request, "Old"))
    recent = sync.request_sync("erpnext", "customer", f"new_{request.node.name}", _customer(request, "New"))
    SyncEntry.objects.filter(pk=old.pk).update(completed_at=timezone.now() - timedelta(days=31))
    receipt = WebhookReceipt.objects.create(system="stripe", event_id=f"evt_{request.node.name}", event_type="x",
                                            status="ignored")
    WebhookReceipt.objects.filter(pk=receipt.pk).update(received_at=timezone.now() - timedelta(days=31))
    counts = purge_completed.run()
    assert counts["sync_entries"] >= 1 and counts["webhook_receipts"] >= 1
    assert not SyncEntry.objects.filter(pk=old.pk).exists() and SyncEntry.objects.filter(pk=recent.pk).exists()


# -- the admin API on a tenant's host ---------------------------------------------------------------
def test_the_admin_api_needs_staff_credentials(client_a):
    for path in ("/admin/api/integrations/health", "/admin/api/integrations/dashboard"):
        assert client_a.get(path).status_code == 401
    assert client_a.post("/admin/api/integrations/retry-failed", {}, format="json").status_code == 401


def test_health_reports_each_adapter_with_its_mode_and_circuit(client_a, admin_token_headers):
    circuit.breaker("fleetbase").reset()
    answer = client_a.get("/admin/api/integrations/health", **admin_token_headers)
    assert answer.status_code == 200
    systems = {s["system"]: s for s in answer.json()["systems"]}
    assert set(systems) == {"stripe", "erpnext", "fleetbase", "waltid"}
    assert systems["erpnext"]["mode"] == "sandbox" and systems["erpnext"]["healthy"] is True
    assert systems["fleetbase"]["circuit"]["state"] == "closed" and systems["fleetbase"]["circuit"]["store"] == "redis"


def test_sync_now_runs_and_records_a_sync_of_the_tenant(client_a, client_b, admin_token_headers, request):
    body = {"entity_type": "customer", "entity_id": f"cus_{request.node.name}", "data": _customer(request)}
    answer = client_a.post("/admin/api/integrations/sync/erpnext", body, format="json", **admin_token_headers)
    assert answer.status_code == 200
    result = answer.json()
    assert result["status"] == "success" and result["deduplicated"] is False and result["tenant_id"] == "alpha"
    again = client_a.post("/admin/api/integrations/sync/erpnext", body, format="json", **admin_token_headers)
    assert again.json()["deduplicated"] is True and again.json()["id"] == result["id"]
    listed = client_a.get(f"/admin/api/integrations/sync-entries?entity_id=cus_{request.node.name}",
                          **admin_token_headers).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == result["id"]
    assert client_b.get(f"/admin/api/integrations/sync-entries?entity_id=cus_{request.node.name}",
                        **admin_token_headers).json()["count"] == 0


@pytest.mark.parametrize("path, body, status, code", [
    ("/admin/api/integrations/sync/paypal", {"entity_type": "customer", "entity_id": "1", "data": {}}, 404,
     "unknown_system"),
    ("/admin/api/integrations/sync/erpnext", {"entity_type": "spaceship", "entity_id": "1", "data": {}}, 400,
     "unsupported_entity_type"),
    ("/admin/api/integrations/sync/erpnext", {"entity_type": "customer", "entity_id": "1", "data": {"nme": "x"}}, 400,
     "invalid_sync_payload"),
    ("/admin/api/integrations/sync/erpnext", {"entity_type": "customer"}, 400, "validation_error"),
])
def test_bad_sync_requests_are_clear_4xx(client_a, admin_token_headers, path, body, status, code):
    before = SyncEntry.objects.count()
    answer = client_a.post(path, body, format="json", **admin_token_headers)
    assert answer.status_code == status and answer.json()["error"]["code"] == code
    assert SyncEntry.objects.count() == before


def test_the_dashboard_shows_counts_failures_circuits_and_the_outbox_backlog(client_a, admin_token_headers, request,
                                                                           tenant_a):
    with in_tenant(tenant_a):
        sync.request_sync("erpnext", "customer", f"cus_{request.node.name}", _customer(request))
        sync.request_sync("erpnext", "journal_entry", f"je_{request.node.name}", {"accounts": [
            {"account": "Cash - CS", "debit": "1"}, {"account": "Sales - CS", "credit": "2"}]})
        from workflows.outbox import emit
        from django.db import transaction

        with transaction.atomic():
            emit("order.placed", aggregate_type="order", aggregate_id="order_dashboard", payload={})
    board = client_a.get("/admin/api/integrations/dashboard", **admin_token_headers).json()
    erp = board["systems"]["erpnext"]
    assert erp["syncs"]["success"] >= 1 and erp["syncs"]["failed"] >= 1 and erp["mode"] == "sandbox"
    assert erp["circuit"]["state"] == "closed"
    assert any(f["entity_id"] == f"je_{request.node.name}" for f in board["failed_syncs"])
    assert board["outbox"]["pending"] >= 1 and board["outbox"]["oldest_pending_age_seconds"] >= 0


def test_retry_failed_retries_the_tenants_failed_syncs(client_a, admin_token_headers, request, tenant_a):
    with in_tenant(tenant_a):
        entry = sync.request_sync("erpnext", "journal_entry", f"je_{request.node.name}", {"accounts": [
            {"account": "Cash - CS", "debit": "1"}, {"account": "Sales - CS", "credit": "2"}]})
    answer = client_a.post("/admin/api/integrations/retry-failed", {"system": "erpnext"}, format="json",
                           **admin_token_headers)
    assert answer.status_code == 200 and answer.json()["retried"] >= 1 and answer.json()["failed"] >= 1
    entry.refresh_from_db()
    assert entry.retry_count == 1 and entry.status == SyncStatus.FAILED


# -- commands, /health, /metrics, admin screens -------------------------------------------------------
def test_the_commands_report_progress(request, alpha, capsys):
    sync.request_sync("erpnext", "journal_entry", f"je_{request.node.name}", {"accounts": [
        {"account": "Cash - CS", "debit": "3"}, {"account": "Sales - CS", "credit": "2"}]})
    call_command("retry_failed_syncs", "--system", "erpnext", "--tenant", "alpha")
    out = capsys.readouterr().out
    assert f"journal_entry:je_{request.node.name} → failed" in out and "Retried" in out
    call_command("integration_health")
    out = capsys.readouterr().out
    assert "erpnext" in out and "sandbox" in out and "circuit closed" in out and "4 of 4 systems healthy" in out


def test_platform_health_shows_each_adapter_mode_health_and_circuit(platform_client):
    adapters = platform_client.get("/health").json()["adapters"]
    for system in ("stripe", "erpnext", "fleetbase", "waltid"):
        assert adapters[system]["mode"] == "sandbox" and adapters[system]["healthy"] is True
        assert adapters[system]["circuit"]["state"] == "closed"


def test_an_open_circuit_makes_the_adapter_unhealthy_in_health(platform_client, live):
    live("waltid")
    breaker = circuit.breaker("waltid")
    for _ in range(3):
        breaker.record_failure()
    with respx.mock() as mock:
        mock.get(url__regex=r".*/livez").mock(return_value=httpx.Response(200))
        waltid = platform_client.get("/health").json()["adapters"]["waltid"]
    assert waltid["mode"] == "live" and waltid["healthy"] is False and waltid["circuit"]["state"] == "open"


def test_metrics_expose_sync_and_circuit_figures(request, alpha, platform_client):
    sync.request_sync("erpnext", "customer", f"cus_{request.node.name}", _customer(request))
    text = platform_client.get("/metrics").content.decode()
    assert 'sync_operation_total{direction="outbound",entity_type="customer",status="success",system="erpnext"}' in text
    assert 'integration_circuit_state{system="erpnext"} 0.0' in text
    assert "integration_health_status" in text and "sync_duration_seconds_bucket" in text


def test_the_platform_admin_lists_sync_entries_and_webhook_receipts(request, alpha, platform_client):
    sync.request_sync("erpnext", "customer", f"cus_{request.node.name}", _customer(request))
    admin = get_user_model().objects.create_superuser(f"root-{request.node.name[:20]}", "r@example.test", "pw-12345678")
    platform_client.force_login(admin)
    entries = platform_client.get("/django-admin/integrations/syncentry/?system=erpnext")
    assert entries.status_code == 200 and f"cus_{request.node.name}" in entries.content.decode()
    assert platform_client.get("/django-admin/integrations/webhookreceipt/").status_code == 200
    assert platform_client.get("/django-admin/integrations/issuedcredential/").status_code == 200
