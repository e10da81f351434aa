"""A deterministic, stateful stand-in for Stripe, behaving like Stripe's test mode.

Test cards (card numbers, with or without spaces, or Stripe's test PaymentMethod/token ids):

| card                | ids                                                   | outcome                     |
| ------------------- | ----------------------------------------------------- | --------------------------- |
| 4242 4242 4242 4242 | pm_card_visa, tok_visa                                | succeeds                    |
| 5555 5555 5555 4444 | pm_card_mastercard, tok_mastercard                    | succeeds                    |
| 4000 0000 0000 0002 | pm_card_chargeDeclined, tok_chargeDeclined            | declined (generic_decline)  |
| 4000 0000 0000 9995 | pm_card_chargeDeclinedInsufficientFunds, tok_…        | declined (insufficient_funds) |
| 4000 0000 0000 0069 | pm_card_chargeDeclinedExpiredCard                     | declined (expired_card)     |
| 4000 0000 0000 0127 | pm_card_chargeDeclinedIncorrectCvc                    | declined (incorrect_cvc)    |
| 4100 0000 0000 0019 | pm_card_chargeDeclinedFraudulent                      | blocked (fraudulent)        |
| 4000 0025 0000 3155 | pm_card_authenticationRequired                        | requires_action (3-D Secure); confirming again completes it |

State lives in `SandboxObject` rows (kinds payment_intent, charge, refund, account, transfer,
payout, balance) and every call is recorded in `SandboxCall`, so tests can count side effects.

Like Stripe, the sandbox tags every object it creates with `metadata.cityos_tenant` and sends the
webhook events Stripe would (payment_intent.amount_capturable_updated / succeeded /
payment_failed / requires_action / canceled, refund.created, transfer.created, payout.paid,
account.updated), signed with `Stripe-Signature` and delivered through `/webhooks/stripe`'s code
path by `integrations.sandbox.webhooks`.
"""
from integrations import errors
from integrations.base import AdapterBase
from integrations.sandbox import webhooks as sandbox_webhooks
from integrations.sandbox.store import SandboxStore, now_ts
from integrations.tenancy import with_tenant

_SUCCESS = ("succeeded", None)
_CARDS = {}
for numbers, outcome in (
    (("4242424242424242", "pm_card_visa", "tok_visa"), _SUCCESS),
    (("5555555555554444", "pm_card_mastercard", "tok_mastercard"), _SUCCESS),
    (("4000000000000002", "pm_card_chargeDeclined", "tok_chargeDeclined"), ("declined", "generic_decline")),
    (("4000000000009995", "pm_card_chargeDeclinedInsufficientFunds", "tok_chargeDeclinedInsufficientFunds"),
     ("declined", "insufficient_funds")),
    (("4000000000000069", "pm_card_chargeDeclinedExpiredCard", "tok_chargeDeclinedExpiredCard"),
     ("declined", "expired_card")),
    (("4000000000000127", "pm_card_chargeDeclinedIncorrectCvc", "tok_chargeDeclinedIncorrectCvc"),
     ("declined", "incorrect_cvc")),
    (("4100000000000019", "pm_card_chargeDeclinedFraudulent", "tok_chargeDeclinedFraudulent"),
     ("declined", "fraudulent")),
    (("4000002500003155", "pm_card_authenticationRequired", "tok_authenticationRequired"), ("requires_action", None)),
):
    for number in numbers:
        _CARDS[number] = outcome

# Test card numbers and the PaymentMethod ids Stripe's test mode accepts for them.
TEST_CARD_METHODS = {number: method for number, method in (
    ("4242424242424242", "pm_card_visa"), ("5555555555554444", "pm_card_mastercard"),
    ("4000000000000002", "pm_card_chargeDeclined"), ("4000000000009995", "pm_card_chargeDeclinedInsufficientFunds"),
    ("4000000000000069", "pm_card_chargeDeclinedExpiredCard"),
    ("4000000000000127", "pm_card_chargeDeclinedIncorrectCvc"),
    ("4100000000000019", "pm_card_chargeDeclinedFraudulent"), ("4000002500003155", "pm_card_authenticationRequired"),
)}

_DECLINE_MESSAGES = {
    "generic_decline": "Your card was declined.",
    "insufficient_funds": "Your card has insufficient funds.",
    "expired_card": "Your card has expired.",
    "incorrect_cvc": "Your card's security code is incorrect.",
    "fraudulent": "Your card was declined.",
}


def card_outcome(payment_method: str) -> tuple[str, str | None]:
    key = (payment_method or "").replace(" ", "").replace("-", "")
    if key not in _CARDS:
        raise errors.InvalidArgumentError(f"No such PaymentMethod: '{payment_method}'", system="stripe",
                                          external_code="resource_missing")
    return _CARDS[key]


def _decline_error(decline_code: str, payment_intent_id: str) -> errors.IntegrationError:
    klass = {"insufficient_funds": errors.InsufficientFundsError,
             "fraudulent": errors.FraudDetectedError}.get(decline_code, errors.PaymentDeclinedError)
    message = _DECLINE_MESSAGES[decline_code]
    return klass(message, system="stripe", external_code="card_declined", external_message=message,
                 details={"decline_code": decline_code, "payment_intent": payment_intent_id, "type": "card_error"})


def _check_amount(amount, field="amount"):
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
        raise errors.InvalidArgumentError(f"Invalid positive integer: {field}", system="stripe",
                                          external_code="parameter_invalid_integer")


def _check_currency(currency):
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isalpha():
        raise errors.InvalidArgumentError(f"Invalid currency: {currency}", system="stripe",
                                          external_code="parameter_invalid_string")


class StripeSandbox(AdapterBase):
    name = "stripe"
    SYNC_OPERATIONS = {"connected_account": "create_connected_account"}

    def __init__(self):
        self.store = SandboxStore("stripe")

    # -- adapter protocol -------------------------------------------------------------------------
    def is_configured(self) -> bool:
        return False

    def health_check(self) -> dict:
        return {"healthy": True, "message": "in-process Stripe sandbox (test-mode behaviour)"}

    def setup(self) -> list[str]:
        return []

    def _event(self, event_type: str, obj: dict, *, previous: dict | None = None, account: str | None = None,
               idempotency_key: str | None = None) -> None:
        """Queue the webhook event Stripe sends for this change."""
        data = {"object": obj}
        if previous:
            data["previous_attributes"] = previous
        event = {"id": self.store.new_id("evt"), "object": "event", "api_version": "2025-06-30.basil",
                 "created": now_ts(), "data": data, "livemode": False, "pending_webhooks": 1,
                 "request": {"id": None, "idempotency_key": idempotency_key}, "type": event_type}
        if account:
            event["account"] = account
        sandbox_webhooks.enqueue("stripe", event)

    # -- PaymentIntents ---------------------------------------------------------------------------
    def create_payment_intent(self, *, amount, currency, idempotency_key, payment_method=None, confirm=True,
                              capture_method="manual", metadata=None, description=None, transfer_group=None,
                              customer_email=None):
        metadata = with_tenant(metadata)
        params = {"amount": amount, "currency": currency, "payment_method": payment_method, "confirm": confirm,
                  "capture_method": capture_method, "metadata": metadata or {}, "description": description,
                  "transfer_group": transfer_group, "customer_email": customer_email}

        def run():
            _check_amount(amount)
            _check_currency(currency)
            if capture_method not in ("manual", "automatic"):
                raise errors.InvalidArgumentError("Invalid capture_method", system="stripe",
                                                  external_code="parameter_invalid_string")
            intent = {
                "id": self.store.new_id("pi"), "object": "payment_intent", "amount": amount,
                "amount_capturable": 0, "amount_received": 0, "currency": currency.lower(),
                "capture_method": capture_method, "status": "requires_payment_method",
                "payment_method": payment_method, "metadata": metadata or {}, "description": description,
                "transfer_group": transfer_group, "receipt_email": customer_email, "created": now_ts(),
                "canceled_at": None, "cancellation_reason": None, "last_payment_error": None,
                "latest_charge": None, "next_action": None, "livemode": False,
            }
            if payment_method:
                intent["status"] = "requires_confirmation"
            self.store.put("payment_intent", intent["id"], intent)
            if confirm:
                if not payment_method:
                    raise errors.InvalidArgumentError(
                        "You cannot confirm this PaymentIntent because it's missing a payment method.",
                        system="stripe", external_code="payment_intent_unexpected_state")
                return self._confirm(intent, payment_method)
            return intent

        return self.store.call("create_payment_intent", params, run, idempotency_key=idempotency_key)

    def _confirm(self, intent: dict, payment_method: str) -> dict:
        status, decline_code = card_outcome(payment_method)
        intent["payment_method"] = payment_method
        if status == "requires_action" and intent["status"] != "requires_action":
            intent["status"] = "requires_action"
            intent["next_action"] = {"type": "use_stripe_sdk"}
            self._event("payment_intent.requires_action", intent)
            return self.store.put("payment_intent", intent["id"], intent)
        if status == "declined":
            intent["status"] = "requires_payment_method"
            intent["last_payment_error"] = {"type": "card_error", "code": "card_declined",
                                            "decline_code": decline_code, "message": _DECLINE_MESSAGES[decline_code]}
            self.store.put("payment_intent", intent["id"], intent)
            self._event("payment_intent.payment_failed", intent)
            raise _decline_error(decline_code, intent["id"])
        charge = {"id": self.store.new_id("ch"), "object": "charge", "amount": intent["amount"],
                  "amount_captured": 0, "amount_refunded": 0, "currency": intent["currency"],
                  "payment_intent": intent["id"], "captured": False, "refunded": False, "created": now_ts()}
        intent["latest_charge"] = charge["id"]
        intent["next_action"] = None
        intent["last_payment_error"] = None
        if intent["capture_method"] == "manual":
            intent["status"] = "requires_capture"
            intent["amount_capturable"] = intent["amount"]
        else:
            intent["status"] = "succeeded"
            intent["amount_received"] = intent["amount"]
            charge.update(captured=True, amount_captured=intent["amount"])
        self.store.put("charge", charge["id"], charge)
        self.store.put("payment_intent", intent["id"], intent)
        self._event("payment_intent.amount_capturable_updated" if intent["status"] == "requires_capture"
                    else "payment_intent.succeeded", intent)
        return intent

    def retrieve_payment_intent(self, payment_intent_id):
        return self.store.require("payment_intent", payment_intent_id)

    def confirm_payment_intent(self, payment_intent_id, *, idempotency_key, payment_method=None):
        def run():
            intent = self.store.require("payment_intent", payment_intent_id)
            if intent["status"] not in ("requires_payment_method", "requires_confirmation", "requires_action"):
                raise errors.InvalidArgumentError(
                    f"This PaymentIntent's status is {intent['status']}; it cannot be confirmed.",
                    system="stripe", external_code="payment_intent_unexpected_state")
            method = payment_method or intent["payment_method"]
            if not method:
                raise errors.InvalidArgumentError("A payment method is required.", system="stripe",
                                                  external_code="payment_intent_unexpected_state")
            return self._confirm(intent, method)

        return self.store.call("confirm_payment_intent", {"id": payment_intent_id, "payment_method": payment_method},
                               run, idempotency_key=idempotency_key)

    def capture_payment_intent(self, payment_intent_id, *, idempotency_key, amount_to_capture=None):
        def run():
            intent = self.store.require("payment_intent", payment_intent_id)
            if intent["status"] != "requires_capture":
                raise errors.InvalidArgumentError(
                    f"This PaymentIntent could not be captured because it has a status of {intent['status']}.",
                    system="stripe", external_code="payment_intent_unexpected_state")
            amount = intent["amount_capturable"] if amount_to_capture is None else amount_to_capture
            _check_amount(amount, "amount_to_capture")
            if amount > intent["amount_capturable"]:
                raise errors.InvalidArgumentError(
                    "The amount to capture must be less than or equal to the amount capturable.",
                    system="stripe", external_code="amount_too_large")
            charge = self.store.require("charge", intent["latest_charge"])
            charge.update(captured=True, amount_captured=amount)
            self.store.put("charge", charge["id"], charge)
            intent.update(status="succeeded", amount_received=amount, amount_capturable=0)
            self.store.put("payment_intent", intent["id"], intent)
            self._event("payment_intent.succeeded", intent, idempotency_key=idempotency_key)
            return intent

        return self.store.call("capture_payment_intent", {"id": payment_intent_id, "amount": amount_to_capture},
                               run, idempotency_key=idempotency_key)

    def cancel_payment_intent(self, payment_intent_id, *, idempotency_key, cancellation_reason=None):
        def run():
            intent = self.store.require("payment_intent", payment_intent_id)
            if intent["status"] in ("succeeded", "canceled"):
                raise errors.InvalidArgumentError(
                    f"You cannot cancel this PaymentIntent because it has a status of {intent['status']}.",
                    system="stripe", external_code="payment_intent_unexpected_state")
            intent.update(status="canceled", amount_capturable=0, canceled_at=now_ts(),
                          cancellation_reason=cancellation_reason or "requested_by_customer")
            self.store.put("payment_intent", intent["id"], intent)
            self._event("payment_intent.canceled", intent, idempotency_key=idempotency_key)
            return intent

        return self.store.call("cancel_payment_intent", {"id": payment_intent_id, "reason": cancellation_reason},
                               run, idempotency_key=idempotency_key)

    # -- refunds ----------------------------------------------------------------------------------
    def create_refund(self, *, payment_intent, idempotency_key, amount=None, reason=None, metadata=None):
        metadata = with_tenant(metadata)

        def run():
            intent = self.store.require("payment_intent", payment_intent)
            if intent["status"] != "succeeded":
                raise errors.InvalidArgumentError(
                    f"PaymentIntent {payment_intent} has no captured charge to refund (status {intent['status']}).",
                    system="stripe", external_code="charge_not_refundable")
            charge = self.store.require("charge", intent["latest_charge"])
            remaining = charge["amount_captured"] - charge["amount_refunded"]
            value = remaining if amount is None else amount
            _check_amount(value)
            if value > remaining:
                raise errors.InvalidArgumentError(
                    f"Refund amount ({value}) is greater than unrefunded amount on charge ({remaining}).",
                    system="stripe", external_code="amount_too_large")
            if reason not in (None, "duplicate", "fraudulent", "requested_by_customer"):
                raise errors.InvalidArgumentError("Invalid reason", system="stripe",
                                                  external_code="parameter_invalid_string")
            refund = {"id": self.store.new_id("re"), "object": "refund", "amount": value,
                      "currency": intent["currency"], "payment_intent": payment_intent, "charge": charge["id"],
                      "status": "succeeded", "reason": reason, "metadata": metadata or {}, "created": now_ts()}
            charge["amount_refunded"] += value
            charge["refunded"] = charge["amount_refunded"] == charge["amount_captured"]
            self.store.put("charge", charge["id"], charge)
            self.store.put("refund", refund["id"], refund)
            self._event("refund.created", refund, idempotency_key=idempotency_key)
            return refund

        return self.store.call("create_refund", {"payment_intent": payment_intent, "amount": amount, "reason": reason,
                                                 "metadata": metadata or {}}, run, idempotency_key=idempotency_key)

    # -- Connect ----------------------------------------------------------------------------------
    def create_connected_account(self, *, email, country, idempotency_key, business_name=None, metadata=None):
        metadata = with_tenant(metadata)

        def run():
            if len(country or "") != 2:
                raise errors.InvalidArgumentError("Country must be a two-letter code.", system="stripe",
                                                  external_code="parameter_invalid_string")
            account = {"id": self.store.new_id("acct"), "object": "account", "email": email,
                       "country": country.upper(), "business_profile": {"name": business_name},
                       "controller": {"type": "application"}, "details_submitted": False,
                       "charges_enabled": False, "payouts_enabled": False, "metadata": metadata or {},
                       "created": now_ts()}
            self.store.put("balance", account["id"], {"available": {}})
            return self.store.put("account", account["id"], account)

        return self.store.call("create_connected_account", {"email": email, "country": country,
                                                            "business_name": business_name},
                               run, idempotency_key=idempotency_key)

    def create_account_link(self, *, account, refresh_url, return_url):
        self.store.require("account", account)
        return {"object": "account_link", "created": now_ts(), "expires_at": now_ts() + 300,
                "url": f"https://connect.stripe.com/setup/s/sandbox/{account}"}

    def complete_onboarding(self, account_id: str) -> dict:
        """Sandbox control: the account holder finished Stripe's onboarding."""
        account = self.store.require("account", account_id)
        previous = {key: account[key] for key in ("details_submitted", "charges_enabled", "payouts_enabled")}
        account.update(details_submitted=True, charges_enabled=True, payouts_enabled=True)
        self.store.put("account", account_id, account)
        self._event("account.updated", account, previous=previous, account=account_id)
        return account

    def create_transfer(self, *, amount, currency, destination, idempotency_key, transfer_group=None, metadata=None):
        metadata = with_tenant(metadata)

        def run():
            _check_amount(amount)
            _check_currency(currency)
            self.store.require("account", destination)
            transfer = {"id": self.store.new_id("tr"), "object": "transfer", "amount": amount,
                        "currency": currency.lower(), "destination": destination, "transfer_group": transfer_group,
                        "metadata": metadata or {}, "reversed": False, "created": now_ts()}
            balance = self.store.require("balance", destination)
            balance["available"][currency.lower()] = balance["available"].get(currency.lower(), 0) + amount
            self.store.put("balance", destination, balance)
            self.store.put("transfer", transfer["id"], transfer)
            self._event("transfer.created", transfer, idempotency_key=idempotency_key)
            return transfer

        return self.store.call("create_transfer", {"amount": amount, "currency": currency, "destination": destination,
                                                   "transfer_group": transfer_group}, run,
                               idempotency_key=idempotency_key)

    def create_payout(self, *, amount, currency, stripe_account, idempotency_key, metadata=None):
        metadata = with_tenant(metadata)

        def run():
            _check_amount(amount)
            _check_currency(currency)
            account = self.store.require("account", stripe_account)
            if not account["payouts_enabled"]:
                raise errors.InvalidArgumentError("Payouts are not enabled for this account.", system="stripe",
                                                  external_code="account_invalid")
            balance = self.store.require("balance", stripe_account)
            available = balance["available"].get(currency.lower(), 0)
            if amount > available:
                raise errors.InsufficientFundsError(
                    "You have insufficient funds in your Stripe account for this payout.", system="stripe",
                    external_code="balance_insufficient")
            balance["available"][currency.lower()] = available - amount
            self.store.put("balance", stripe_account, balance)
            payout = {"id": self.store.new_id("po"), "object": "payout", "amount": amount,
                      "currency": currency.lower(), "status": "paid", "destination_account": stripe_account,
                      "metadata": metadata or {}, "arrival_date": now_ts() + 86400, "created": now_ts()}
            self.store.put("payout", payout["id"], payout)
            self._event("payout.paid", payout, account=stripe_account, idempotency_key=idempotency_key)
            return payout

        return self.store.call("create_payout", {"amount": amount, "currency": currency, "account": stripe_account},
                               run, idempotency_key=idempotency_key)
