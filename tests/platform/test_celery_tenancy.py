"""Tasks carry the tenant schema and correlation id of whoever enqueued them, on a real worker."""
import pytest
from django_tenants.utils import schema_context

from cityos import logging as log_context
from cityos.tasks import active_tenant_schemas, enqueue_for_tenant, probe

pytestmark = [pytest.mark.django_db, pytest.mark.worker]


def test_task_runs_inside_the_schema_it_was_enqueued_from(worker, tenant_a, tenant_b):
    with schema_context(tenant_a.schema_name), log_context.bound(correlation_id="corr_from_alpha"):
        result_a = probe.delay()
    with schema_context(tenant_b.schema_name):
        result_b = probe.delay()
    seen_a, seen_b = result_a.get(timeout=30), result_b.get(timeout=30)
    assert seen_a["schema"] == tenant_a.schema_name
    assert seen_a["correlation_id"] == "corr_from_alpha"
    assert seen_b["schema"] == tenant_b.schema_name


def test_task_enqueued_from_the_public_schema_runs_in_public(worker):
    assert probe.delay().get(timeout=30)["schema"] == "public"


def test_enqueue_for_tenant_targets_a_schema_explicitly(worker, tenant_b):
    assert enqueue_for_tenant(probe, tenant_b.schema_name).get(timeout=30)["schema"] == tenant_b.schema_name


def test_fan_out_covers_every_active_tenant(tenant_a, tenant_b):
    schemas = active_tenant_schemas()
    assert {tenant_a.schema_name, tenant_b.schema_name} <= set(schemas)
    assert "public" not in schemas
