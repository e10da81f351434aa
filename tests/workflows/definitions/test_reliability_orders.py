"""Reliability of the real order workflows on real parts — PostgreSQL, Redis, Celery worker
processes with beat — on orders placed through the commerce checkout: nothing lost, nothing done
twice, failures compensated, waits cheap.

Every test commits its data (`live_db`) and names it uniquely; the workers consume the engine's
test queue with short intervals, retries and step timeouts (FLOW_ENV).
"""
import json
import os
import time

import psycopg
import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context

from commerce.orders.models import Order
from integrations.models import SandboxCall, SandboxObject
from tests.commerce.conftest import unique
from tests.support.processes import wait_for
from tests.workflows.definitions.shop import FAR_ADDRESS, Shop
from workflows import engine, relay
from workflows.models import EventOutbox, OutboxStatus, StepRun, WorkflowRun, WorkflowSignal

pytestmark = [pytest.mark.worker, pytest.mark.slow]

REDIS_OUTAGE_SECONDS = float(os.environ.get("CITYOS_TEST_REDIS_OUTAGE_SECONDS", "30"))
FLOW_ENV = {
    "WORKFLOW_RETRY_SCALE": "0.05",         # ERPNext's 30 s "retry after" → 1.5 s
    "WORKFLOW_TIMEOUT_SCALE": "0.1",        # a killed 60 s step is resumed after 6 s (+ 1 s grace)
    "WORKFLOW_DAY_SECONDS": "3600",         # payout holds and reminders stay far away
    "WORKFLOW_DURATIONS": json.dumps({"pickup": 3600, "capture_wait": 60, "placement_unwind": 60}),
}


@pytest.fixture
def live_shop(live_db, tenant_a):
    from workflows.notification_templates import ensure_templates

    shop = Shop(tenant_a).use()
    ensure_templates()
    yield shop
    connection.set_schema_to_public()


@pytest.fixture
def flow_worker(start_engine_worker):
    def start(**env):
        return start_engine_worker(**{**FLOW_ENV, **env})
    return start


def _placement(order) -> str:
    return f"tenant:alpha:order:{order.id}:placement"


def _run(workflow_id):
    return WorkflowRun.objects.filter(workflow_id=workflow_id).first()


def _finished(workflow_id, timeout=90):
    return wait_for(lambda: (r := _run(workflow_id)) and r.status in ("completed", "compensated", "failed",
                                                                       "cancelled") and r,
                    timeout, f"{workflow_id} to finish", interval=0.2)


def _sandbox(system, kind, **data):
    return SandboxObject.objects.using("sandbox").filter(system=system, kind=kind,
                                                         **{f"data__{k}": v for k, v in data.items()})


def assert_placed_once(order, *, vendor=None):
    """Every external effect of the placement exists exactly once (counted on the sandboxes)."""
    key = _placement(order)
    assert SandboxCall.objects.using("sandbox").filter(system="stripe", operation="capture_payment_intent",
                                                       idempotency_key=f"{key}:capture_payment",
                                                       replayed=False).count() == 1
    intent = order.payments.get().payment_intent_id
    assert _sandbox("stripe", "payment_intent", id=intent).get().data["status"] == "succeeded"
    assert not _sandbox("stripe", "refund", payment_intent=intent).exists()
    erp_refs = {"Sales Order": f"{key}:reserve_inventory:sales-order",
                "Sales Invoice": f"{key}:create_accounting_entries:invoice",
                "Payment Entry": f"{key}:create_accounting_entries:payment"}
    if vendor is not None:
        erp_refs["Journal Entry"] = f"{key}:create_accounting_entries:commissions"
        erp_refs["Supplier"] = f"supplier:alpha:{vendor.id}"
    for doctype, reference in erp_refs.items():
        assert _sandbox("erpnext", doctype, cityos_reference=reference).count() == 1, doctype
    assert _sandbox("erpnext", "Stock Reservation Entry", voucher_no=order.external_refs["erpnext"]["sales_order"]
                    ).count() == 1
    assert _sandbox("fleetbase", "order", internal_id=f"{key}:create_delivery_order").count() == 1


def test_a_worker_killed_inside_a_placement_step_leaves_every_external_effect_done_once(live_shop, flow_worker):
    worker = flow_worker()
    vendor = live_shop.vendor(name=unique("Killed vendor"))
    variant = live_shop.listed("100.00", stock=5, vendor=vendor)
    # The accounting step creates the invoice, the payment entry and the vendor's ERPNext supplier, then
    # records the supplier on the vendor — where it blocks on this lock, its external calls made.
    blocker = psycopg.connect(_dsn(), autocommit=False)
    blocker.execute(f'SELECT 1 FROM "{live_shop.tenant.schema_name}".marketplace_vendor WHERE id = %s FOR NO KEY UPDATE',
                    [vendor.id])
    try:
        order = live_shop.checkout([(variant, 1)])
        key = _placement(order)
        wait_for(lambda: _sandbox("erpnext", "Supplier", cityos_reference=f"supplier:alpha:{vendor.id}").exists(),
                 60, "the accounting step to reach the vendor", interval=0.1)
        time.sleep(0.3)
        assert StepRun.objects.get(run__workflow_id=key, step="create_accounting_entries").status == "running"
        worker.kill()
    finally:
        blocker.rollback()
        blocker.close()

    flow_worker()
    finished = _finished(key)

    assert finished.status == "completed", finished.error
    attempts = list(StepRun.objects.filter(run=finished, step="create_accounting_entries").order_by("attempt")
                    .values_list("attempt", "status", "error_class"))
    assert attempts == [(1, "interrupted", "WorkerLostError"), (2, "completed", "")]
    order = Order.objects.get(pk=order.pk)
    assert order.payment_status == "captured"
    assert_placed_once(order, vendor=vendor)
    # the repeated step found the invoice it had created (by its reference) instead of inserting another
    assert SandboxCall.objects.using("sandbox").filter(
        system="erpnext", operation="insert Sales Invoice",
        response__result__cityos_reference=f"{key}:create_accounting_entries:invoice").count() == 1
    assert EventOutbox.objects.filter(event_type="order.payment_captured", aggregate_id=order.id).count() == 1


def _dsn():
    settings = connection.settings_dict
    return (f"host={settings['HOST']} port={settings['PORT']} dbname={settings['NAME']} user={settings['USER']} "
            f"password={settings['PASSWORD']}")


def test_a_redis_outage_while_shoppers_check_out_loses_no_order(live_shop, redis_server, flow_worker):
    worker = flow_worker()
    variant = live_shop.listed("20.00", stock=500)
    warm = live_shop.checkout([(variant, 1)])
    assert _finished(_placement(warm)).status == "completed"  # the platform is up

    orders, commit_times = [], []
    redis_server.stop()
    try:
        started = time.monotonic()
        while time.monotonic() - started < REDIS_OUTAGE_SECONDS:
            began = time.monotonic()
            orders.append(live_shop.checkout([(variant, 1)]))
            commit_times.append(time.monotonic() - began)
            time.sleep(max(0.0, 1.0 - (time.monotonic() - began)))
        placed = EventOutbox.objects.filter(event_type="order.placed", aggregate_id__in=[o.id for o in orders])
        assert placed.filter(status=OutboxStatus.PENDING).count() == len(orders)  # none relayed, none lost
    finally:
        redis_server.start()
    if worker.proc.poll() is not None:  # kombu may abort a worker that lost Redis; a supervisor restarts it
        flow_worker()
    assert max(commit_times) < 3.0, commit_times  # checkout never waited on the broker

    for order in orders:
        finished = _finished(_placement(order), timeout=180)
        assert finished.status == "completed", (order.id, finished.error)
    for order in orders:
        assert_placed_once(Order.objects.get(pk=order.pk))


def test_the_same_order_placed_event_delivered_twice_places_the_order_once(live_shop, flow_worker):
    flow_worker()
    order = live_shop.checkout([(live_shop.listed("15.00"), 1)])
    first = EventOutbox.objects.get(event_type="order.placed", aggregate_id=order.id)
    assert _finished(_placement(order)).status == "completed"

    EventOutbox.objects.filter(pk=first.pk).update(status=OutboxStatus.PENDING)  # redelivered
    with schema_context(live_shop.tenant.schema_name), transaction.atomic():  # and emitted again
        from workflows.outbox import emit

        again = emit("order.placed", aggregate_type="order", aggregate_id=order.id, payload=first.payload)
    wait_for(lambda: EventOutbox.objects.filter(id__in=[first.id, again.id], status=OutboxStatus.DELIVERED).count()
             == 2, 30, "both deliveries")
    time.sleep(1)

    assert WorkflowRun.objects.filter(workflow_id=_placement(order)).count() == 1
    assert StepRun.objects.filter(run__workflow_id=_placement(order), step="capture_payment").count() == 1
    assert "run already exists" in EventOutbox.objects.get(pk=again.pk).note
    assert_placed_once(Order.objects.get(pk=order.pk))


def test_a_refused_delivery_address_compensates_in_the_worker_and_the_order_ends_cancelled_and_refunded(
        live_shop, flow_worker):
    flow_worker()
    order = live_shop.checkout([(live_shop.listed("45.00"), 1)], address=FAR_ADDRESS)

    finished = _finished(_placement(order))

    assert finished.status == "compensated"
    assert [s for s in StepRun.objects.filter(run=finished, kind="compensation").order_by("id")
            .values_list("step", flat=True)] == ["calculate_commissions", "reserve_inventory", "capture_payment"]
    order = Order.objects.get(pk=order.pk)
    assert (order.status, order.payment_status, order.refunded_total) == ("canceled", "refunded", order.total)
    assert _sandbox("stripe", "refund", payment_intent=order.payments.get().payment_intent_id).count() == 1
    cancellation = _finished(f"tenant:alpha:order:{order.id}:cancellation")
    assert cancellation.status == "completed", cancellation.error


def test_stock_erpnext_lacks_is_retried_with_backoff_in_the_worker_until_it_arrives(live_shop, flow_worker):
    from tests.workflows.definitions.test_order_placement import _erp_bin_emptied

    flow_worker()
    variant = live_shop.listed("25.00", stock=4)
    code, warehouse, adapter = _erp_bin_emptied(live_shop, variant)
    order = live_shop.checkout([(variant, 1)])
    key = _placement(order)
    failed = wait_for(lambda: StepRun.objects.filter(run__workflow_id=key, step="reserve_inventory",
                                                     status="failed").first(), 60, "the first failure")
    assert failed.error_class == "InventoryUnavailableError" and failed.retryable
    with schema_context(live_shop.tenant.schema_name):
        adapter.create_stock_entry(stock_entry_type="Material Receipt", idempotency_key=f"restock:{code}",
                                   items=[{"item_code": code, "qty": 3, "t_warehouse": warehouse}])

    finished = _finished(key)

    assert finished.status == "completed", finished.error
    attempts = list(StepRun.objects.filter(run=finished, step="reserve_inventory").order_by("attempt"))
    assert attempts[-1].status == "completed" and all(a.status == "failed" for a in attempts[:-1])
    assert (attempts[1].started_at - attempts[0].finished_at).total_seconds() >= 1.4  # 30 s × 0.05 backoff


def test_a_capture_signal_sent_before_the_routing_run_waits_for_it_is_not_lost(live_shop, flow_worker):
    one, two = live_shop.vendor(name=unique("North")), live_shop.vendor(name=unique("South"))
    # No worker yet: the placement captures the order here, so the signal exists before the routing run runs.
    order = live_shop.checkout([(live_shop.listed("30.00", vendor=one), 1), (live_shop.listed("40.00", vendor=two), 1)])
    relay.process_outbox(tenant_schema=live_shop.tenant.schema_name)
    routing = f"tenant:alpha:order:{order.id}:routing"
    assert _run(routing).status == "pending"
    while engine.advance(_placement(order)) not in ("completed", "busy"):
        pass
    relay.process_outbox(tenant_schema=live_shop.tenant.schema_name)  # order.payment_captured → a signal
    connection.set_schema_to_public()
    signal = WorkflowSignal.objects.get(name="order.payment_captured", key=order.id)

    flow_worker()
    finished = _finished(routing)

    assert finished.status == "completed", finished.error
    waited = StepRun.objects.get(run=finished, step="split_payment")
    assert signal.created_at < waited.started_at
    assert finished.results["split_payment"]["amount_received"] == int(order.total * 100)


def test_a_pickup_that_never_comes_takes_the_timeout_path(live_shop, flow_worker):
    flow_worker(WORKFLOW_DURATIONS=json.dumps({"pickup": 2, "capture_wait": 60}))
    order = live_shop.checkout([(live_shop.listed("35.00"), 1)])

    finished = _finished(f"tenant:alpha:delivery:{order.id}:fulfillment", timeout=60)

    assert finished.result["outcome"] == "delivery_failed"
    assert finished.result["reason"] == "not picked up in time"
    delivery_id = finished.results["ensure_delivery"]["delivery_order_id"]
    assert _sandbox("fleetbase", "order", id=delivery_id).get().data["status"] == "canceled"
    waited = StepRun.objects.get(run=finished, step="await_pickup")
    assert (waited.finished_at - waited.started_at).total_seconds() >= 2
    assert EventOutbox.objects.filter(event_type="delivery.failed", aggregate_id=order.id).count() == 1
