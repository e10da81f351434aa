"""Loyalty points: add, redeem (never below zero), balance and tier.

Tiers follow lifetime points: bronze from 0, silver from 1,000, gold from 5,000, platinum from
20,000. Every change is a ledger row; passing an `idempotency_key` makes a repeated call (a
retried workflow step) return the first result instead of counting twice.
"""
from django.db import IntegrityError, transaction

from cityos.errors import Conflict, InvalidInput, NotFound
from commerce import events
from commerce.customers.models import Customer
from commerce.loyalty.models import LoyaltyAccount, LoyaltyTier, LoyaltyTransaction, LoyaltyTransactionKind

TIER_THRESHOLDS = ((20_000, LoyaltyTier.PLATINUM), (5_000, LoyaltyTier.GOLD), (1_000, LoyaltyTier.SILVER),
                   (0, LoyaltyTier.BRONZE))


def tier_for(lifetime_points: int) -> str:
    return next(tier for threshold, tier in TIER_THRESHOLDS if lifetime_points >= threshold)


def account_for(customer_id: str, *, lock: bool = False) -> LoyaltyAccount:
    if not Customer.objects.filter(pk=customer_id).exists():
        raise NotFound(f"No customer {customer_id}.", code="customer_not_found")
    account, _ = LoyaltyAccount.objects.get_or_create(customer_id=customer_id)
    if lock:
        account = LoyaltyAccount.objects.select_for_update().get(pk=account.pk)
    return account


def balance(customer_id: str) -> dict:
    """{customer_id, account_id, balance, lifetime_points, tier}."""
    account = account_for(customer_id)
    return {"customer_id": customer_id, "account_id": account.id, "balance": account.balance,
            "lifetime_points": account.lifetime_points, "tier": account.tier}


def _points(points) -> int:
    if not isinstance(points, int) or isinstance(points, bool) or points <= 0:
        raise InvalidInput("Points are a whole number above 0.", fields={"points": ["A whole number above 0."]})
    return points


def _replay(idempotency_key):
    if not idempotency_key:
        return None
    tx = LoyaltyTransaction.objects.filter(idempotency_key=idempotency_key).select_related("account").first()
    return tx


def _record(account, kind, points, reason, reference, idempotency_key, event):
    try:
        with transaction.atomic():
            tx = LoyaltyTransaction.objects.create(account=account, kind=kind, points=points,
                                                   balance_after=account.balance, reason=reason,
                                                   reference=reference or "", idempotency_key=idempotency_key or None)
    except IntegrityError:
        raise Conflict("This idempotency key was used by another loyalty change.", code="idempotency_key_in_use") from None
    account.save()
    events.emit(event, account.id, {
        "account_id": account.id, "customer_id": account.customer_id, "points": abs(points),
        "balance": account.balance, "tier": account.tier, "reason": reason, "reference": reference or ""})
    return tx


def add_points(customer_id: str, points: int, *, reason: str = "", reference: str = "",
               idempotency_key: str | None = None, kind: str = LoyaltyTransactionKind.EARN) -> dict:
    """Credit points (raising the tier when lifetime points cross a threshold); returns `balance()`."""
    points = _points(points)
    with transaction.atomic():
        if _replay(idempotency_key):
            return balance(customer_id)
        account = account_for(customer_id, lock=True)
        if _replay(idempotency_key):  # a concurrent call with the key committed while we waited
            return balance(customer_id)
        account.balance += points
        account.lifetime_points += points
        account.tier = tier_for(account.lifetime_points)
        _record(account, kind, points, reason, reference, idempotency_key, events.LOYALTY_POINTS_EARNED)
    return balance(customer_id)


def redeem_points(customer_id: str, points: int, *, reason: str = "", reference: str = "",
                  idempotency_key: str | None = None) -> dict:
    """Debit points; 409 `insufficient_points` when the balance is smaller (nothing changes)."""
    points = _points(points)
    with transaction.atomic():
        if _replay(idempotency_key):
            return balance(customer_id)
        account = account_for(customer_id, lock=True)
        if _replay(idempotency_key):
            return balance(customer_id)
        if points > account.balance:
            raise Conflict(f"Only {account.balance} points are available.", code="insufficient_points",
                           fields={"points": [f"Balance is {account.balance}."]})
        account.balance -= points
        _record(account, LoyaltyTransactionKind.REDEEM, -points, reason, reference, idempotency_key,
                events.LOYALTY_POINTS_REDEEMED)
    return balance(customer_id)


def history(customer_id: str):
    return LoyaltyTransaction.objects.filter(account__customer_id=customer_id)
