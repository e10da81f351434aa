"""What the platform asks of a payment gateway, in Stripe's terms.

Objects are plain dicts with Stripe's field names (`id`, `object`, `amount`, `currency`,
`status`, ...); amounts are integers in the currency's minor unit and currencies lowercase, as
Stripe sends them. Every mutating call takes an `idempotency_key`: pass one derived from the
workflow id and step (or the cart id at checkout) so a retried call is recognised as the same
call. Failures raise `integrations.errors` classes: a declined card `PaymentDeclinedError` (or
`InsufficientFundsError`), with Stripe's `decline_code` in `details`; a bad request
`InvalidArgumentError`.

The signatures below are the contract: both implementations keep them.
"""
from typing import Protocol


class PaymentGateway(Protocol):
    name: str

    def is_configured(self) -> bool: ...

    def health_check(self) -> dict: ...

    def create_payment_intent(self, *, amount: int, currency: str, idempotency_key: str,
                              payment_method: str | None = None, confirm: bool = True,
                              capture_method: str = "manual", metadata: dict | None = None,
                              description: str | None = None, transfer_group: str | None = None,
                              customer_email: str | None = None) -> dict:
        """Create (and by default confirm) a PaymentIntent. With capture_method="manual" a
        successful confirmation leaves it `requires_capture` (authorised, not yet charged)."""

    def retrieve_payment_intent(self, payment_intent_id: str) -> dict: ...

    def confirm_payment_intent(self, payment_intent_id: str, *, idempotency_key: str,
                               payment_method: str | None = None) -> dict: ...

    def capture_payment_intent(self, payment_intent_id: str, *, idempotency_key: str,
                               amount_to_capture: int | None = None) -> dict:
        """Capture an authorised intent (all of it, or `amount_to_capture` ≤ amount_capturable)."""

    def cancel_payment_intent(self, payment_intent_id: str, *, idempotency_key: str,
                              cancellation_reason: str | None = None) -> dict:
        """Release an authorisation; a captured intent cannot be cancelled (refund it)."""

    def create_refund(self, *, payment_intent: str, idempotency_key: str, amount: int | None = None,
                      reason: str | None = None, metadata: dict | None = None) -> dict:
        """Refund captured money; never more than captured minus already refunded."""

    def create_connected_account(self, *, email: str, country: str, idempotency_key: str,
                                 business_name: str | None = None, metadata: dict | None = None) -> dict: ...

    def create_account_link(self, *, account: str, refresh_url: str, return_url: str) -> dict: ...

    def create_transfer(self, *, amount: int, currency: str, destination: str, idempotency_key: str,
                        transfer_group: str | None = None, metadata: dict | None = None) -> dict: ...

    def create_payout(self, *, amount: int, currency: str, stripe_account: str, idempotency_key: str,
                      metadata: dict | None = None) -> dict: ...
