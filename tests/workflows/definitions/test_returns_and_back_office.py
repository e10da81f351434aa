"""WF-004 ReturnAndRefund, WF-010 VendorPayout's identity check and holds, WF-013 review points,
WF-014 Reconciliation."""
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from commerce.loyalty.services import balance
from commerce.marketplace import services as marketplace
from commerce.marketplace.models import CommissionTransaction, Payout
from commerce.orders.models import Return
from commerce.payments.models import Payment, ReconciliationReport
from commerce.reviews import services as reviews
from integrations import registry
from tests.workflows.definitions.shop import advance_delivery, run
from tests.workflows.definitions.test_payments import _admin, _delivered_vendor_order
from workflows import services as workflow_services
from workflows.audit.models import AuditEntry


def _return(shop, order, token=None, method="drop_off", condition="unopened"):
    line = order.items.get()
    response = shop.post(f"/store/orders/{order.id}/returns", {
        "items": [{"line_item_id": line.pk, "quantity": 1, "reason": "too big", "condition": condition}],
        "return_method": method, "email": order.email}, token=token)
    assert response.status_code == 201, response.json()
    return Return.objects.get(pk=response.json()["id"])


def test_a_return_is_refunded_restocked_and_the_vendor_share_taken_back_once_the_goods_arrive(
        shop, pump, mailoutbox):
    vendor = shop.vendor()
    order = _delivered_vendor_order(shop, pump, vendor)
    ret = _return(shop, order)
    workflow_id = f"tenant:alpha:return:{ret.pk}:refund"
    pump.until(lambda: run(workflow_id) and run(workflow_id).current_step == "await_return_receipt"
               and run(workflow_id).status == "waiting", message="the receipt wait")

    assert _admin(shop, f"/admin/api/returns/{ret.pk}/arrived").status_code == 200
    finished = pump.finished(workflow_id)

    assert finished.status == "completed", finished.error
    ret.refresh_from_db()
    order.refresh_from_db()
    assert ret.status == "refunded"
    assert order.refunded_total == ret.refund_amount and order.fulfillment_status == "returned"
    assert order.items.get().variant.inventory_item.levels.get().stocked_quantity == 10  # back on the shelf
    receipt = registry.get("erpnext", sandbox=True).get_document("Stock Entry",
                                                               finished.results["restock_items"]["stock_entry"])
    assert (receipt["stock_entry_type"], receipt["docstatus"]) == ("Material Receipt", 1)
    reversal = CommissionTransaction.objects.get(order_id=order.id, kind="reversal")
    assert reversal.gross == -ret.refund_amount and reversal.reference == ret.pk
    assert any(m.subject == f"Your refund for order #{order.display_id}" for m in mailoutbox)
    assert AuditEntry.objects.filter(workflow_id=workflow_id, action="return.refunded").exists()


def test_a_return_of_goods_not_yet_delivered_is_rejected_and_the_shopper_told(shop, pump, mailoutbox):
    order = shop.checkout([(shop.listed("30.00"), 1)])
    assert pump.finished(f"tenant:alpha:order:{order.id}:placement").status == "completed"
    fulfillment = f"tenant:alpha:delivery:{order.id}:fulfillment"
    pump.until(lambda: (r := run(fulfillment)) and r.current_step == "await_pickup", message="the pickup wait")
    advance_delivery(run(fulfillment).results["ensure_delivery"]["delivery_order_id"], steps=2)  # picked up only
    pump.until(lambda: run(fulfillment).current_step == "track_delivery", message="the pickup")
    order.refresh_from_db()

    ret = _return(shop, order)
    finished = pump.finished(f"tenant:alpha:return:{ret.pk}:refund")

    assert finished.result["refunded"] is False
    ret.refresh_from_db()
    assert ret.status == "rejected"
    assert mailoutbox[-1].subject == f"Your return for order #{order.display_id}"
    assert "not been delivered" in mailoutbox[-1].body


def test_a_first_payout_waits_for_the_vendors_identity_check(shop, pump):
    vendor = shop.vendor()
    marketplace.update_vendor(vendor.id, {"identity_verified_at": None})
    order = _delivered_vendor_order(shop, pump, vendor)
    payout = pump.until(lambda: Payout.objects.filter(vendor=vendor).first(), message="the payout request")
    workflow_id = f"tenant:alpha:payout:{payout.pk}:transfer"
    waiting = pump.until(lambda: run(workflow_id) and run(workflow_id).status == "waiting" and run(workflow_id),
                         message="the KYC wait")
    assert waiting.current_step == "verify_vendor_identity"

    registry.get("waltid", sandbox=True).decide(waiting.wait_key, approve=True)
    shop.use()
    finished = pump.finished(workflow_id)

    assert finished.status == "completed", finished.error
    vendor.refresh_from_db()
    payout.refresh_from_db()
    assert vendor.identity_verified_at is not None and payout.status == "paid"
    assert CommissionTransaction.objects.get(order_id=order.id).status == "paid"


def test_a_payout_to_a_vendor_frozen_by_a_dispute_is_held_and_its_shares_wait(shop, pump):
    vendor = shop.vendor()
    marketplace.freeze_payouts([vendor.id], reason="dispute dsp_test")
    order = _delivered_vendor_order(shop, pump, vendor)
    payout = pump.until(lambda: Payout.objects.filter(vendor=vendor).first(), message="the payout request")

    finished = pump.finished(f"tenant:alpha:payout:{payout.pk}:transfer")

    assert finished.result == {"paid": False, "reason": "payouts are frozen (dispute dsp_test)"}
    payout.refresh_from_db()
    tx = CommissionTransaction.objects.get(order_id=order.id)
    assert (payout.status, tx.status, tx.payout_id) == ("on_hold", "payable", None)


def test_a_review_earns_points(shop, pump, password_hash):
    customer, token = shop.customer(password_hash)
    product = shop.product("10.00")
    before = balance(customer.pk)["balance"]
    review = reviews.submit(customer, product, rating=5, title="Lovely")

    finished = pump.finished(f"tenant:alpha:loyalty:{review.pk}:points")

    assert finished.status == "completed", finished.error
    assert balance(customer.pk)["balance"] == before + 50


def test_reconciliation_finds_a_capture_the_gateway_disagrees_with_and_tells_the_owners(shop, pump, mailoutbox):
    owner = get_user_model().objects.create_user("alpha-finance", "finance@alpha.example.com", "pw-123456789")
    from tenants.models import TenantMembership

    TenantMembership.objects.create(user=owner, tenant=shop.tenant, role="owner")
    good = shop.checkout([(shop.listed("20.00"), 1)])
    bad = shop.checkout([(shop.listed("30.00"), 1)])
    for order in (good, bad):
        assert pump.finished(f"tenant:alpha:order:{order.id}:placement").status == "completed"
    Payment.objects.filter(order=bad).update(captured_amount=Decimal("1.0000"))  # the ledger went wrong
    today = timezone.now().date().isoformat()

    started = workflow_services.start_workflow("Reconciliation", {"date": today}, entity_id=today)
    finished = pump.finished(started.run.workflow_id)

    assert finished.status == "completed", finished.error
    report = ReconciliationReport.objects.get(date=date.fromisoformat(today))
    kinds = {(d["kind"], d["order_id"]) for d in report.discrepancies}
    assert ("amount_mismatch", bad.id) in kinds and ("erpnext_amount_mismatch", bad.id) in kinds
    assert not any(order_id == good.id for _, order_id in kinds)
    assert report.balanced is False and report.payments_checked >= 2
    assert AuditEntry.objects.filter(workflow_id=finished.workflow_id, outcome="unmatched", entity_id=bad.id).exists()
    mail = mailoutbox[-1]
    assert mail.to == ["finance@alpha.example.com"] and "payment differences" in mail.subject
