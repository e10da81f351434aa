"""Stripe through the official SDK (`stripe.StripeClient`), behind the `PaymentGateway` protocol.

- Amounts go out as integers in minor units and bodies form-encoded (the SDK does both); answers
  come back as plain dicts with Stripe's field names, the same shapes the sandbox returns.
- Every mutating call sends the caller's `Idempotency-Key`; the SDK's own retries are off so
  retries follow the operation's policy (`integrations.resilience`) and reuse that same key.
- `STRIPE_API_BASE` points the SDK at another API host (tests run a local fake Stripe).
- Every object created carries `metadata.cityos_tenant`, which routes its webhooks back.
- Stripe errors map onto the taxonomy: a `card_error` is `PaymentDeclinedError`
  (`InsufficientFundsError` for insufficient_funds, `FraudDetectedError` for fraudulent) with the
  decline code in `details`, as the sandbox raises them.
- Test-mode card numbers from the sandbox's table are sent as the matching `pm_card_…` ids.
"""
import time

import stripe
from django.conf import settings

from integrations import errors, policies
from integrations.base import AdapterBase
from integrations.resilience import call_external
from integrations.stripe.sandbox import TEST_CARD_METHODS
from integrations.tenancy import with_tenant

_DECLINE_CLASSES = {"insufficient_funds": errors.InsufficientFundsError, "fraudulent": errors.FraudDetectedError}


def _retry_after(exc: stripe.StripeError) -> float | None:
    value = (exc.headers or {}).get("Retry-After") or (exc.headers or {}).get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def map_stripe_error(exc: stripe.StripeError) -> errors.IntegrationError:
    body = (exc.json_body or {}).get("error") or {}
    message = body.get("message") or exc.user_message or str(exc) or type(exc).__name__
    common = {"system": "stripe", "external_code": body.get("code") or exc.code, "external_message": message}
    status = exc.http_status
    if isinstance(exc, stripe.CardError):
        decline = body.get("decline_code") or exc.code
        intent = body.get("payment_intent") or {}
        return _DECLINE_CLASSES.get(decline, errors.PaymentDeclinedError)(message, **common, details={
            "decline_code": decline, "payment_intent": intent.get("id"), "type": "card_error", "http_status": status})
    details = {"http_status": status, "type": body.get("type"), "param": body.get("param")}
    if isinstance(exc, stripe.IdempotencyError):
        return errors.InvalidArgumentError(message, **{**common, "external_code": "idempotency_key_in_use"},
                                           details=details)
    if isinstance(exc, stripe.InvalidRequestError):
        return errors.InvalidArgumentError(message, **common, details=details)
    if isinstance(exc, stripe.AuthenticationError):
        return errors.AuthenticationError(message, **common, details=details)
    if isinstance(exc, stripe.PermissionError):
        return errors.ConfigurationError(message, **common, details=details)
    if isinstance(exc, stripe.RateLimitError):
        return errors.RateLimitError(message, **common, retry_after=_retry_after(exc), details=details)
    if isinstance(exc, stripe.APIConnectionError):
        klass = errors.TimeoutError if "timed out" in message.lower() else errors.NetworkError
        return klass(message, **common, details=details)
    if status in (502, 503, 504):
        return errors.ServiceUnavailableError(message, **common, retry_after=_retry_after(exc), details=details)
    return errors.ExternalAPIError(message, **common, details=details)


def _payment_method(value: str | None) -> str | None:
    if value is None:
        return None
    compact = value.replace(" ", "").replace("-", "")
    if compact.isdigit():
        if compact not in TEST_CARD_METHODS:
            raise errors.InvalidArgumentError("Card numbers cannot be sent to Stripe; use a PaymentMethod id.",
                                              system="stripe", external_code="raw_card_number")
        return TEST_CARD_METHODS[compact]
    return value


class StripeClient(AdapterBase):
    name = "stripe"
    SYNC_OPERATIONS = {"connected_account": "create_connected_account"}

    def __init__(self, *, api_key: str | None = None, api_base: str | None = None, sleep=time.sleep,
                 budget: float | None = None, timeout: float = 30.0):
        options = {"max_network_retries": 0, "http_client": stripe.RequestsClient(timeout=(5, timeout))}
        base = api_base or settings.STRIPE_API_BASE
        if base:
            options["base_addresses"] = {"api": base.rstrip("/")}
        self.sdk = stripe.StripeClient(api_key or settings.STRIPE_SECRET_KEY, **options)
        self.sleep = sleep
        self.budget = budget

    def is_configured(self) -> bool:
        return bool(settings.STRIPE_SECRET_KEY)

    def setup(self) -> list[str]:
        return []

    def health_check(self) -> dict:
        try:
            balance = self.sdk.v1.balance.retrieve(options={"max_network_retries": 0})
        except stripe.StripeError as exc:
            return {"healthy": False, "message": f"{type(exc).__name__}: {exc.user_message or exc}"}
        return {"healthy": True, "message": f"Stripe reachable (livemode={balance.get('livemode')})"}

    def _call(self, operation: str, policy, request) -> dict:
        def attempt():
            try:
                return request().to_dict()
            except stripe.StripeError as exc:
                raise map_stripe_error(exc) from exc

        return call_external("stripe", operation, attempt, policy=policy, sleep=self.sleep, budget=self.budget)

    @staticmethod
    def _params(**values) -> dict:
        return {key: value for key, value in values.items() if value is not None}

    # -- PaymentIntents ---------------------------------------------------------------------------
    def create_payment_intent(self, *, amount, currency, idempotency_key, payment_method=None, confirm=True,
                              capture_method="manual", metadata=None, description=None, transfer_group=None,
                              customer_email=None):
        params = self._params(amount=amount, currency=currency.lower(), payment_method=_payment_method(payment_method),
                              confirm=confirm, capture_method=capture_method, metadata=with_tenant(metadata),
                              description=description, transfer_group=transfer_group, receipt_email=customer_email,
                              payment_method_types=["card"])
        return self._call("create_payment_intent", policies.PAYMENT_CAPTURE, lambda: self.sdk.v1.payment_intents.create(
            params=params, options={"idempotency_key": idempotency_key}))

    def retrieve_payment_intent(self, payment_intent_id):
        return self._call("retrieve_payment_intent", policies.PAYMENT_CAPTURE,
                          lambda: self.sdk.v1.payment_intents.retrieve(payment_intent_id))

    def confirm_payment_intent(self, payment_intent_id, *, idempotency_key, payment_method=None):
        params = self._params(payment_method=_payment_method(payment_method))
        return self._call("confirm_payment_intent", policies.PAYMENT_CAPTURE,
                          lambda: self.sdk.v1.payment_intents.confirm(payment_intent_id, params=params,
                                                                     options={"idempotency_key": idempotency_key}))

    def capture_payment_intent(self, payment_intent_id, *, idempotency_key, amount_to_capture=None):
        params = self._params(amount_to_capture=amount_to_capture)
        return self._call("capture_payment_intent", policies.PAYMENT_CAPTURE,
                          lambda: self.sdk.v1.payment_intents.capture(payment_intent_id, params=params,
                                                                     options={"idempotency_key": idempotency_key}))

    def cancel_payment_intent(self, payment_intent_id, *, idempotency_key, cancellation_reason=None):
        params = self._params(cancellation_reason=cancellation_reason)
        return self._call("cancel_payment_intent", policies.PAYMENT_CAPTURE,
                          lambda: self.sdk.v1.payment_intents.cancel(payment_intent_id, params=params,
                                                                    options={"idempotency_key": idempotency_key}))

    # -- refunds ----------------------------------------------------------------------------------
    def create_refund(self, *, payment_intent, idempotency_key, amount=None, reason=None, metadata=None):
        params = self._params(payment_intent=payment_intent, amount=amount, reason=reason,
                              metadata=with_tenant(metadata))
        return self._call("create_refund", policies.PAYMENT_REFUND, lambda: self.sdk.v1.refunds.create(
            params=params, options={"idempotency_key": idempotency_key}))

    # -- Connect ----------------------------------------------------------------------------------
    def create_connected_account(self, *, email, country, idempotency_key, business_name=None, metadata=None):
        params = self._params(
            email=email, country=(country or "").upper(), metadata=with_tenant(metadata),
            business_profile={"name": business_name} if business_name else None,
            controller={"stripe_dashboard": {"type": "express"}, "fees": {"payer": "application"},
                        "losses": {"payments": "application"}},
            capabilities={"card_payments": {"requested": True}, "transfers": {"requested": True}})
        return self._call("create_connected_account", policies.PAYMENT_ACCOUNT, lambda: self.sdk.v1.accounts.create(
            params=params, options={"idempotency_key": idempotency_key}))

    def create_account_link(self, *, account, refresh_url, return_url):
        params = {"account": account, "refresh_url": refresh_url, "return_url": return_url,
                  "type": "account_onboarding"}
        return self._call("create_account_link", policies.PAYMENT_ACCOUNT,
                          lambda: self.sdk.v1.account_links.create(params=params))

    def create_transfer(self, *, amount, currency, destination, idempotency_key, transfer_group=None, metadata=None):
        params = self._params(amount=amount, currency=currency.lower(), destination=destination,
                              transfer_group=transfer_group, metadata=with_tenant(metadata))
        return self._call("create_transfer", policies.PAYMENT_TRANSFER, lambda: self.sdk.v1.transfers.create(
            params=params, options={"idempotency_key": idempotency_key}))

    def create_payout(self, *, amount, currency, stripe_account, idempotency_key, metadata=None):
        params = self._params(amount=amount, currency=currency.lower(), metadata=with_tenant(metadata))
        return self._call("create_payout", policies.PAYMENT_TRANSFER, lambda: self.sdk.v1.payouts.create(
            params=params, options={"idempotency_key": idempotency_key, "stripe_account": stripe_account}))
