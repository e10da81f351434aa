"""The Stripe sandbox behaves like Stripe's test mode in everything the platform observes."""
import pytest
from django.db import transaction

from integrations import errors, registry
from integrations.models import SandboxObject
from integrations.stripe.sandbox import StripeSandbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def stripe():
    return StripeSandbox()


def _authorise(stripe, key, card="4242 4242 4242 4242", amount=10_000):
    return stripe.create_payment_intent(amount=amount, currency="sar", payment_method=card, idempotency_key=key)


def test_registry_serves_the_sandbox_when_stripe_is_not_configured():
    assert registry.mode("stripe") == "sandbox"
    assert isinstance(registry.get("stripe"), StripeSandbox)


def test_good_card_authorises_then_captures(stripe, request):
    intent = _authorise(stripe, f"auth-{request.node.name}")
    assert (intent["status"], intent["amount_capturable"]) == ("requires_capture", 10_000)
    captured = stripe.capture_payment_intent(intent["id"], idempotency_key=f"cap-{request.node.name}")
    assert (captured["status"], captured["amount_received"]) == ("succeeded", 10_000)


@pytest.mark.parametrize("card, error, decline_code", [
    ("4000 0000 0000 0002", errors.PaymentDeclinedError, "generic_decline"),
    ("4000000000009995", errors.InsufficientFundsError, "insufficient_funds"),
    ("pm_card_chargeDeclinedExpiredCard", errors.PaymentDeclinedError, "expired_card"),
    ("4100 0000 0000 0019", errors.FraudDetectedError, "fraudulent"),
])
def test_declining_cards_raise_the_taxonomy_error_with_the_decline_code(stripe, request, card, error, decline_code):
    with pytest.raises(error) as raised:
        _authorise(stripe, f"decl-{request.node.name}", card=card)
    assert raised.value.details["decline_code"] == decline_code
    intent = stripe.retrieve_payment_intent(raised.value.details["payment_intent"])
    assert intent["status"] == "requires_payment_method"  # the intent exists, as in Stripe


def test_unknown_card_is_an_invalid_argument(stripe, request):
    with pytest.raises(errors.InvalidArgumentError, match="No such PaymentMethod"):
        _authorise(stripe, f"bad-{request.node.name}", card="1234")


def test_same_idempotency_key_replays_without_a_second_side_effect(stripe, request):
    key = f"idem-{request.node.name}"
    before = SandboxObject.objects.using("sandbox").filter(system="stripe", kind="payment_intent").count()
    first = _authorise(stripe, key)
    again = _authorise(stripe, key)
    assert first["id"] == again["id"]
    assert SandboxObject.objects.using("sandbox").filter(system="stripe", kind="payment_intent").count() == before + 1
    assert stripe.store.calls("create_payment_intent").filter(idempotency_key=key, replayed=True).count() == 1


def test_a_declined_call_is_replayed_as_the_same_decline(stripe, request):
    key = f"idem-decline-{request.node.name}"
    with pytest.raises(errors.PaymentDeclinedError):
        _authorise(stripe, key, card="4000000000000002")
    with pytest.raises(errors.PaymentDeclinedError) as again:
        _authorise(stripe, key, card="4000000000000002")
    assert again.value.details["decline_code"] == "generic_decline"


def test_reusing_a_key_with_other_parameters_is_refused(stripe, request):
    key = f"idem-mismatch-{request.node.name}"
    _authorise(stripe, key, amount=100)
    with pytest.raises(errors.InvalidArgumentError, match="same parameters"):
        _authorise(stripe, key, amount=200)


def test_refunds_never_exceed_what_was_captured(stripe, request):
    name = request.node.name
    intent = _authorise(stripe, f"a-{name}", amount=5_000)
    with pytest.raises(errors.InvalidArgumentError, match="no captured charge"):
        stripe.create_refund(payment_intent=intent["id"], amount=100, idempotency_key=f"r0-{name}")
    stripe.capture_payment_intent(intent["id"], amount_to_capture=4_000, idempotency_key=f"c-{name}")
    stripe.create_refund(payment_intent=intent["id"], amount=3_000, idempotency_key=f"r1-{name}")
    with pytest.raises(errors.InvalidArgumentError, match=r"greater than unrefunded amount on charge \(1000\)"):
        stripe.create_refund(payment_intent=intent["id"], amount=1_001, idempotency_key=f"r2-{name}")
    rest = stripe.create_refund(payment_intent=intent["id"], idempotency_key=f"r3-{name}")
    assert rest["amount"] == 1_000


def test_what_the_sandbox_did_survives_the_callers_rollback(stripe, request):
    key = f"rollback-{request.node.name}"
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            intent = _authorise(stripe, key)
            raise RuntimeError("the caller's transaction fails after the external call")
    assert stripe.retrieve_payment_intent(intent["id"])["status"] == "requires_capture"


def test_connect_transfer_then_payout_within_the_balance(stripe, request):
    name = request.node.name
    account = stripe.create_connected_account(email="v@x.test", country="sa", idempotency_key=f"acct-{name}")
    with pytest.raises(errors.InvalidArgumentError, match="Payouts are not enabled"):
        stripe.create_payout(amount=1, currency="sar", stripe_account=account["id"], idempotency_key=f"p0-{name}")
    stripe.complete_onboarding(account["id"])
    stripe.create_transfer(amount=700, currency="sar", destination=account["id"], idempotency_key=f"t-{name}")
    with pytest.raises(errors.InsufficientFundsError):
        stripe.create_payout(amount=701, currency="sar", stripe_account=account["id"], idempotency_key=f"p1-{name}")
    payout = stripe.create_payout(amount=700, currency="sar", stripe_account=account["id"], idempotency_key=f"p2-{name}")
    assert payout["status"] == "paid"
