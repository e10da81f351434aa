"""WF-001 OrderPlacement inline, on orders placed through the commerce checkout: the happy path
with every external effect counted, the compensations of a non-retryable failure, a retried
conditional failure, and the identity check's signal."""
from decimal import Decimal

from integrations import registry
from integrations.models import SandboxCall, SandboxObject
from tests.workflows.definitions.shop import FAR_ADDRESS, run
from workflows.audit.models import AuditEntry
from workflows.models import StepRun

ERP = "erpnext"


def placement(order) -> str:
    return f"tenant:alpha:order:{order.id}:placement"


def erp_doc(doctype, name):
    return registry.get("erpnext", sandbox=True).get_document(doctype, name)


def sandbox_objects(system, kind, **data):
    return SandboxObject.objects.using("sandbox").filter(system=system, kind=kind,
                                                         **{f"data__{k}": v for k, v in data.items()})


def test_a_placed_order_is_captured_reserved_booked_sent_for_delivery_and_confirmed(shop, pump, mailoutbox):
    variant = shop.listed("100.00", stock=5)
    order = shop.checkout([(variant, 2)])

    finished = pump.finished(placement(order))

    assert finished.status == "completed", finished.error
    assert [s.step for s in StepRun.objects.filter(run=finished, status="completed").order_by("id")] == [
        "capture_payment", "reserve_inventory", "calculate_commissions", "create_delivery_order",
        "create_accounting_entries", "send_confirmation", "record_audit_log", "start_fulfillment"]
    order.refresh_from_db()
    assert (order.payment_status, order.paid_total) == ("captured", order.total)
    intent = order.payments.get().payment_intent_id
    assert SandboxCall.objects.using("sandbox").filter(system="stripe", operation="capture_payment_intent",
                                                       idempotency_key=f"{placement(order)}:capture_payment").count() == 1
    assert sandbox_objects("stripe", "payment_intent", id=intent).get().data["status"] == "succeeded"

    refs = order.external_refs["erpnext"]
    assert erp_doc("Sales Order", refs["sales_order"])["docstatus"] == 1
    reservation = erp_doc("Stock Reservation Entry", refs["reservations"][0])
    assert (reservation["docstatus"], reservation["reserved_qty"]) == (1, 2)
    invoice = erp_doc("Sales Invoice", refs["sales_invoice"])
    assert Decimal(str(invoice["grand_total"])) == order.total
    payment_entry = erp_doc("Payment Entry", refs["payment_entry"])
    assert (payment_entry["docstatus"], Decimal(str(payment_entry["paid_amount"]))) == (1, order.total)
    assert erp_doc("Sales Invoice", refs["sales_invoice"])["outstanding_amount"] == 0

    deliveries = order.external_refs["fleetbase"]["deliveries"]
    assert len(deliveries) == 1
    delivery = sandbox_objects("fleetbase", "order", id=deliveries[0]).get().data
    assert delivery["meta"]["order_id"] == order.id and delivery["payload"]["dropoff"]["city"] == "Riyadh"

    assert [m.subject for m in mailoutbox] == [f"Your order #{order.display_id} is confirmed"]
    assert mailoutbox[0].to == [order.email]
    assert AuditEntry.objects.get(workflow_id=placement(order)).action == "order.placed"
    fulfillment = run(f"tenant:alpha:delivery:{order.id}:fulfillment")
    assert fulfillment is not None and fulfillment.input["delivery_order_id"] == deliveries[0]


def test_a_courier_refusing_the_address_at_step_5_compensates_4_to_1_and_the_order_ends_cancelled_and_refunded(
        shop, pump, mailoutbox):
    variant = shop.listed("80.00", stock=4)
    order = shop.checkout([(variant, 1)], address=FAR_ADDRESS)

    finished = pump.finished(placement(order))

    assert finished.status == "compensated"
    assert (finished.error["step"], finished.error["error_class"]) == ("create_delivery_order",
                                                                       "DeliveryZoneUnavailableError")
    compensations = list(StepRun.objects.filter(run=finished, kind="compensation").order_by("id")
                         .values_list("step", "status"))
    assert compensations == [("calculate_commissions", "completed"), ("reserve_inventory", "completed"),
                             ("capture_payment", "completed")]
    order.refresh_from_db()
    assert (order.status, order.payment_status, order.refunded_total) == ("canceled", "refunded", order.total)
    refunds = sandbox_objects("stripe", "refund", payment_intent=order.payments.get().payment_intent_id)
    assert [r.data["amount"] for r in refunds] == [int(order.total * 100)]
    refs = order.external_refs["erpnext"]
    assert erp_doc("Sales Order", refs["sales_order"])["docstatus"] == 2
    assert erp_doc("Stock Reservation Entry", refs["reservations"][0])["docstatus"] == 2
    assert "fleetbase" not in order.external_refs  # no delivery was created
    # the commerce stock went back to the shelf
    assert variant.inventory_item.levels.get().reserved_quantity == 0

    # order.cancelled started the cancellation, which told the shopper
    cancellation = pump.finished(f"tenant:alpha:order:{order.id}:cancellation")
    assert cancellation.status == "completed", cancellation.error
    assert [m.subject for m in mailoutbox] == [f"Your order #{order.display_id} is cancelled"]
    assert AuditEntry.objects.filter(workflow_id=cancellation.workflow_id, action="order.cancelled").exists()


def _erp_bin_emptied(shop, variant):
    """ERPNext knows the item but has none of it (received once, issued again)."""
    from workflows.definitions.common import erp

    code, warehouse, adapter = erp.item_code(variant.sku), erp.warehouse(), erp.adapter()
    erp.ensure_item(variant.sku, "Test item")
    adapter.create_stock_entry(stock_entry_type="Material Receipt", idempotency_key=f"test-in:{code}",
                               items=[{"item_code": code, "qty": 1, "t_warehouse": warehouse}])
    adapter.create_stock_entry(stock_entry_type="Material Issue", idempotency_key=f"test-out:{code}",
                               items=[{"item_code": code, "qty": 1, "s_warehouse": warehouse}])
    return code, warehouse, adapter


def test_stock_erpnext_lacks_is_retried_with_backoff_and_the_order_goes_through_once_it_arrives(shop, pump):
    from workflows import engine, relay

    variant = shop.listed("50.00", stock=3)
    code, warehouse, adapter = _erp_bin_emptied(shop, variant)
    order = shop.checkout([(variant, 2)])
    relay.process_outbox(tenant_schema=shop.tenant.schema_name)

    assert engine.advance(placement(order)) == "parked"  # reserve_inventory failed, a retry is due later
    first = StepRun.objects.get(run__workflow_id=placement(order), step="reserve_inventory")
    assert (first.status, first.error_class, first.retryable) == ("failed", "InventoryUnavailableError", True)
    adapter.create_stock_entry(stock_entry_type="Material Receipt", idempotency_key=f"test-restock:{code}",
                               items=[{"item_code": code, "qty": 5, "t_warehouse": warehouse}])
    shop.use()

    finished = pump.finished(placement(order))
    assert finished.status == "completed", finished.error
    attempts = list(StepRun.objects.filter(run=finished, step="reserve_inventory").order_by("attempt"))
    assert [(a.attempt, a.status) for a in attempts] == [(1, "failed"), (2, "completed")]
    assert (attempts[1].started_at - attempts[0].finished_at).total_seconds() >= 0.03  # 30 s × the test scale
    order.refresh_from_db()
    assert order.payment_status == "captured"


def _kyc_session(pump, workflow_id):
    waiting = pump.until(lambda: (r := run(workflow_id)) and r.status == "waiting" and r, message="the KYC wait")
    assert waiting.current_step == "verify_identity"
    assert waiting.wait_signals == ["kyc.verification.approved", "kyc.verification.rejected"]
    return waiting.wait_key


def test_an_order_needing_an_identity_check_waits_for_the_kyc_signal(shop, pump):
    variant = shop.listed("60.00", metadata={"requires_identity_verification": True})
    order = shop.checkout([(variant, 1)])
    session = _kyc_session(pump, placement(order))

    registry.get("waltid", sandbox=True).decide(session, approve=True)  # Walt.id calls the platform back
    shop.use()
    finished = pump.finished(placement(order))

    assert finished.status == "completed", finished.error
    assert finished.results["verify_identity"] == {"session_id": session, "verified": True}


def test_a_rejected_identity_check_cancels_and_refunds_the_order(shop, pump):
    variant = shop.listed("60.00", metadata={"age_restricted": True})
    order = shop.checkout([(variant, 1)])
    session = _kyc_session(pump, placement(order))

    registry.get("waltid", sandbox=True).decide(session, approve=False, reason="expired")
    shop.use()
    finished = pump.finished(placement(order))

    assert finished.status == "compensated"
    assert finished.error["error_class"] == "CredentialVerificationFailedError"
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("canceled", "refunded")
