"""Gift cards: issue, check and redeem a balance (and give it back when an order is cancelled)."""
import secrets
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cityos.errors import Conflict, InvalidInput, NotFound, Unprocessable
from cityos.money import fmt, round_money
from commerce import events
from commerce.giftcards.models import GiftCard, GiftCardTransaction, GiftCardTransactionKind

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_code() -> str:
    groups = ["".join(secrets.choice(_CODE_ALPHABET) for _ in range(4)) for _ in range(4)]
    return "-".join(groups)


def normalize_code(code: str) -> str:
    return (code or "").strip().upper()


def issue(*, amount, currency_code: str, customer=None, recipient_email: str = "", order_id: str = "",
          note: str = "", expires_at=None, code: str | None = None) -> GiftCard:
    """Issue a card worth `amount` (emits gift_card.purchased)."""
    currency_code = (currency_code or "").upper()
    if len(currency_code) != 3:
        raise InvalidInput("A gift card needs a currency.", fields={"currency_code": ["Like SAR."]})
    value = round_money(Decimal(str(amount)), currency_code)
    if value <= 0:
        raise InvalidInput("A gift card is worth more than 0.", fields={"amount": ["Above 0."]})
    with transaction.atomic():
        card = GiftCard.objects.create(code=normalize_code(code) if code else new_code(), currency_code=currency_code,
                                       value=value, balance=value, customer=customer, recipient_email=recipient_email,
                                       order_id=order_id, note=note, expires_at=expires_at)
        GiftCardTransaction.objects.create(gift_card=card, kind=GiftCardTransactionKind.ISSUE, amount=value,
                                           balance_after=value, order_id=order_id)
        events.emit(events.GIFT_CARD_PURCHASED, card.id, {
            "gift_card_id": card.id, "code_last4": card.code[-4:], "amount": fmt(value, currency_code),
            "currency_code": currency_code, "customer_id": customer.id if customer else None,
            "recipient_email": recipient_email, "order_id": order_id})
    return card


def check(code: str, *, currency_code: str | None = None) -> GiftCard:
    """The usable card with this code, or a clear 404/422."""
    card = GiftCard.objects.filter(code=normalize_code(code)).first()
    if card is None:
        raise NotFound("No gift card with this code.", code="gift_card_not_found", fields={"code": ["Unknown code."]})
    if card.is_disabled:
        raise Unprocessable("This gift card is disabled.", code="gift_card_disabled", fields={"code": ["Disabled."]})
    if card.expires_at and card.expires_at <= timezone.now():
        raise Unprocessable("This gift card has expired.", code="gift_card_expired", fields={"code": ["Expired."]})
    if card.balance <= 0:
        raise Unprocessable("This gift card is used up.", code="gift_card_empty", fields={"code": ["No balance left."]})
    if currency_code and card.currency_code != currency_code.upper():
        raise Unprocessable("This gift card is in another currency.", code="gift_card_currency_mismatch",
                            fields={"code": [f"Card is in {card.currency_code}."]})
    return card


def redeem(card_id: str, amount, *, order_id: str = "", customer_id: str | None = None) -> GiftCard:
    """Take `amount` off the balance (row-locked; 409 `gift_card_insufficient_balance`)."""
    with transaction.atomic():
        card = GiftCard.objects.select_for_update().get(pk=card_id)
        amount = round_money(Decimal(str(amount)), card.currency_code)
        if amount <= 0:
            raise InvalidInput("Redeem more than 0.", fields={"amount": ["Above 0."]})
        if card.is_disabled or (card.expires_at and card.expires_at <= timezone.now()):
            raise Unprocessable("This gift card cannot be used.", code="gift_card_disabled")
        if amount > card.balance:
            raise Conflict(f"The gift card holds only {fmt(card.balance, card.currency_code)}.",
                           code="gift_card_insufficient_balance", fields={"amount": ["Above the balance."]})
        card.balance -= amount
        card.save(update_fields=["balance", "updated_at"])
        GiftCardTransaction.objects.create(gift_card=card, kind=GiftCardTransactionKind.REDEEM, amount=-amount,
                                           balance_after=card.balance, order_id=order_id)
        events.emit(events.GIFT_CARD_REDEEMED, card.id, {
            "gift_card_id": card.id, "amount": fmt(amount, card.currency_code),
            "balance": fmt(card.balance, card.currency_code), "currency_code": card.currency_code,
            "order_id": order_id, "customer_id": customer_id})
    return card


def restore(order_id: str) -> Decimal:
    """Put back what an order took from gift cards (its cancellation); returns the total."""
    restored = Decimal(0)
    with transaction.atomic():
        taken = {}  # net amount the order took from each card (redemptions minus earlier restores)
        for tx in GiftCardTransaction.objects.filter(
                order_id=order_id, kind__in=(GiftCardTransactionKind.REDEEM, GiftCardTransactionKind.REFUND)):
            taken[tx.gift_card_id] = taken.get(tx.gift_card_id, Decimal(0)) - tx.amount
        for card in GiftCard.objects.select_for_update().filter(pk__in=sorted(taken)).order_by("pk"):
            amount = taken[card.pk]
            if amount <= 0:
                continue
            card.balance += amount
            card.save(update_fields=["balance", "updated_at"])
            GiftCardTransaction.objects.create(gift_card=card, kind=GiftCardTransactionKind.REFUND, amount=amount,
                                               balance_after=card.balance, order_id=order_id)
            restored += amount
    return restored


def disable(card: GiftCard) -> GiftCard:
    with transaction.atomic():
        card = GiftCard.objects.select_for_update().get(pk=card.pk)
        if not card.is_disabled:
            card.is_disabled = True
            card.save(update_fields=["is_disabled", "updated_at"])
            GiftCardTransaction.objects.create(gift_card=card, kind=GiftCardTransactionKind.DISABLE, amount=0,
                                               balance_after=card.balance)
    return card


def disable_for_order(order_id: str) -> int:
    """Cards bought by a cancelled order stop working (their unspent value is refunded with it)."""
    count = 0
    for card in GiftCard.objects.filter(order_id=order_id, is_disabled=False):
        disable(card)
        count += 1
    return count
