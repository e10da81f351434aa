"""The error taxonomy of seeds 003 §4.5.1, as exception classes.

Every failure of an external call (and every failure a workflow step raises on purpose) is one
of these. `retryable` drives the retry decision ("conditional" classes are retried only under
their own policy, e.g. after a timer); `policy` is the class's default retry policy; `http_status`
is its HTTP equivalent; `alert_level` how loudly it is reported.
"""
from integrations.policies import RetryPolicy


class IntegrationError(Exception):
    http_status = 500
    retryable = False
    conditional = False
    alert_level = "warn"
    policy = RetryPolicy(max_attempts=1)
    compensation = ""

    def __init__(self, message: str = "", *, system: str | None = None, external_code: str | None = None,
                 external_message: str | None = None, retry_after: float | None = None, details: dict | None = None):
        super().__init__(message or self.__class__.__name__)
        self.message = message or self.__class__.__name__
        self.system = system
        self.external_code = external_code
        self.external_message = external_message
        self.retry_after = retry_after
        self.details = details or {}
        self.attempts = 1  # how many calls were made before this error was raised

    @property
    def error_class(self) -> str:
        return type(self).__name__

    def as_dict(self) -> dict:
        return {
            "error_class": self.error_class,
            "message": self.message,
            "http_equivalent": self.http_status,
            "retryable": self.retryable,
            "retry_after": self.retry_after,
            "attempts": self.attempts,
            "alert_level": self.alert_level,
            "cause": {"system": self.system, "external_error_code": self.external_code,
                      "external_message": self.external_message},
        }


def _taxonomy(name, http_status, retryable, policy, alert_level, compensation, conditional=False):
    return type(name, (IntegrationError,), {
        "http_status": http_status, "retryable": retryable, "conditional": conditional, "policy": policy,
        "alert_level": alert_level, "compensation": compensation, "__doc__": compensation,
    })


NetworkError = _taxonomy("NetworkError", 503, True, RetryPolicy(5, 1, 30, 2.0), "warn", "None (transient)")
TimeoutError = _taxonomy("TimeoutError", 504, True, RetryPolicy(3, 5, 60, 2.0), "warn", "None (transient)")  # noqa: A001
RateLimitError = _taxonomy("RateLimitError", 429, True, RetryPolicy(5, 1, 120, 2.0), "info",
                           "None (throttle); honour Retry-After")
ServiceUnavailableError = _taxonomy("ServiceUnavailableError", 503, True, RetryPolicy(5, 10, 120, 2.0), "warn",
                                    "Fall back to a secondary provider if available")
InvalidArgumentError = _taxonomy("InvalidArgumentError", 400, False, RetryPolicy(1), "info",
                                 "Return validation errors to the caller")
InsufficientFundsError = _taxonomy("InsufficientFundsError", 402, False, RetryPolicy(2, 86400, 86400, 1.0), "warn",
                                   "Retry after customer notification (24 h); cancel the order after 72 h",
                                   conditional=True)
AuthenticationError = _taxonomy("AuthenticationError", 401, False, RetryPolicy(2, 1, 1, 1.0), "critical",
                                "Refresh credentials; escalate if persistent", conditional=True)
FraudDetectedError = _taxonomy("FraudDetectedError", 403, False, RetryPolicy(1), "critical",
                               "Block the transaction; flag the account; notify compliance")
DataConflictError = _taxonomy("DataConflictError", 409, True, RetryPolicy(3, 1, 10, 2.0), "warn",
                              "Reload and merge; escalate if unresolvable")
CredentialExpiredError = _taxonomy("CredentialExpiredError", 401, True, RetryPolicy(2, 5, 5, 1.0), "warn",
                                   "Re-issue the credential via Walt.id; re-verify")
InventoryUnavailableError = _taxonomy("InventoryUnavailableError", 409, False, RetryPolicy(2, 300, 300, 1.0), "info",
                                      "Suggest alternatives; offer backorder", conditional=True)
DeliveryZoneUnavailableError = _taxonomy("DeliveryZoneUnavailableError", 422, False, RetryPolicy(1), "info",
                                         "Notify the customer; suggest another delivery method")
ProviderUnavailableError = _taxonomy("ProviderUnavailableError", 503, True, RetryPolicy(3, 30, 300, 2.0), "warn",
                                     "Auto-assign an alternative provider")
QuotaExceededError = _taxonomy("QuotaExceededError", 429, False, RetryPolicy(2, 3600, 3600, 1.0), "warn",
                               "Notify the tenant admin; suggest a plan upgrade", conditional=True)
PaymentDeclinedError = _taxonomy("PaymentDeclinedError", 402, False, RetryPolicy(1), "info",
                                 "Notify the customer; ask for another payment method")
DuplicateRequestError = _taxonomy("DuplicateRequestError", 409, False, RetryPolicy(1), "info",
                                  "Return the existing result")
SchemaValidationError = _taxonomy("SchemaValidationError", 422, False, RetryPolicy(1), "info",
                                  "Log validation failures; return detailed field errors")
TenantSuspendedError = _taxonomy("TenantSuspendedError", 403, False, RetryPolicy(1), "critical",
                                 "Block all operations; notify the platform admin")
GDPRDeletionError = _taxonomy("GDPRDeletionError", 500, True, RetryPolicy(3, 60, 60, 1.0), "critical",
                              "Queue for manual deletion; notify the DPO")
CircuitBreakerOpenError = _taxonomy("CircuitBreakerOpenError", 503, True, RetryPolicy(5, 30, 300, 2.0), "warn",
                                    "Wait for circuit recovery; use a fallback if available")
ExternalAPIError = _taxonomy("ExternalAPIError", 502, True, RetryPolicy(3, 5, 60, 2.0), "warn", "None (transient)")
ConfigurationError = _taxonomy("ConfigurationError", 500, False, RetryPolicy(1), "critical",
                               "Alert the platform team; block affected operations")
ConcurrencyLimitError = _taxonomy("ConcurrencyLimitError", 429, True, RetryPolicy(5, 1, 60, 2.0), "info",
                                  "None (backpressure)")
DataIntegrityError = _taxonomy("DataIntegrityError", 500, False, RetryPolicy(1), "critical",
                               "Quarantine the record; alert the data team")
ComplianceViolationError = _taxonomy("ComplianceViolationError", 403, False, RetryPolicy(1), "critical",
                                     "Block the operation; create a compliance ticket")
# Named in the default policy's non-retryable list (seeds 003 §4.2).
CredentialVerificationFailedError = _taxonomy("CredentialVerificationFailedError", 403, False, RetryPolicy(1),
                                              "warn", "Reject the presentation; ask for re-verification")

TAXONOMY = {cls.__name__: cls for cls in IntegrationError.__subclasses__()}


def by_name(name: str) -> type[IntegrationError]:
    return TAXONOMY[name]
