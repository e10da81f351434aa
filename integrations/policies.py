"""Retry policies: the defaults of seeds 003 §4.2 and the per-system tables of §4.5.2."""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    initial_interval: float = 1.0   # seconds
    max_interval: float = 300.0
    backoff: float = 2.0
    non_retryable: tuple[str, ...] = field(default_factory=tuple)  # error class names

    def delay_before(self, attempt: int) -> float:
        """Seconds to wait before attempt number `attempt` (2 = first retry)."""
        if attempt <= 1:
            return 0.0
        return min(self.initial_interval * (self.backoff ** (attempt - 2)), self.max_interval)

    def allows_retry(self, error: BaseException, attempt: int) -> bool:
        """May a call that failed on attempt `attempt` with `error` be tried again?"""
        if attempt >= self.max_attempts:
            return False
        if type(error).__name__ in self.non_retryable:
            return False
        return bool(getattr(error, "retryable", False))


DEFAULT = RetryPolicy(
    max_attempts=5, initial_interval=1, max_interval=300, backoff=2.0,
    non_retryable=("InvalidArgumentError", "InsufficientFundsError", "CredentialVerificationFailedError",
                   "FraudDetectedError"),
)

# Payment gateway (Stripe)
PAYMENT_CAPTURE = RetryPolicy(5, 1, 30, 2.0, ("PaymentDeclinedError", "FraudDetectedError",
                                               "InvalidArgumentError", "DuplicateRequestError"))
PAYMENT_REFUND = RetryPolicy(3, 5, 60, 2.0, ("InvalidArgumentError",))
PAYMENT_TRANSFER = RetryPolicy(3, 10, 120, 2.0, ("InsufficientFundsError",))
PAYMENT_WEBHOOK = RetryPolicy(1, 0, 0, 1.0)
PAYMENT_ACCOUNT = RetryPolicy(3, 5, 60, 2.0, ("DuplicateRequestError",))

# Logistics (Fleetbase)
LOGISTICS_CREATE = RetryPolicy(3, 10, 120, 2.0, ("DeliveryZoneUnavailableError",))
LOGISTICS_ASSIGN_DRIVER = RetryPolicy(5, 30, 300, 2.0)
LOGISTICS_TRACKING = RetryPolicy(3, 5, 60, 2.0)
LOGISTICS_CANCEL = RetryPolicy(2, 5, 30, 2.0)
LOGISTICS_ETA = RetryPolicy(3, 5, 30, 1.5)

# Identity (Walt.id)
IDENTITY_ISSUE = RetryPolicy(3, 5, 60, 2.0, ("SchemaValidationError",))
IDENTITY_VERIFY = RetryPolicy(2, 10, 60, 2.0)
IDENTITY_REVOKE = RetryPolicy(3, 5, 30, 2.0)
IDENTITY_KYC = RetryPolicy(1, 0, 0, 1.0)  # KYC waits on a signal/timer, not on retries

# Content (CMS: in-process here, kept for notifications and template rendering)
CONTENT_FETCH = RetryPolicy(3, 2, 30, 2.0)
CONTENT_SYNC = RetryPolicy(5, 5, 120, 2.0, ("SchemaValidationError",))
CONTENT_NOTIFY = RetryPolicy(3, 5, 60, 2.0, ("InvalidArgumentError",))
CONTENT_TEMPLATE = RetryPolicy(2, 5, 30, 2.0)

# ERP (ERPNext)
ERP_SYNC_ORDER = RetryPolicy(5, 5, 120, 2.0, ("DataConflictError",))
ERP_INVENTORY = RetryPolicy(3, 5, 60, 2.0)
ERP_INVOICE = RetryPolicy(3, 10, 120, 2.0, ("DuplicateRequestError",))
ERP_JOURNAL = RetryPolicy(3, 5, 60, 2.0, ("DataIntegrityError",))
ERP_STOCK_LEVELS = RetryPolicy(5, 10, 300, 2.0)

# The per-system default used when an operation names no policy of its own.
BY_SYSTEM = {
    "stripe": PAYMENT_CAPTURE,
    "fleetbase": LOGISTICS_CREATE,
    "waltid": IDENTITY_ISSUE,
    "content": CONTENT_FETCH,
    "erpnext": RetryPolicy(5, 5, 120, 2.0, ("DuplicateRequestError", "DataIntegrityError")),
    "cityos": DEFAULT,
}
