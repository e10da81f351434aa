"""WF-012 InstallmentPayment (seeds 003 §4.3.2): buy now, pay later.

Trigger `order.placed` when `payload.installment_plan` (the shopper chose instalments at
checkout: `installments: {count, interval}`); id `tenant:{t}:order:{order_id}:installments`.
The steps depend on the plan (`plan()`): for a plan of n instalments,

| Step | |
| ---- | - |
| charge_first_installment — the first instalment is captured from the checkout's authorisation by OrderPlacement; recorded paid | signal `order.payment_captured` (or `order.cancelled`: the run ends) |
| wait_k (k = 2…n) — until instalment k falls due | timer (the plan's interval), or signal `plan.cancelled` (the run ends) |
| charge_k — charge the stored payment method; a decline is retried after `installment_retry` (24 h), 3 attempts, then the plan defaults and the shopper is told (`installment-failed`); each paid instalment gets its ERPNext Payment Entry | Stripe, ERPNext |
| close_plan — the plan is completed, the order fully captured | commerce |
"""
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from cityos.errors import InvalidInput
from cityos.money import fmt
from commerce.orders import services as order_services
from commerce.payments import installments
from commerce.payments.models import InstallmentPlanStatus
from integrations import policies
from workflows.definition import Step, Workflow, register
from workflows.definitions.common import erp, notify, orders, timing
from workflows.definitions.common.steps import record_audit

ATTEMPTS = 3
CHARGE_POLICY = timing.policy(policies.PAYMENT_CAPTURE)


def _order_id(ctx) -> str:
    return ctx.input["order_id"]


def _plan_id(ctx) -> str:
    return ctx.input["installment_plan"]["plan_id"]


def charge_first_installment(ctx):
    signal = ctx.wait_for_signal(("order.payment_captured", "order.cancelled"), key=_order_id(ctx),
                                 timeout=timing.seconds("capture_wait"))
    if signal is None or signal.name == "order.cancelled":
        installments.cancel_plan(_plan_id(ctx), reason="the order was not confirmed")
        ctx.complete({"status": "canceled", "reason": "the order was cancelled" if signal else "not captured in time"})
    first = installments.record_first_paid(_plan_id(ctx))
    return {"sequence": 1, "amount": str(first.amount), "payment_intent_id": first.payment_intent_id}


def _due(ctx, sequence: int) -> float:
    """Seconds until instalment `sequence` falls due (the plan's interval, in scaled days)."""
    plan = ctx.input["installment_plan"]
    placed = parse_datetime(ctx.input.get("placed_at") or "") or timezone.now()
    interval_days = installments.INTERVAL_DAYS[plan["interval"]]
    due = placed + timedelta(seconds=timing.days(interval_days * (sequence - 1)))
    return max((due - timezone.now()).total_seconds(), 0.0)


def wait_step(sequence: int) -> Step:
    def run(ctx):
        signal = ctx.wait_for_signal("plan.cancelled", key=_plan_id(ctx), timeout=_due(ctx, sequence))
        if signal is not None:
            ctx.complete({"status": "canceled", "reason": signal.payload.get("reason") or "plan cancelled",
                          "paid_installments": sequence - 1})
        return {"due": True}

    return Step(f"wait_{sequence}", run, description=f"timer until instalment {sequence} (or signal plan.cancelled)")


def _book(ctx, installment) -> str | None:
    """The instalment's Payment Entry against the order's Sales Invoice."""
    refs = order_services.external_refs(_order_id(ctx), "erpnext")
    if not refs.get("sales_invoice"):
        return None
    order = orders.load(_order_id(ctx))
    adapter = erp.adapter()
    invoice = adapter.get_document("Sales Invoice", refs["sales_invoice"])
    outstanding = Decimal(str(invoice.get("outstanding_amount") or 0))
    entry = adapter.create_payment_entry(
        party=refs.get("customer") or erp.ensure_customer(order), paid_amount=installment.amount,
        currency=order.currency_code, paid_from=erp.account("Debtors"), paid_to=erp.account("Stripe Clearing"),
        reference_no=installment.payment_intent_id, idempotency_key=f"{ctx.idempotency_key}:payment",
        invoices=[{"name": invoice["name"], "amount": min(installment.amount, outstanding)}] if outstanding else [])
    return entry["name"]


def charge_step(sequence: int) -> Step:
    def run(ctx):
        current = installments.get_plan(_plan_id(ctx))
        if current.status != InstallmentPlanStatus.ACTIVE:
            ctx.complete({"status": current.status, "reason": current.note or "the plan is closed"})
        error = None
        for attempt in range(1, ATTEMPTS + 1):
            installment, error = installments.charge(_plan_id(ctx), sequence,
                                                     idempotency_key=f"{ctx.idempotency_key}:{attempt}")
            if error is None:
                return {"sequence": sequence, "amount": str(installment.amount), "attempts": attempt,
                        "payment_intent_id": installment.payment_intent_id, "payment_entry": _book(ctx, installment)}
            if attempt < ATTEMPTS:
                ctx.sleep(timing.seconds("installment_retry"))
        plan = installments.default_plan(_plan_id(ctx), reason=f"instalment {sequence} failed {ATTEMPTS} times: "
                                                               f"{error.message}")
        order = orders.load(_order_id(ctx))
        sent = notify.send("installment-failed", to=order.email, context=orders.context(order, installment={
            "sequence": sequence, "count": plan.count, "amount": orders.money(order, installment.amount),
            "reason": error.message}))
        record_audit(ctx, "installment_plan.defaulted", entity_type="installment_plan", entity_id=plan.id,
                     outcome="defaulted", summary=f"instalment {sequence} of {plan.count} failed {ATTEMPTS} times")
        ctx.complete({"status": "defaulted", "failed_installment": sequence, "notification": sent})

    return Step(f"charge_{sequence}", run, system="stripe", policy=CHARGE_POLICY, timeout=timing.timeout(120),
                description=f"charge instalment {sequence} (3 attempts, then notify)")


def close_plan(ctx):
    plan = installments.get_plan(_plan_id(ctx))
    order = orders.load(_order_id(ctx))
    return {"status": plan.status, "paid_total": fmt(plan.paid_total, plan.currency_code),
            "order_payment_status": order.payment_status, "completed": plan.status == InstallmentPlanStatus.COMPLETED}


@register
class InstallmentPayment(Workflow):
    type = "InstallmentPayment"
    domain = "order"
    action = "installments"
    entity_field = "order_id"
    signals = ("order.payment_captured", "order.cancelled")
    description = "WF-012: instalments charged when they fall due; failures retried, then the plan defaults"

    @classmethod
    def plan(cls, input: dict):
        count = int((input.get("installment_plan") or {}).get("count") or 0)
        steps = [Step("charge_first_installment", charge_first_installment)]
        for sequence in range(2, count + 1):
            steps += [wait_step(sequence), charge_step(sequence)]
        return steps + [Step("close_plan", close_plan)]

    @classmethod
    def validate_input(cls, input: dict) -> dict:
        plan = input.get("installment_plan") or {}
        if not input.get("order_id") or not plan.get("plan_id") or not plan.get("count"):
            raise InvalidInput("InstallmentPayment needs the order and its plan.",
                               fields={"input.installment_plan": ["{plan_id, count, interval} of the order's plan."]})
        return input

    @classmethod
    def input_from_event(cls, event) -> dict:
        payload = event.payload or {}
        return {"order_id": payload["order_id"], "installment_plan": payload["installment_plan"],
                "placed_at": payload.get("placed_at"), "email": payload.get("email")}
