"""WF-003 OrderCancellation: a shopper cancels; everything the order became is undone once."""
from integrations import registry
from integrations.models import SandboxObject
from tests.workflows.definitions.shop import advance_delivery, run
from workflows.models import StepRun


def _placed_and_waiting_for_pickup(shop, pump, password_hash, vendor=None):
    variant = shop.listed("100.00", stock=5, vendor=vendor)
    customer, token = shop.customer(password_hash)
    order = shop.checkout([(variant, 1)], token=token, email=customer.email)
    assert pump.finished(f"tenant:alpha:order:{order.id}:placement").status == "completed"
    fulfillment = f"tenant:alpha:delivery:{order.id}:fulfillment"
    pump.until(lambda: (r := run(fulfillment)) and r.current_step == "await_pickup", message="the pickup wait")
    order.refresh_from_db()
    return order, token, fulfillment


def test_a_shoppers_cancellation_stops_the_delivery_releases_reverses_refunds_and_tells_them(
        shop, pump, mailoutbox, password_hash):
    vendor = shop.vendor()
    order, token, fulfillment = _placed_and_waiting_for_pickup(shop, pump, password_hash, vendor)
    delivery_id = order.external_refs["fleetbase"]["deliveries"][0]

    response = shop.post(f"/store/orders/{order.id}/cancel", {"reason": "changed my mind"}, token=token)
    assert response.status_code == 202, response.json()
    cancellation = pump.finished(f"tenant:alpha:order:{order.id}:cancellation")

    assert cancellation.status == "completed", cancellation.error
    assert run(fulfillment).status == "cancelled"
    order.refresh_from_db()
    assert (order.status, order.payment_status, order.refunded_total) == ("canceled", "refunded", order.total)
    assert SandboxObject.objects.using("sandbox").get(kind="order", object_id=delivery_id).data["status"] == "canceled"
    erp = registry.get("erpnext", sandbox=True)
    refs = order.external_refs["erpnext"]
    assert erp.get_document("Sales Order", refs["sales_order"])["docstatus"] == 2
    assert erp.get_document("Sales Invoice", refs["sales_invoice"])["docstatus"] == 2
    assert erp.get_document("Payment Entry", refs["payment_entry"])["docstatus"] == 2
    vendor_order = order.vendor_orders.get()
    assert vendor_order.status == "canceled"
    assert list(vendor_order.transactions.values_list("status", flat=True)) == ["reversed"]
    refunds = SandboxObject.objects.using("sandbox").filter(
        kind="refund", data__payment_intent=order.payments.get().payment_intent_id)
    assert refunds.count() == 1
    assert mailoutbox[-1].subject == f"Your order #{order.display_id} is cancelled"
    assert cancellation.results["process_refund"]["refunded"] == str(order.total.quantize(order.total.__class__("0.01")))


def test_an_order_whose_goods_were_picked_up_cannot_be_cancelled(shop, pump, password_hash):
    order, token, fulfillment = _placed_and_waiting_for_pickup(shop, pump, password_hash)
    advance_delivery(order.external_refs["fleetbase"]["deliveries"][0], steps=2)  # driver assigned, picked up
    pump.until(lambda: run(fulfillment).current_step not in ("await_pickup", ""), message="the pickup")

    response = shop.post(f"/store/orders/{order.id}/cancel", {}, token=token)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "order_not_cancelable"


def test_a_cancellation_during_placement_lets_the_placement_unwind_first_and_refunds_once(shop, pump):
    variant = shop.listed("70.00", metadata={"requires_identity_verification": True})
    order = shop.checkout([(variant, 1)])
    placement = f"tenant:alpha:order:{order.id}:placement"
    pump.until(lambda: (r := run(placement)) and r.status == "waiting", message="the placement's KYC wait")

    from commerce.orders.services import request_cancellation

    request_cancellation(order.id, reason="too slow", requested_by=order.email)
    cancellation = pump.finished(f"tenant:alpha:order:{order.id}:cancellation")

    assert cancellation.status == "completed", cancellation.error
    assert cancellation.results["halt_order_workflows"]["placement_unwinding"] is True
    assert cancellation.results["await_placement_unwound"]["name"] == "order.cancelled"
    assert run(placement).status == "cancelled"
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("canceled", "refunded")
    assert SandboxObject.objects.using("sandbox").filter(
        kind="refund", data__payment_intent=order.payments.get().payment_intent_id).count() == 1
    assert StepRun.objects.filter(run__workflow_id=placement, kind="compensation", step="capture_payment",
                                  status="completed").count() == 1
