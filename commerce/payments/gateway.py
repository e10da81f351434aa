"""The one payment gateway of the commerce engine, over the Stripe protocol.

Provider "sandbox" always uses the in-process Stripe sandbox (test-mode cards); provider
"stripe" uses the real Stripe client when `STRIPE_SECRET_KEY` is set and the same sandbox
otherwise. Amounts go out in minor units (`cityos.money.to_minor`); every mutating call carries
an idempotency key chosen by the caller. Gateway failures are translated here into the service
errors the API renders: declines → 402 `payment_declined`, a payment method the gateway does not
know → 400 `invalid_payment_method`, an unreachable gateway → 503 `payment_provider_unavailable`.
"""
from decimal import Decimal

from cityos.errors import InvalidInput, PaymentRequired, ServiceError
from cityos.money import from_minor, to_minor
from integrations import errors, registry

PROVIDERS = ("sandbox", "stripe")
DECLINES = (errors.PaymentDeclinedError, errors.InsufficientFundsError, errors.FraudDetectedError)


class PaymentDeclined(PaymentRequired):
    code = "payment_declined"

    def __init__(self, message: str, *, decline_code: str = "", error_class: str = "", payment_intent_id: str = ""):
        fields = {"payment_method": [message]}
        if decline_code:
            fields["decline_code"] = [decline_code]
        super().__init__(message, fields=fields)
        self.decline_code = decline_code
        self.error_class = error_class
        self.payment_intent_id = payment_intent_id


class PaymentProviderUnavailable(ServiceError):
    status = 503
    code = "payment_provider_unavailable"


class PaymentGatewayRejected(ServiceError):
    """The gateway refused the request itself (not a card decline): a state or amount problem."""

    status = 409
    code = "payment_gateway_rejected"


def require_provider(provider: str) -> str:
    """`provider` when this gateway knows it; else 400 with the providers it knows."""
    if provider not in PROVIDERS:
        raise InvalidInput("Unknown payment provider.", fields={"provider": [f"One of {', '.join(PROVIDERS)}."]})
    return provider


def adapter(provider: str):
    return registry.get("stripe", sandbox=(require_provider(provider) == "sandbox"))


def _translate(exc: errors.IntegrationError, *, during: str) -> ServiceError:
    if isinstance(exc, DECLINES):
        return PaymentDeclined(exc.message, decline_code=exc.details.get("decline_code", ""),
                               error_class=exc.error_class, payment_intent_id=exc.details.get("payment_intent", ""))
    if isinstance(exc, errors.InvalidArgumentError):
        if during == "authorize" and exc.external_code == "resource_missing":
            return InvalidInput(exc.message, code="invalid_payment_method",
                                fields={"payment_method": ["The payment provider does not know this payment method."]})
        return PaymentGatewayRejected(exc.message, fields={"gateway": [exc.external_code or exc.error_class]})
    return PaymentProviderUnavailable(f"The payment provider could not be reached ({exc.error_class}); try again.")


def _confirmed_intent(*, provider: str, amount: Decimal, currency: str, idempotency_key: str, payment_method: str,
                      capture_method: str, metadata: dict | None, email: str | None, description: str | None,
                      during: str) -> tuple[dict, bool]:
    """Create and confirm a PaymentIntent; returns (intent, needed authentication). An intent
    that needs the customer to authenticate (3-D Secure) is cancelled at once: these calls are
    server-side only."""
    try:
        intent = adapter(provider).create_payment_intent(
            amount=to_minor(amount, currency), currency=currency.lower(), idempotency_key=idempotency_key,
            payment_method=payment_method, confirm=True, capture_method=capture_method, metadata=metadata or {},
            description=description, customer_email=email)
    except errors.IntegrationError as exc:
        raise _translate(exc, during=during) from exc
    if intent.get("status") != "requires_action":
        return intent, False
    cancel(provider=provider, payment_intent_id=intent["id"], idempotency_key=f"{idempotency_key}:void",
           reason="abandoned")
    return intent, True


def authorize(*, provider: str, amount: Decimal, currency: str, idempotency_key: str, payment_method: str,
              metadata: dict | None = None, email: str | None = None, description: str | None = None) -> dict:
    """Create and confirm a PaymentIntent with manual capture; returns it `requires_capture`.
    A card that needs 3-D Secure is refused here (402 `payment_requires_action`): checkout
    through this API authorises server-side only."""
    intent, needs_action = _confirmed_intent(
        provider=provider, amount=amount, currency=currency, idempotency_key=idempotency_key,
        payment_method=payment_method, capture_method="manual", metadata=metadata, email=email,
        description=description, during="authorize")
    if needs_action:
        raise PaymentRequired("The card needs an authentication step this checkout cannot perform.",
                              code="payment_requires_action",
                              fields={"payment_method": ["Use a card without 3-D Secure."]})
    if intent.get("status") != "requires_capture":
        raise PaymentGatewayRejected(f"Unexpected PaymentIntent status {intent.get('status')}.")
    return intent


def charge(*, provider: str, amount: Decimal, currency: str, idempotency_key: str, payment_method: str,
           metadata: dict | None = None, email: str | None = None, description: str | None = None) -> dict:
    """Charge a stored payment method now (automatic capture): instalments of a plan, a no-show
    fee on the card a booking was paid with. Returns the `succeeded` PaymentIntent; a decline, or
    a card that needs the customer to authenticate, raises `PaymentDeclined` (402)."""
    intent, needs_action = _confirmed_intent(
        provider=provider, amount=amount, currency=currency, idempotency_key=idempotency_key,
        payment_method=payment_method, capture_method="automatic", metadata=metadata, email=email,
        description=description, during="charge")
    if needs_action:
        raise PaymentDeclined("The card needs the customer to authenticate this charge.",
                              decline_code="authentication_required", error_class="PaymentDeclinedError",
                              payment_intent_id=intent["id"])
    if intent.get("status") != "succeeded":
        raise PaymentDeclined(f"The payment was not completed (status {intent.get('status')}).",
                              error_class="PaymentDeclinedError", payment_intent_id=intent.get("id", ""))
    return intent


def capture(*, provider: str, payment_intent_id: str, amount: Decimal | None, currency: str,
            idempotency_key: str) -> dict:
    try:
        return adapter(provider).capture_payment_intent(
            payment_intent_id, idempotency_key=idempotency_key,
            amount_to_capture=None if amount is None else to_minor(amount, currency))
    except errors.IntegrationError as exc:
        raise _translate(exc, during="capture") from exc


def cancel(*, provider: str, payment_intent_id: str, idempotency_key: str, reason: str | None = None) -> dict:
    try:
        return adapter(provider).cancel_payment_intent(payment_intent_id, idempotency_key=idempotency_key,
                                                       cancellation_reason=reason)
    except errors.IntegrationError as exc:
        raise _translate(exc, during="cancel") from exc


def refund(*, provider: str, payment_intent_id: str, amount: Decimal, currency: str, idempotency_key: str,
           reason: str | None = None, metadata: dict | None = None) -> dict:
    try:
        return adapter(provider).create_refund(payment_intent=payment_intent_id, idempotency_key=idempotency_key,
                                               amount=to_minor(amount, currency), reason=reason, metadata=metadata or {})
    except errors.IntegrationError as exc:
        raise _translate(exc, during="refund") from exc


def captured_amount(intent: dict, currency: str) -> Decimal:
    return from_minor(intent.get("amount_received", 0), currency)
