"""The real flow end to end, inline: checkout → OrderPlacement → the courier moves the delivery
(Fleetbase sandbox webhooks) → OrderFulfillment → delivered → review reminders after their
timers, the vendor's payout, loyalty points."""
from decimal import Decimal

from commerce.loyalty.services import balance
from commerce.marketplace.models import CommissionTransaction, Payout, VendorOrder
from integrations import registry
from integrations.models import SandboxObject
from tests.workflows.definitions.shop import advance_delivery, run
from workflows.models import StepRun

EMAIL_SUBJECTS_AFTER_DELIVERY = {"How did you like your order", "A last word about your order", "You earned",
                                 "Payout of"}


def test_an_order_from_checkout_to_delivery_reminders_payout_and_points(shop, pump, mailoutbox, password_hash):
    vendor = shop.vendor(commission_rate="0.10")
    variant = shop.listed("100.00", stock=5, vendor=vendor)
    customer, token = shop.customer(password_hash)
    points_before = balance(customer.pk)["balance"]
    order = shop.checkout([(variant, 1)], token=token, email=customer.email)

    assert pump.finished(f"tenant:alpha:order:{order.id}:placement").status == "completed"
    vendor_order = VendorOrder.objects.get(order=order)
    assert (vendor_order.subtotal, vendor_order.commission_amount, vendor_order.net_amount) == (
        Decimal("115.0000"), Decimal("11.5000"), Decimal("103.5000"))  # 100 + 15 % VAT; 10 % commission
    sale = CommissionTransaction.objects.get(order_id=order.id)
    assert sale.status == "pending"

    fulfillment_id = f"tenant:alpha:delivery:{order.id}:fulfillment"
    waiting = pump.until(lambda: (r := run(fulfillment_id)) and r.status == "waiting" and r, message="the pickup wait")
    assert waiting.current_step == "await_pickup" and waiting.wait_signals == [
        "delivery.order.picked_up", "delivery.order.failed", "delivery.order.canceled"]
    delivery_id = waiting.results["ensure_delivery"]["delivery_order_id"]
    assert SandboxObject.objects.using("sandbox").get(kind="order", object_id=delivery_id).data["status"] == "dispatched"

    advance_delivery(delivery_id)  # driver assigned, picked up, en route, delivered — each a Fleetbase webhook
    fulfilled = pump.finished(fulfillment_id)

    assert fulfilled.status == "completed", fulfilled.error
    assert fulfilled.results["await_pickup"]["driver_id"].startswith("driver_")
    assert fulfilled.results["await_delivery_proof"]["proof"]["type"] == "photo"
    order.refresh_from_db()
    assert (order.status, order.payment_status, order.fulfillment_status) == ("completed", "captured", "delivered")
    assert variant.inventory_item.levels.get().stocked_quantity == 4  # taken off the shelf at pickup
    issue = registry.get("erpnext", sandbox=True).get_document(
        "Stock Entry", order.external_refs["erpnext"]["stock_entries"][0])
    assert (issue["stock_entry_type"], issue["docstatus"]) == ("Material Issue", 1)

    # T + 7 days (scaled): the share became payable and VendorPayout transferred it.
    payout = Payout.objects.get(vendor=vendor)
    paid = pump.finished(f"tenant:alpha:payout:{payout.id}:transfer")
    assert paid.status == "completed", paid.error
    assert paid.results["await_transfer_completion"]["confirmed_by"] == "webhook"
    payout.refresh_from_db()
    sale.refresh_from_db()
    assert (payout.status, payout.amount, sale.status) == ("paid", Decimal("103.5000"), "paid")
    transfer = SandboxObject.objects.using("sandbox").get(kind="transfer", object_id=payout.transfer_id).data
    assert (transfer["amount"], transfer["destination"]) == (10350, vendor.stripe_account_id)

    reminders = pump.finished(f"tenant:alpha:order:{order.id}:review-reminder")
    assert reminders.status == "completed"
    points = pump.finished(f"tenant:alpha:loyalty:{order.id}:points")
    assert points.results["calculate_points_earned"]["points"] == int(order.paid_total)
    assert balance(customer.pk)["balance"] == points_before + int(order.paid_total)

    subjects = [m.subject for m in mailoutbox]
    assert subjects[0] == f"Your order #{order.display_id} is confirmed"
    assert {prefix for prefix in EMAIL_SUBJECTS_AFTER_DELIVERY if any(s.startswith(prefix) for s in subjects)} \
        == EMAIL_SUBJECTS_AFTER_DELIVERY
    assert StepRun.objects.filter(run=reminders, step="wait_for_review_window", status="completed").exists()
