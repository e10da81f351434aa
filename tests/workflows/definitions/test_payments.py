"""WF-009 PaymentCapture, WF-012 InstallmentPayment, WF-005 OrderDispute, WF-015 GiftCard."""
from decimal import Decimal

from django.conf import settings

from cityos.money import round_money

from commerce.marketplace.models import CommissionTransaction
from commerce.payments.models import Dispute, InstallmentPlan, Payment
from integrations import registry
from integrations.models import SandboxObject
from tests.workflows.definitions.shop import advance_delivery, run
from workflows.audit.models import AuditEntry

ADMIN = {"HTTP_AUTHORIZATION": f"Bearer {settings.ADMIN_API_TOKEN}"}


def _admin(shop, path, data=None):
    from tests.support.tenants import host_client

    response = host_client("alpha.localhost").post(path, data or {}, format="json", **ADMIN)
    shop.use()
    return response


def test_a_manual_capture_order_is_captured_when_staff_ask_and_booked_once(shop, pump):
    order = shop.checkout([(shop.listed("90.00"), 1)], metadata={"capture_method": "manual"})
    placement = pump.finished(f"tenant:alpha:order:{order.id}:placement")
    assert placement.status == "completed"
    assert placement.results["capture_payment"]["captured"] is False
    order.refresh_from_db()
    assert order.payment_status == "authorized" and "payment_entry" not in order.external_refs["erpnext"]

    response = _admin(shop, f"/admin/api/orders/{order.id}/capture-requests")
    assert response.status_code == 202, response.json()
    capture = pump.finished(f"tenant:alpha:payment:{order.id}:capture")

    assert capture.status == "completed", capture.error
    order.refresh_from_db()
    assert (order.payment_status, order.paid_total) == ("captured", order.total)
    entry = registry.get("erpnext", sandbox=True).get_document("Payment Entry",
                                                             order.external_refs["erpnext"]["payment_entry"])
    assert (entry["docstatus"], Decimal(str(entry["paid_amount"]))) == (1, order.total)
    assert AuditEntry.objects.filter(workflow_id=capture.workflow_id, action="payment.captured").exists()
    assert _admin(shop, f"/admin/api/orders/{order.id}/capture-requests").status_code == 409


def _instalment_order(shop, count=3):
    order = shop.checkout([(shop.listed("100.00"), 1)], installments={"count": count, "interval": "weekly"})
    return order, InstallmentPlan.objects.get(order=order)


def test_an_instalment_plan_charges_each_instalment_when_it_falls_due_and_closes(shop, pump):
    order, plan = _instalment_order(shop)
    assert order.total == Decimal("138.0000")  # (100 + 20 shipping) + 15 % VAT
    assert [i.amount for i in plan.installments.all()] == [Decimal("46.0000")] * 3

    finished = pump.finished(f"tenant:alpha:order:{order.id}:installments")

    assert finished.status == "completed", finished.error
    assert [s for s in finished.completed_steps] == ["charge_first_installment", "wait_2", "charge_2", "wait_3",
                                                     "charge_3", "close_plan"]
    plan.refresh_from_db()
    order.refresh_from_db()
    assert (plan.status, plan.paid_total) == ("completed", order.total)
    assert (order.paid_total, order.payment_status) == (order.total, "captured")
    payments = list(Payment.objects.filter(order=order).order_by("created_at"))
    assert [p.captured_amount for p in payments] == [Decimal("46.0000")] * 3
    intents = SandboxObject.objects.using("sandbox").filter(kind="payment_intent",
                                                            object_id__in=[p.payment_intent_id for p in payments])
    assert [i.data["amount_received"] for i in intents] == [4600] * 3
    assert payments[0].amount == order.total  # the checkout authorised the total; the rest was released
    assert finished.results["charge_2"]["payment_entry"]  # booked in ERPNext
    # weekly instalments, scaled: 7 "days" apart
    waits = [finished.results[f"wait_{n}"] for n in (2, 3)]
    assert waits == [{"due": True}, {"due": True}]


def test_an_instalment_declined_three_times_defaults_the_plan_and_tells_the_shopper(shop, pump, mailoutbox):
    order, plan = _instalment_order(shop, count=2)
    InstallmentPlan.objects.filter(pk=plan.pk).update(payment_method="pm_card_chargeDeclinedExpiredCard")

    finished = pump.finished(f"tenant:alpha:order:{order.id}:installments")

    assert finished.status == "completed"
    assert finished.result["status"] == "defaulted"
    plan.refresh_from_db()
    second = plan.installments.get(sequence=2)
    assert (plan.status, second.status, second.attempts) == ("defaulted", "failed", 3)
    assert mailoutbox[-1].subject == "Payment of instalment 2 failed"
    assert AuditEntry.objects.filter(action="installment_plan.defaulted", entity_id=plan.id).exists()


def test_a_cancelled_plan_stops_the_instalments(shop, pump, settings):
    settings.WORKFLOW_DAY_SECONDS = 10  # a week is 70 s: the plan is cancelled long before
    order, plan = _instalment_order(shop)
    workflow_id = f"tenant:alpha:order:{order.id}:installments"
    pump.until(lambda: run(workflow_id) and run(workflow_id).current_step == "wait_2"
               and run(workflow_id).status == "waiting", message="the first wait")

    response = _admin(shop, f"/admin/api/installment-plans/{plan.pk}/cancel", {"reason": "paid off in store"})
    assert response.status_code == 200, response.json()
    finished = pump.finished(workflow_id)

    assert finished.result == {"status": "canceled", "reason": "paid off in store", "paid_installments": 1}
    assert Payment.objects.filter(order=order).count() == 1


def _delivered_vendor_order(shop, pump, vendor):
    order = shop.checkout([(shop.listed("100.00", vendor=vendor), 1)])
    assert pump.finished(f"tenant:alpha:order:{order.id}:placement").status == "completed"
    fulfillment = f"tenant:alpha:delivery:{order.id}:fulfillment"
    pump.until(lambda: (r := run(fulfillment)) and r.current_step == "await_pickup", message="the pickup wait")
    advance_delivery(run(fulfillment).results["ensure_delivery"]["delivery_order_id"])
    pump.until(lambda: run(fulfillment).current_step in ("payout_hold", "trigger_vendor_payout", ""),
               message="the delivery")
    order.refresh_from_db()
    return order


def test_a_lost_dispute_freezes_then_charges_the_vendor_and_books_the_chargeback(shop, pump, mailoutbox):
    vendor = shop.vendor()
    order = _delivered_vendor_order(shop, pump, vendor)

    response = _admin(shop, f"/admin/api/orders/{order.id}/disputes",
                      {"gateway_dispute_id": f"dp_{order.id[-10:]}", "reason": "fraudulent", "amount": "50.00"})
    assert response.status_code == 201, response.json()
    dispute = Dispute.objects.get(order=order)
    workflow_id = f"tenant:alpha:dispute:{dispute.pk}:resolution"
    pump.until(lambda: run(workflow_id) and run(workflow_id).current_step == "await_dispute_resolution",
               message="the dispute wait")
    vendor.refresh_from_db()
    assert vendor.frozen_by == [f"dispute {dispute.pk}"]
    dispute.refresh_from_db()
    assert dispute.status == "under_review" and dispute.evidence["order"]["number"] == order.display_id
    assert dispute.evidence["deliveries"][0]["status"] == "completed"

    assert _admin(shop, f"/admin/api/disputes/{dispute.pk}/close", {"status": "lost"}).status_code == 200
    finished = pump.finished(workflow_id)

    assert finished.status == "completed", finished.error
    vendor.refresh_from_db()
    order.refresh_from_db()
    assert vendor.frozen_by == []
    assert (order.refunded_total, order.payment_status) == (Decimal("50.0000"), "partially_refunded")
    reversal = CommissionTransaction.objects.get(order_id=order.id, kind="reversal")
    line_total = order.items.get().total  # the vendor's line: its share of the disputed 50.00
    assert reversal.gross == -round_money(line_total * 50 / order.paid_total, "SAR")
    assert reversal.reference == dispute.pk
    journal = registry.get("erpnext", sandbox=True).get_document(
        "Journal Entry", order.external_refs["erpnext"]["chargeback_entries"][0])
    assert journal["total_debit"] == 50.0
    to_vendor = [m for m in mailoutbox if m.to == [vendor.email]]
    assert [m.subject for m in to_vendor][-1] == f"Dispute on order #{order.display_id}: lost"


def test_a_won_dispute_unfreezes_the_vendor(shop, pump):
    vendor = shop.vendor()
    order = _delivered_vendor_order(shop, pump, vendor)
    dispute = _admin(shop, f"/admin/api/orders/{order.id}/disputes", {"gateway_dispute_id": f"dp_w{order.id[-9:]}"})
    dispute_id = dispute.json()["id"]
    workflow_id = f"tenant:alpha:dispute:{dispute_id}:resolution"
    pump.until(lambda: run(workflow_id) and run(workflow_id).status == "waiting", message="the dispute wait")

    _admin(shop, f"/admin/api/disputes/{dispute_id}/close", {"status": "won"})
    finished = pump.finished(workflow_id)

    assert finished.results["apply_dispute_outcome"] == {"outcome": "won", "payouts": "resumed"}
    vendor.refresh_from_db()
    assert vendor.frozen_by == []
    assert not CommissionTransaction.objects.filter(order_id=order.id, kind="reversal").exists()


def test_a_bought_gift_card_is_sent_once_its_order_is_paid_and_booked_as_a_liability(shop, pump, mailoutbox):
    card_variant = shop.listed("250.00", is_giftcard=True, kind="digital")
    order = shop.checkout([(card_variant, 1)])
    from commerce.giftcards.models import GiftCard

    card = GiftCard.objects.get(order_id=order.id)
    finished = pump.finished(f"tenant:alpha:gift_card:{card.pk}:lifecycle")

    assert finished.status == "completed", finished.error
    assert finished.completed_steps == ["generate_gift_card_code", "capture_payment", "send_gift_card_email",
                                        "create_accounting_entry"]
    mail = next(m for m in mailoutbox if "gift card" in m.subject)
    assert card.code in mail.body and mail.to == [order.email]
    journal = registry.get("erpnext", sandbox=True).get_document(
        "Journal Entry", finished.results["create_accounting_entry"]["journal_entry"])
    assert journal["total_credit"] == 250.0
