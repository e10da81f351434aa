"""WF-015 GiftCard (seeds 003 §4.3.2): a bought gift card reaches its recipient once it is paid.

Triggers `gift_card.purchased` (a gift-card product bought at checkout, store credit for a return,
a card staff issued) and `gift_card.redeemed`; ids `tenant:{t}:gift_card:{card}:lifecycle` and
`…:{card}.redeem.{event}:lifecycle`.

Purchase:

| # | Step | System |
| - | ---- | ------ |
| 1 | generate_gift_card_code — the card and its code (issued with the order); a disabled card ends the run | commerce |
| 2 | capture_payment — a card bought with an order waits for that order's capture (`order.payment_captured`; `order.cancelled` ends the run: the card was disabled with the order) | Stripe (via WF-001) |
| 3 | send_gift_card_email — `gift-card-delivery` to the recipient (or the buyer) | content |
| 4 | create_accounting_entry — the sale becomes a liability until redeemed: Sales → Refunds Payable (store-credit cards were booked by their return) | ERPNext |

Redemption: `record_redemption` (audit entry with the remaining balance).
"""
from cityos.errors import InvalidInput
from cityos.money import fmt
from commerce.giftcards.models import GiftCard
from commerce.orders import services as order_services
from integrations import policies
from workflows.definition import Step, Workflow, register
from workflows.definitions.common import erp, notify, orders, timing
from workflows.definitions.common.steps import record_audit


def _card(ctx) -> GiftCard:
    return GiftCard.objects.select_related("customer").get(pk=ctx.input["gift_card_id"])


def generate_gift_card_code(ctx):
    card = _card(ctx)
    if card.is_disabled:
        ctx.complete({"delivered": False, "reason": "the card is disabled"})
    return {"code_last4": card.code[-4:], "value": fmt(card.value, card.currency_code), "order_id": card.order_id}


def capture_payment(ctx):
    card = _card(ctx)
    if not card.order_id:
        return {"paid_by": "no sale (store credit or issued by staff)"}
    signal = ctx.wait_for_signal(("order.payment_captured", "order.cancelled"), key=card.order_id,
                                 timeout=timing.seconds("capture_wait"))
    if signal is None or signal.name == "order.cancelled":
        ctx.complete({"delivered": False, "reason": "the order was cancelled" if signal else "not paid in time"})
    return {"paid_by": "order", "order_id": card.order_id}


def send_gift_card_email(ctx):
    card = _card(ctx)
    buyer = card.customer
    buyer_name = " ".join(part for part in (getattr(buyer, "first_name", ""), getattr(buyer, "last_name", ""))
                          if part) or (buyer.email.split("@")[0] if buyer else orders.store_name())
    recipient = card.recipient_email or (buyer.email if buyer else "")
    return notify.send("gift-card-delivery", to=recipient, context={
        "gift_card": {"code": card.code, "amount": f"{fmt(card.value, card.currency_code)} {card.currency_code}",
                      "balance": f"{fmt(card.balance, card.currency_code)} {card.currency_code}",
                      "expires_at": card.expires_at.date().isoformat() if card.expires_at else "never"},
        "sender": {"name": buyer_name}, "store": {"name": orders.store_name()}})


def create_accounting_entry(ctx):
    card = _card(ctx)
    if not card.order_id:
        return {"journal_entry": None, "reason": "not a sale: store credit is booked by its return"}
    entry = erp.adapter().create_journal_entry(idempotency_key=ctx.idempotency_key, user_remark=(
        f"Gift card …{card.code[-4:]} sold with order {card.order_id}"), accounts=[
        {"account": erp.account("Sales"), "debit": card.value},
        {"account": erp.account("Refunds Payable"), "credit": card.value}])
    order_services.record_external_refs(card.order_id, "erpnext", {"gift_card_entries": [entry["name"]]})
    return {"journal_entry": entry["name"]}


def record_redemption(ctx):
    card = _card(ctx)
    return record_audit(ctx, "gift_card.redeemed", entity_type="gift_card", entity_id=card.id,
                        summary=f"{ctx.input.get('amount')} {card.currency_code} redeemed; balance "
                                f"{fmt(card.balance, card.currency_code)}",
                        details={"order_id": ctx.input.get("order_id"), "amount": ctx.input.get("amount")})


PURCHASE = [
    Step("generate_gift_card_code", generate_gift_card_code),
    Step("capture_payment", capture_payment, description="capturePayment (the order's capture)"),
    Step("send_gift_card_email", send_gift_card_email, system="content", policy=timing.policy(policies.CONTENT_NOTIFY),
         timeout=timing.timeout(30)),
    Step("create_accounting_entry", create_accounting_entry, system="erpnext",
         policy=timing.policy(policies.ERP_JOURNAL), timeout=timing.timeout(60)),
]
REDEEM = [Step("record_redemption", record_redemption)]


@register
class GiftCardWorkflow(Workflow):
    type = "GiftCard"
    domain = "gift_card"
    action = "lifecycle"
    entity_field = "gift_card_id"
    signals = ("order.payment_captured", "order.cancelled")
    description = "WF-015: deliver a paid gift card and book it; record redemptions"

    @classmethod
    def plan(cls, input: dict):
        return REDEEM if input.get("action") == "redeem" else PURCHASE

    @classmethod
    def validate_input(cls, input: dict) -> dict:
        if not input.get("gift_card_id"):
            raise InvalidInput("GiftCard needs the card.", fields={"input.gift_card_id": ["Required."]})
        return input

    @classmethod
    def input_from_event(cls, event) -> dict:
        return {**(event.payload or {}), "action": "redeem" if event.event_type == "gift_card.redeemed" else "purchase"}

    @classmethod
    def key_from_event(cls, event) -> tuple[str, str]:
        if event.event_type == "gift_card.redeemed":
            return cls.domain, f"{event.aggregate_id}.redeem.{event.id.hex[:12]}"
        return cls.domain, event.aggregate_id
