"""WF-010 VendorPayout (seeds 003 §4.3.2): a vendor's payable balance to its connected account.

Trigger `payout.requested` (OrderFulfillment after the payout hold, EscrowManagement on release,
the daily `marketplace-request-payouts` beat job, or staff `POST /admin/api/vendors/{id}/payouts`);
id `tenant:{t}:payout:{payout_id}:transfer`.

| # | Step | System | Signals / timers |
| - | ---- | ------ | ---------------- |
| 1 | validate_payout_eligibility — active vendor, payouts not frozen by a dispute, a connected account (else `on_hold`; the shares wait for the next payout) | commerce | |
| 2 | verify_vendor_identity — first payout of a vendor not yet verified: Walt.id KYC | Walt.id | `kyc.verification.approved` / `rejected` (deadline `vendor_kyc`, 7 days) |
| 3 | calculate_net_payout — its shares, reversals deducted | commerce | |
| 4 | initiate_transfer — Stripe Connect transfer (idempotency key of the step) | Stripe | |
| 5 | await_transfer_completion | Stripe | `payment.transfer.completed` (deadline `transfer_confirmation`) |
| 6 | update_payout_status — paid, its shares `paid` | commerce | |
| 7 | create_settlement_report — journal entry Creditors → Bank | ERPNext | |
| 8 | notify_vendor — `vendor-payout` | content | |
"""
from cityos.errors import InvalidInput
from cityos.money import ZERO, fmt, to_minor
from commerce.marketplace import services as marketplace
from commerce.marketplace.models import PayoutStatus
from integrations import policies, registry
from workflows.definition import Step, Workflow, register
from workflows.definitions.common import erp, notify, timing
from workflows.definitions.common.steps import record_audit


def _payout_id(ctx) -> str:
    return ctx.input["payout_id"]


def _payout(ctx):
    return marketplace.get_payout(_payout_id(ctx))


def _hold(ctx, reason: str):
    marketplace.set_payout_status(_payout_id(ctx), PayoutStatus.ON_HOLD, reason=reason)
    record_audit(ctx, "payout.on_hold", entity_type="payout", entity_id=_payout_id(ctx), outcome="on_hold",
                 summary=reason)
    ctx.complete({"paid": False, "reason": reason})


def validate_payout_eligibility(ctx):
    payout = _payout(ctx)
    if payout.status == PayoutStatus.PAID:
        ctx.complete({"paid": True, "reason": "paid before"})
    blockers = marketplace.payout_blockers(payout)
    if blockers:
        _hold(ctx, "; ".join(blockers))
    return {"eligible": True, "vendor_id": payout.vendor_id, "first_payout": payout.vendor.identity_verified_at is None}


def verify_vendor_identity(ctx):
    vendor = _payout(ctx).vendor
    session = registry.get("waltid").start_kyc(entity_type="vendor", entity_id=vendor.id,
                                                idempotency_key=f"kyc:{ctx.tenant_id}:{vendor.id}",
                                                verification_level="enhanced")
    signal = ctx.wait_for_signal(("kyc.verification.approved", "kyc.verification.rejected"),
                                 key=session["session_id"], timeout=timing.seconds("vendor_kyc"))
    if signal is None or signal.name == "kyc.verification.rejected":
        reason = "identity verification timed out" if signal is None else (
            f"identity verification rejected ({signal.payload.get('rejection_reason') or 'no reason'})")
        _hold(ctx, reason)
    marketplace.mark_identity_verified(vendor.id, session_id=session["session_id"])
    return {"session_id": session["session_id"], "verified": True}


def calculate_net_payout(ctx):
    payout = _payout(ctx)
    transactions = list(payout.transactions.all())
    net = sum((tx.net for tx in transactions), ZERO)
    if net != payout.amount:
        raise InvalidInput(f"The payout's shares add up to {net}, not {payout.amount}.", code="payout_mismatch")
    return {"amount": fmt(net, payout.currency_code), "amount_minor": to_minor(net, payout.currency_code),
            "currency_code": payout.currency_code, "transactions": len(transactions)}


def initiate_transfer(ctx):
    payout = _payout(ctx)
    marketplace.set_payout_status(payout.id, PayoutStatus.PROCESSING)
    transfer = registry.get("stripe").create_transfer(
        amount=ctx.results["calculate_net_payout"]["amount_minor"], currency=payout.currency_code.lower(),
        destination=payout.vendor.stripe_account_id, idempotency_key=ctx.idempotency_key, transfer_group=payout.id,
        metadata={"payout_id": payout.id, "vendor_id": payout.vendor_id})
    return {"transfer_id": transfer["id"]}


def await_transfer_completion(ctx):
    transfer_id = ctx.results["initiate_transfer"]["transfer_id"]
    signal = ctx.wait_for_signal("payment.transfer.completed", key=transfer_id,
                                 timeout=timing.seconds("transfer_confirmation"))
    # No webhook in time: Stripe created the transfer (its answer said so); record that.
    return {"transfer_id": transfer_id, "confirmed_by": "webhook" if signal else "api"}


def update_payout_status(ctx):
    payout = marketplace.set_payout_status(_payout_id(ctx), PayoutStatus.PAID,
                                           transfer_id=ctx.results["initiate_transfer"]["transfer_id"])
    return {"status": payout.status, "paid_at": payout.paid_at.isoformat() if payout.paid_at else None}


def create_settlement_report(ctx):
    payout = _payout(ctx)
    if payout.amount <= ZERO:
        return {"journal_entry": None}
    supplier = erp.ensure_supplier(payout.vendor)
    entry = erp.adapter().create_journal_entry(idempotency_key=ctx.idempotency_key, user_remark=(
        f"Payout {payout.id} to {payout.vendor.name} (transfer {payout.transfer_id})"), accounts=[
        {"account": erp.account("Creditors"), "debit": payout.amount, "party_type": "Supplier", "party": supplier},
        {"account": erp.account("Bank"), "credit": payout.amount}])
    marketplace.set_payout_metadata(payout.id, {"erp_journal_entry": entry["name"]})
    return {"journal_entry": entry["name"]}


def notify_vendor(ctx):
    payout = _payout(ctx)
    return notify.send("vendor-payout", to=payout.vendor.email, context={
        "vendor": {"name": payout.vendor.name},
        "payout": {"id": payout.id, "amount": f"{fmt(payout.amount, payout.currency_code)} {payout.currency_code}",
                   "transfer_id": payout.transfer_id, "transactions": payout.transactions.count()}})


@register
class VendorPayout(Workflow):
    type = "VendorPayout"
    domain = "payout"
    action = "transfer"
    entity_field = "payout_id"
    description = "WF-010: eligibility, first-payout KYC, transfer, confirmation, settlement, notification"
    steps = [
        Step("validate_payout_eligibility", validate_payout_eligibility),
        Step("verify_vendor_identity", verify_vendor_identity, system="waltid",
             policy=timing.policy(policies.IDENTITY_VERIFY), timeout=timing.timeout(60),
             when=lambda ctx: ctx.results["validate_payout_eligibility"]["first_payout"]),
        Step("calculate_net_payout", calculate_net_payout),
        Step("initiate_transfer", initiate_transfer, system="stripe", policy=timing.policy(policies.PAYMENT_TRANSFER),
             timeout=timing.timeout(120)),
        Step("await_transfer_completion", await_transfer_completion,
             description="awaitTransferCompletion (signal payment.transfer.completed)"),
        Step("update_payout_status", update_payout_status),
        Step("create_settlement_report", create_settlement_report, system="erpnext",
             policy=timing.policy(policies.ERP_JOURNAL), timeout=timing.timeout(60)),
        Step("notify_vendor", notify_vendor, system="content", policy=timing.policy(policies.CONTENT_NOTIFY),
             timeout=timing.timeout(30)),
    ]

    @classmethod
    def validate_input(cls, input: dict) -> dict:
        if not input.get("payout_id"):
            raise InvalidInput("VendorPayout needs the payout.", fields={"input.payout_id": ["Required."]})
        return input
