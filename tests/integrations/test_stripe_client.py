"""The Stripe client through the official SDK, pointed at a fake Stripe running on a local port."""
import pytest

from integrations import errors
from integrations.stripe.client import StripeClient
from integrations.stripe.sandbox import StripeSandbox
from tests.integrations.fakes.stripe_server import FakeStripe
from tests.support.tenants import in_tenant

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def fake():
    server = FakeStripe().start()
    yield server
    server.stop()


@pytest.fixture
def stripe_client(fake, sleeps, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    fake.requests.clear()
    return StripeClient(api_key="sk_test_fake", api_base=fake.url, sleep=sleeps, budget=60)


def test_create_payment_intent_sends_a_form_encoded_body_in_minor_units_with_the_idempotency_key(
        stripe_client, fake, request, tenant_a):
    with in_tenant(tenant_a):
        intent = stripe_client.create_payment_intent(amount=12550, currency="SAR", payment_method="4242 4242 4242 4242",
                                                     metadata={"order_id": "order_1"}, description="Order 1",
                                                     idempotency_key=f"checkout-{request.node.name}")
    assert intent["status"] == "requires_capture" and intent["amount_capturable"] == 12550
    sent = fake.requests[-1]
    assert (sent["method"], sent["path"]) == ("POST", "/v1/payment_intents")
    assert sent["headers"]["authorization"] == "Bearer sk_test_fake"
    assert sent["headers"]["content-type"] == "application/x-www-form-urlencoded"
    assert sent["headers"]["idempotency-key"] == f"checkout-{request.node.name}"
    assert sent["form"] == {"amount": "12550", "currency": "sar", "payment_method": "pm_card_visa", "confirm": "true",
                            "capture_method": "manual", "metadata[order_id]": "order_1",
                            "metadata[cityos_tenant]": "alpha", "description": "Order 1",
                            "payment_method_types[0]": "card"}


def test_the_same_key_is_replayed_by_stripe_and_returns_the_same_intent(stripe_client, fake, request):
    kwargs = dict(amount=5000, currency="sar", payment_method="pm_card_visa", idempotency_key=f"k-{request.node.name}")
    first = stripe_client.create_payment_intent(**kwargs)
    again = stripe_client.create_payment_intent(**kwargs)
    assert again["id"] == first["id"]
    assert len([r for r in fake.requests if r["path"] == "/v1/payment_intents"]) == 2
    assert len([o for o in fake.objects.values() if o.get("id", "").startswith("pi_") and o["amount"] == 5000
                and o["id"] == first["id"]]) == 1
    with pytest.raises(errors.InvalidArgumentError) as reused:
        stripe_client.create_payment_intent(**{**kwargs, "amount": 6000})
    assert reused.value.external_code == "idempotency_key_in_use"


@pytest.mark.parametrize("card, error, decline", [
    ("pm_card_chargeDeclined", errors.PaymentDeclinedError, "generic_decline"),
    ("4000000000009995", errors.InsufficientFundsError, "insufficient_funds"),
    ("pm_card_chargeDeclinedFraudulent", errors.FraudDetectedError, "fraudulent"),
])
def test_a_card_error_is_a_decline_with_its_code_and_is_not_retried(stripe_client, fake, request, card, error,
                                                                     decline, sleeps):
    with pytest.raises(error) as raised:
        stripe_client.create_payment_intent(amount=1000, currency="sar", payment_method=card,
                                            idempotency_key=f"d-{request.node.name}")
    assert raised.value.details["decline_code"] == decline and raised.value.details["type"] == "card_error"
    assert raised.value.details["payment_intent"].startswith("pi_") and raised.value.details["http_status"] == 402
    assert sleeps == [] and raised.value.attempts == 1


def test_server_errors_are_retried_with_the_same_idempotency_key(stripe_client, fake, request, sleeps):
    fake.fail_next(2, status=500)
    intent = stripe_client.create_payment_intent(amount=700, currency="sar", payment_method="pm_card_visa",
                                                 idempotency_key=f"r-{request.node.name}")
    attempts = [r for r in fake.requests if r["path"] == "/v1/payment_intents"]
    assert intent["status"] == "requires_capture" and len(attempts) == 3 and sleeps == [1, 2]
    assert {r["headers"]["idempotency-key"] for r in attempts} == {f"r-{request.node.name}"}


def test_rate_limits_wait_for_retry_after(stripe_client, fake, request, sleeps):
    fake.fail_next(1, status=429, headers={"Retry-After": "4"})
    stripe_client.retrieve_payment_intent(stripe_client.create_payment_intent(
        amount=300, currency="sar", payment_method="pm_card_visa", idempotency_key=f"rl-{request.node.name}")["id"])
    assert sleeps == [4]


def test_payouts_act_for_the_connected_account(stripe_client, fake, request):
    stripe_client.create_payout(amount=900, currency="SAR", stripe_account="acct_1Vendor",
                                idempotency_key=f"p-{request.node.name}")
    sent = fake.requests[-1]
    assert sent["path"] == "/v1/payouts" and sent["headers"]["stripe-account"] == "acct_1Vendor"
    assert sent["form"]["amount"] == "900" and sent["form"]["currency"] == "sar"


def test_connected_accounts_use_controller_not_the_deprecated_type(stripe_client, fake, request):
    stripe_client.create_connected_account(email="v@example.test", country="sa", business_name="Souq",
                                           idempotency_key=f"a-{request.node.name}")
    form = fake.requests[-1]["form"]
    assert "type" not in form and form["controller[fees][payer]"] == "application"
    assert form["capabilities[transfers][requested]"] == "true" and form["country"] == "SA"


def test_an_unreachable_stripe_is_a_network_error_after_the_policys_attempts(sleeps):
    client = StripeClient(api_key="sk_test_fake", api_base="http://127.0.0.1:1", sleep=sleeps, budget=60)
    with pytest.raises(errors.NetworkError) as raised:
        client.retrieve_payment_intent("pi_123")
    assert raised.value.attempts == 5 and sleeps == [1, 2, 4, 8]


# -- the same scenario, sandbox and real client over the fake: the platform sees the same -------
def _scenario(gateway, key: str) -> list:
    seen = []
    intent = gateway.create_payment_intent(amount=10_000, currency="sar", payment_method="4242424242424242",
                                           idempotency_key=f"{key}-auth")
    seen.append(("authorised", intent["status"], intent["amount_capturable"], intent["currency"]))
    replay = gateway.create_payment_intent(amount=10_000, currency="sar", payment_method="4242424242424242",
                                           idempotency_key=f"{key}-auth")
    seen.append(("replayed", replay["id"] == intent["id"]))
    captured = gateway.capture_payment_intent(intent["id"], amount_to_capture=8_000, idempotency_key=f"{key}-cap")
    seen.append(("captured", captured["status"], captured["amount_received"]))
    refund = gateway.create_refund(payment_intent=intent["id"], amount=5_000, idempotency_key=f"{key}-r1")
    seen.append(("refunded", refund["status"], refund["amount"]))
    for label, call in (("over-refund", lambda: gateway.create_refund(payment_intent=intent["id"], amount=3_001,
                                                                       idempotency_key=f"{key}-r2")),
                        ("decline", lambda: gateway.create_payment_intent(
                            amount=100, currency="sar", payment_method="4000000000000002",
                            idempotency_key=f"{key}-decl")),
                        ("cancel-captured", lambda: gateway.cancel_payment_intent(intent["id"],
                                                                                  idempotency_key=f"{key}-c"))):
        with pytest.raises(errors.IntegrationError) as raised:
            call()
        seen.append((label, raised.value.error_class, raised.value.external_code,
                     raised.value.details.get("decline_code")))
    rest = gateway.create_refund(payment_intent=intent["id"], amount=3_000, idempotency_key=f"{key}-r3")
    seen.append(("refunded the rest", rest["amount"]))
    return seen


def test_a_payment_scenario_observes_the_same_through_the_sandbox_and_the_real_client(stripe_client, request):
    through_sandbox = _scenario(StripeSandbox(), f"sbx-{request.node.name}")
    through_stripe = _scenario(stripe_client, f"sdk-{request.node.name}")
    assert through_sandbox == through_stripe
    assert through_sandbox[4] == ("over-refund", "InvalidArgumentError", "amount_too_large", None)
    assert through_sandbox[5] == ("decline", "PaymentDeclinedError", "card_declined", "generic_decline")
