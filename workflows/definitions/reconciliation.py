"""WF-014 Reconciliation (seeds 003 §4.3.2): every night, the day's money checked three ways.

Scheduled daily at 02:00 UTC for every active tenant (beat `workflows-scheduled-Reconciliation`;
id `tenant:{t}:reconciliation:{YYYYMMDDT0000Z}:daily`); it reconciles the previous day (or
`input.date` when started by hand: `manage.py trigger_workflow Reconciliation --tenant T
--entity-id 2026-03-01 --input '{"date": "2026-03-01"}'`).

| # | Step | System |
| - | ---- | ------ |
| 1 | fetch_gateway_transactions — each PaymentIntent of the day's captures and refunds, as the gateway has it | Stripe |
| 2 | fetch_commerce_transactions — the day's captured payments and refunds | commerce |
| 3 | compare_and_find_discrepancies — missing at the gateway, amounts or states that differ, captures without their ERPNext Payment Entry | ERPNext |
| 4 | create_reconciliation_report — the day's report (admin: Reconciliation reports; `GET /admin/api/reconciliation-reports`) | commerce |
| 5 | flag_unmatched_transactions — one audit entry per difference | audit |
| 6 | notify_finance_team — `reconciliation-discrepancies` to the tenant's owners and administrators, when there are differences | content |
"""
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from celery.schedules import crontab
from django.utils import timezone

from cityos.money import fmt, to_minor
from commerce.orders.models import Order
from commerce.payments import reconciliation
from integrations import errors, policies, registry
from workflows.definition import Step, Workflow, register
from workflows.definitions.common import erp, notify, orders, timing
from workflows.definitions.common.steps import record_audit


def reconciled_day(ctx) -> date:
    if ctx.input.get("date"):
        return date.fromisoformat(ctx.input["date"])
    scheduled = ctx.input.get("scheduled_for")
    moment = datetime.strptime(scheduled, "%Y%m%dT%H%MZ") if scheduled else timezone.now()
    return moment.date() - timedelta(days=1)


def _intent_ids(day) -> dict[str, str]:
    """{payment_intent_id: provider} of the day's captures and refunds."""
    found = {payment.payment_intent_id: payment.provider for payment in reconciliation.payments_of_day(day)}
    for refund in reconciliation.refunds_of_day(day):
        found.setdefault(refund.payment.payment_intent_id, refund.payment.provider)
    return found


def fetch_gateway_transactions(ctx):
    gateway = {}
    for intent_id, provider in sorted(_intent_ids(reconciled_day(ctx)).items()):
        stripe = registry.get("stripe", sandbox=provider == "sandbox")
        try:
            intent = stripe.retrieve_payment_intent(intent_id)
        except errors.InvalidArgumentError:
            gateway[intent_id] = {"missing": True}
            continue
        gateway[intent_id] = {"status": intent.get("status"), "amount_received": intent.get("amount_received", 0),
                              "currency": (intent.get("currency") or "").upper()}
    return {"date": reconciled_day(ctx).isoformat(), "intents": gateway}


def fetch_commerce_transactions(ctx):
    day = reconciled_day(ctx)
    payments = {}
    for payment in reconciliation.payments_of_day(day).select_related("order"):
        payments[payment.payment_intent_id] = {
            "order_id": payment.order_id, "currency": payment.currency_code,
            "captured_minor": to_minor(payment.captured_amount, payment.currency_code),
            "captured": fmt(payment.captured_amount, payment.currency_code)}
    refunds = [{"refund_id": refund.id, "order_id": refund.order_id, "payment_intent_id": refund.payment.payment_intent_id,
                "amount": fmt(refund.amount, refund.payment.currency_code), "currency": refund.payment.currency_code,
                "reason": refund.reason}
               for refund in reconciliation.refunds_of_day(day)]
    return {"payments": payments, "refunds": refunds}


def _erp_problem(order: Order, row: dict) -> dict | None:
    """What is wrong with the capture's booking in ERPNext (None: booked as captured)."""
    refs = (order.external_refs or {}).get("erpnext") or {}
    if order.refunded_total >= order.paid_total or refs.get("accounting_reversed"):
        return None  # refunded in full: its booking was reversed with it
    name = refs.get("payment_entry")
    if not name:
        return {"kind": "not_booked_in_erpnext"}
    try:
        entry = erp.adapter().get_document("Payment Entry", name)
    except errors.InvalidArgumentError:
        return {"kind": "not_booked_in_erpnext", "payment_entry": name}
    if entry.get("docstatus") != 1:
        return {"kind": "erpnext_entry_not_submitted", "payment_entry": name}
    if order.payments.count() == 1 and to_minor(Decimal(str(entry.get("paid_amount") or 0)),
                                                row["currency"]) != row["captured_minor"]:
        return {"kind": "erpnext_amount_mismatch", "payment_entry": name,
                "erpnext_amount": str(entry.get("paid_amount"))}
    return None


def compare_and_find_discrepancies(ctx):
    gateway = ctx.results["fetch_gateway_transactions"]["intents"]
    commerce = ctx.results["fetch_commerce_transactions"]["payments"]
    found = []
    orders_by_id = Order.objects.in_bulk({row["order_id"] for row in commerce.values()})
    for intent_id, row in sorted(commerce.items()):
        seen = gateway.get(intent_id) or {"missing": True}
        if seen.get("missing"):
            found.append({"kind": "missing_at_gateway", "payment_intent_id": intent_id, "order_id": row["order_id"]})
            continue
        if seen["amount_received"] != row["captured_minor"]:
            found.append({"kind": "amount_mismatch", "payment_intent_id": intent_id, "order_id": row["order_id"],
                          "commerce_minor": row["captured_minor"], "gateway_minor": seen["amount_received"]})
        if seen["status"] != "succeeded":
            found.append({"kind": "status_mismatch", "payment_intent_id": intent_id, "order_id": row["order_id"],
                          "gateway_status": seen["status"]})
        order = orders_by_id.get(row["order_id"])
        problem = _erp_problem(order, row) if order is not None else None
        if problem:
            found.append({**problem, "payment_intent_id": intent_id, "order_id": order.id})
    totals = defaultdict(int)
    gateway_totals = defaultdict(int)
    for intent_id, row in commerce.items():
        totals[row["currency"]] += row["captured_minor"]
        gateway_totals[row["currency"]] += (gateway.get(intent_id) or {}).get("amount_received", 0)
    return {"discrepancies": found, "commerce_total_minor": dict(totals), "gateway_total_minor": dict(gateway_totals)}


def create_reconciliation_report(ctx):
    compared = ctx.results["compare_and_find_discrepancies"]
    fetched = ctx.results["fetch_commerce_transactions"]
    report = reconciliation.save_report(
        reconciled_day(ctx), payments_checked=len(fetched["payments"]), refunds_checked=len(fetched["refunds"]),
        commerce_total=compared["commerce_total_minor"], gateway_total=compared["gateway_total_minor"],
        discrepancies=compared["discrepancies"], workflow_id=ctx.workflow_id)
    return {"report_id": report.id, "balanced": report.balanced, "discrepancies": len(report.discrepancies)}


def flag_unmatched_transactions(ctx):
    flagged = []
    for item in ctx.results["compare_and_find_discrepancies"]["discrepancies"]:
        action = f"reconciliation.{item['kind']}:{item['payment_intent_id']}"[:100]
        record_audit(ctx, action, entity_type="order", entity_id=item["order_id"], outcome="unmatched",
                     summary=f"{item['kind'].replace('_', ' ')} ({item['payment_intent_id']})", details=item)
        flagged.append(item["payment_intent_id"])
    return {"flagged": flagged}


def finance_team() -> list[str]:
    from django.db import connection

    from tenants.models import TenantMembership

    return sorted({email for email in TenantMembership.objects.filter(
        tenant__schema_name=connection.schema_name, role__in=("owner", "admin")).values_list("user__email", flat=True)
        if email})


def notify_finance_team(ctx):
    report = ctx.results["create_reconciliation_report"]
    found = ctx.results["compare_and_find_discrepancies"]["discrepancies"]
    return notify.send("reconciliation-discrepancies", to=finance_team(), context={
        "store": {"name": orders.store_name()},
        "reconciliation": {"date": reconciled_day(ctx).isoformat(), "count": len(found), "report_id": report["report_id"],
                           "summary": "; ".join(f"{d['kind'].replace('_', ' ')}: {d['payment_intent_id']}"
                                                for d in found[:20])}})


@register
class Reconciliation(Workflow):
    type = "Reconciliation"
    domain = "reconciliation"
    action = "daily"
    entity_field = "date"
    schedule = crontab(hour=2, minute=0)
    schedule_period = 86400
    description = "WF-014: the day's captures and refunds against the gateway and ERPNext"
    steps = [
        Step("fetch_gateway_transactions", fetch_gateway_transactions, system="stripe",
             policy=timing.policy(policies.PAYMENT_CAPTURE), timeout=timing.timeout(300)),
        Step("fetch_commerce_transactions", fetch_commerce_transactions),
        Step("compare_and_find_discrepancies", compare_and_find_discrepancies, system="erpnext",
             policy=timing.policy(policies.ERP_SYNC_ORDER), timeout=timing.timeout(300)),
        Step("create_reconciliation_report", create_reconciliation_report),
        Step("flag_unmatched_transactions", flag_unmatched_transactions),
        Step("notify_finance_team", notify_finance_team, system="content", policy=timing.policy(policies.CONTENT_NOTIFY),
             timeout=timing.timeout(30), when=lambda ctx: not ctx.results["create_reconciliation_report"]["balanced"]),
    ]
