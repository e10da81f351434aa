"""Loyalty points and gift cards as services (what the CMS facade and the workflows call)."""
from decimal import Decimal as D

import pytest

from cityos.errors import Conflict, InvalidInput, NotFound, Unprocessable
from commerce.giftcards import services as giftcards
from commerce.loyalty import services as loyalty
from commerce.loyalty.models import LoyaltyTransaction
from workflows.models import EventOutbox


def test_points_accumulate_raise_the_tier_and_never_go_below_zero(store_a, password_hash):
    customer, _ = store_a.customer(password_hash)
    assert loyalty.balance(customer.pk)["balance"] == 0
    assert loyalty.add_points(customer.pk, 900, reason="order")["tier"] == "bronze"
    assert loyalty.add_points(customer.pk, 100, reason="review")["tier"] == "silver"
    assert loyalty.redeem_points(customer.pk, 400)["balance"] == 600
    with pytest.raises(Conflict) as refused:
        loyalty.redeem_points(customer.pk, 601)
    assert refused.value.code == "insufficient_points"
    state = loyalty.balance(customer.pk)
    assert (state["balance"], state["lifetime_points"], state["tier"]) == (600, 1000, "silver")
    assert EventOutbox.objects.filter(event_type="loyalty.points_redeemed", aggregate_id=state["account_id"]).count() == 1
    for bad in (0, -5, 1.5, "10"):
        with pytest.raises(InvalidInput):
            loyalty.add_points(customer.pk, bad)
    with pytest.raises(NotFound):
        loyalty.add_points("cus_missing", 10)


def test_an_idempotency_key_counts_a_retried_call_once(store_a, password_hash):
    customer, _ = store_a.customer(password_hash)
    loyalty.add_points(customer.pk, 50, idempotency_key="wf:order_1:points")
    loyalty.add_points(customer.pk, 50, idempotency_key="wf:order_1:points")
    assert loyalty.balance(customer.pk)["balance"] == 50
    assert LoyaltyTransaction.objects.filter(idempotency_key="wf:order_1:points").count() == 1


def test_gift_cards_issue_check_redeem_and_refuse_overdraw(store_a):
    card = giftcards.issue(amount="200", currency_code="sar", recipient_email="friend@example.com")
    assert card.code.count("-") == 3 and card.balance == D("200.00")
    assert giftcards.check(card.code.lower()).pk == card.pk
    giftcards.redeem(card.pk, "75.50", order_id="order_x")
    card.refresh_from_db()
    assert card.balance == D("124.50")
    with pytest.raises(Conflict):
        giftcards.redeem(card.pk, "124.51")
    with pytest.raises(Unprocessable):
        giftcards.check(card.code, currency_code="USD")
    giftcards.disable(card)
    with pytest.raises(Unprocessable):
        giftcards.check(card.code)
    with pytest.raises(NotFound):
        giftcards.check("NOPE-NOPE")
    with pytest.raises(InvalidInput):
        giftcards.issue(amount="0", currency_code="SAR")
    assert giftcards.restore("order_x") == D("75.50")
