"""WF-002 OrderFulfillment's failure path, WF-006 OrderSplitAndRouting, WF-011 EscrowManagement."""
from decimal import Decimal

from commerce.marketplace.models import CommissionTransaction, Payout, VendorOrder
from commerce.payments.models import EscrowHold
from integrations import registry
from integrations.models import SandboxObject
from tests.workflows.definitions.shop import advance_delivery, run
from workflows.audit.models import AuditEntry
from workflows.models import EventOutbox


def _waiting_for_pickup(pump, order):
    fulfillment = f"tenant:alpha:delivery:{order.id}:fulfillment"
    pump.until(lambda: (r := run(fulfillment)) and r.current_step == "await_pickup", message="the pickup wait")
    return fulfillment, run(fulfillment).results["ensure_delivery"]["delivery_order_id"]


def test_a_delivery_the_courier_reports_failed_ends_the_run_and_tells_the_shopper(shop, pump, mailoutbox):
    order = shop.checkout([(shop.listed("40.00"), 1)])
    assert pump.finished(f"tenant:alpha:order:{order.id}:placement").status == "completed"
    fulfillment, delivery_id = _waiting_for_pickup(pump, order)

    registry.get("fleetbase", sandbox=True).fail(delivery_id, "recipient_unavailable")
    finished = pump.finished(fulfillment)

    assert finished.status == "completed"
    assert finished.result == {"outcome": "delivery_failed", "reason": "recipient_unavailable",
                               "delivery": {"delivery_order_id": delivery_id, "status": "failed", "canceled": False},
                               "notification": finished.result["notification"]}
    assert mailoutbox[-1].subject == f"We could not deliver your order #{order.display_id}"
    assert "recipient unavailable" in mailoutbox[-1].body
    assert EventOutbox.objects.filter(event_type="delivery.failed", aggregate_id=order.id).count() == 1
    assert AuditEntry.objects.get(workflow_id=fulfillment).outcome == "failed"
    order.refresh_from_db()
    assert (order.status, order.fulfillment_status) == ("pending", "not_fulfilled")  # for staff to re-dispatch


def test_a_multi_vendor_order_is_split_into_one_delivery_per_vendor_and_completes_when_all_arrive(
        shop, pump, mailoutbox):
    dates, coffee = shop.vendor(name="Dates Vendor"), shop.vendor(name="Coffee Vendor", commission_rate="0.20")
    order = shop.checkout([(shop.listed("100.00", vendor=dates), 1), (shop.listed("50.00", vendor=coffee), 2),
                           (shop.listed("10.00"), 1)])

    placement = pump.finished(f"tenant:alpha:order:{order.id}:placement")
    routing = pump.finished(f"tenant:alpha:order:{order.id}:routing")

    assert placement.status == routing.status == "completed", (placement.error, routing.error)
    assert placement.completed_steps == ["capture_payment", "reserve_inventory", "calculate_commissions",
                                         "create_accounting_entries", "send_confirmation", "record_audit_log"]
    assert routing.results["split_payment"]["amount_received"] == int(order.total * 100)
    deliveries = routing.results["create_delivery_orders_per_vendor"]["deliveries"]
    assert len(deliveries) == 3  # two vendors and the tenant's own line
    by_vendor = {vo.vendor_id: vo for vo in VendorOrder.objects.filter(order=order)}
    assert by_vendor[coffee.id].commission_amount == Decimal("23.0000")  # 20 % of 115.00
    assert all(vo.payment_allocated_at and vo.delivery_order_id for vo in by_vendor.values())
    assert {m.to[0] for m in mailoutbox if m.subject.startswith("New order")} == {dates.email, coffee.email}

    started = routing.results["start_fulfillments"]["workflow_ids"]
    pump.until(lambda: all(run(w) and run(w).current_step == "await_pickup" for w in started), message="dispatch")
    for made in deliveries:
        advance_delivery(made["delivery_order_id"])
    for workflow_id in started:
        assert pump.finished(workflow_id).status == "completed"
    order.refresh_from_db()
    assert (order.status, order.fulfillment_status) == ("completed", "delivered")
    assert order.fulfillments.count() == 3


def test_an_escrow_vendors_share_is_held_until_delivery_and_the_dispute_window_then_paid_out(shop, pump):
    vendor = shop.vendor(uses_escrow=True, escrow_days=2)
    order = shop.checkout([(shop.listed("200.00", vendor=vendor), 1)])
    escrow_id = f"tenant:alpha:order:{order.id}:escrow"

    assert pump.finished(f"tenant:alpha:order:{order.id}:placement").status == "completed"
    pump.until(lambda: run(escrow_id).current_step == "await_delivery_confirmation", message="the delivery wait")
    hold = EscrowHold.objects.get(order=order)
    assert (hold.status, hold.amount) == ("held", VendorOrder.objects.get(order=order).net_amount)
    assert CommissionTransaction.objects.get(order_id=order.id).status == "held"

    _, delivery_id = _waiting_for_pickup(pump, order)
    advance_delivery(delivery_id)
    released = pump.finished(escrow_id)

    assert released.status == "completed", released.error
    assert released.results["release_funds_or_hold"]["released"] is True
    hold.refresh_from_db()
    assert hold.status == "released" and hold.release_after is not None
    payout = Payout.objects.get(vendor=vendor)
    assert pump.finished(f"tenant:alpha:payout:{payout.id}:transfer").status == "completed"
    payout.refresh_from_db()
    assert payout.status == "paid"
    assert SandboxObject.objects.using("sandbox").get(kind="transfer", object_id=payout.transfer_id).data[
        "destination"] == vendor.stripe_account_id
    # the fulfilment leaves escrowed shares to the escrow run: no second payout
    fulfillment = run(f"tenant:alpha:delivery:{order.id}:fulfillment")
    assert "trigger_vendor_payout" not in fulfillment.results
