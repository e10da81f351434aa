"""How long the workflows wait, and how fast their retries come back.

Every duration has a name and a default from the seeds (pickup within a day, review reminders
after 3 and 7 days, payouts 7 days after delivery, …). Day-scale durations are counted in days
of `WORKFLOW_DAY_SECONDS` (86400); any single one can be set in seconds with `WORKFLOW_DURATIONS`
(a dict in Django settings, or JSON in the environment variable of that name). The intervals of
the workflows' retry policies are multiplied by `WORKFLOW_RETRY_SCALE` (1), their steps' timeouts by
`WORKFLOW_TIMEOUT_SCALE` (1). Tests and demos use these to run a week of waiting in seconds;
production leaves them alone.
"""
import json
import os
from dataclasses import asdict, dataclass

from django.conf import settings

from integrations.policies import RetryPolicy

# name → (amount, unit): unit "day" scales with WORKFLOW_DAY_SECONDS, "s" is seconds.
DEFAULTS = {
    "identity_verification": (2, "day"),     # seeds §4.2 identityVerificationTimeout 48 h
    "vendor_kyc": (7, "day"),                # seeds §4.5.2: KYC awaited up to 7 days
    "capture_wait": (3600, "s"),             # a run that needs the order's capture waits this long
    "placement_unwind": (600, "s"),          # a cancellation waits for the placement to compensate
    "pickup": (1, "day"),                    # driver picks the goods up
    "in_transit": (1, "day"),
    "delivery": (2, "day"),                  # delivered after pickup
    "delivery_proof": (600, "s"),            # proof of delivery after the delivered signal
    "payout_hold": (7, "day"),               # WF-002 triggerVendorPayout timer: T+7 days
    "review_first_reminder": (3, "day"),     # WF-008
    "review_final_reminder": (7, "day"),
    "transfer_confirmation": (3600, "s"),    # WF-010 awaitTransferCompletion
    "escrow_delivery": (30, "day"),          # WF-011 awaitDeliveryConfirmation
    "return_receipt": (14, "day"),           # WF-004 awaitReturnReceipt
    "dispute_decision": (60, "day"),         # after the evidence deadline
    "installment_retry": (1, "day"),         # seeds §4.5.1: retry a failed charge after 24 h
    "day": (1, "day"),                       # one day of a plan's interval, an escrow window, …
}


def _setting(name: str):
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name)
    return value


def _overrides() -> dict:
    value = _setting("WORKFLOW_DURATIONS")
    if not value:
        return {}
    return json.loads(value) if isinstance(value, str) else dict(value)


def day_seconds() -> float:
    return float(_setting("WORKFLOW_DAY_SECONDS") or 86400)


def seconds(name: str) -> float:
    overrides = _overrides()
    if name in overrides:
        return float(overrides[name])
    amount, unit = DEFAULTS[name]
    return float(amount) * (day_seconds() if unit == "day" else 1.0)


def days(count: float) -> float:
    """`count` days, in seconds (scaled like the day-based durations)."""
    return float(count) * seconds("day")


def timeout(seconds: float) -> float:
    """A step's timeout (seeds §4.2: 30 s by default, 2 min for payments, 5 min for logistics),
    multiplied by WORKFLOW_TIMEOUT_SCALE (read when the definitions are imported). A run whose
    worker died is resumed once its step's lease — the timeout plus WORKFLOW_LEASE_GRACE — has
    expired, so tests that kill workers shorten both."""
    return float(seconds) * float(_setting("WORKFLOW_TIMEOUT_SCALE") or 1.0)


def retry_scale() -> float:
    return float(_setting("WORKFLOW_RETRY_SCALE") or 1.0)


@dataclass(frozen=True)
class StepPolicy(RetryPolicy):
    """A step's retry policy: the system's (seeds §4.5.2), with its intervals scaled by
    WORKFLOW_RETRY_SCALE when the delay is computed, and optionally some "conditional" taxonomy
    errors (seeds §4.5.1: retried after a timer, e.g. InventoryUnavailableError "retry after 5 m")
    that this step does retry."""

    conditional: tuple[str, ...] = ()

    def delay_before(self, attempt: int) -> float:
        return super().delay_before(attempt) * retry_scale()

    def allows_retry(self, error: BaseException, attempt: int) -> bool:
        if attempt < self.max_attempts and type(error).__name__ in self.conditional:
            return True
        return super().allows_retry(error, attempt)


def policy(base: RetryPolicy, *, conditional=(), **changes) -> StepPolicy:
    return StepPolicy(**{**asdict(base), **changes}, conditional=tuple(conditional))
