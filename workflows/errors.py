"""Errors of the engine itself, on top of the taxonomy of `integrations.errors`.

Step failures are classified with the taxonomy (`retryable`, `policy`); the few failures the
engine produces are taxonomy classes too, so one rule decides every retry. The control-flow
signals (`Suspend`, `CompleteWorkflow`, `ContinueAsNew`) derive from BaseException so an
activity's `except Exception:` cannot swallow them.
"""
from django.db import InterfaceError, OperationalError

from integrations import errors as taxonomy
from integrations.policies import RetryPolicy



class SignalTimeoutError(taxonomy.IntegrationError):
    """The awaited signal did not arrive before the deadline: take the timeout path."""

    http_status = 504
    retryable = False
    policy = RetryPolicy(1)
    alert_level = "info"
    compensation = "Compensate the completed steps"


class WorkerLostError(taxonomy.IntegrationError):
    """The worker executing the step stopped (its lease expired): run the step again."""

    http_status = 504
    retryable = True
    policy = RetryPolicy(3, 1, 60, 2.0)
    alert_level = "warn"
    compensation = "None (the step runs again with the same idempotency key)"


class Suspend(BaseException):
    """Raised by `ctx.wait_for_signal` / `ctx.sleep` to park the run until `wake_at` or a signal."""

    def __init__(self, wake_at=None, signals=(), key=""):
        super().__init__("suspend")
        self.wake_at = wake_at
        self.signals = list(signals)
        self.key = key or ""


class CompleteWorkflow(BaseException):
    def __init__(self, result=None):
        super().__init__("complete")
        self.result = result


class ContinueAsNew(BaseException):
    def __init__(self, state=None, input=None):
        super().__init__("continue-as-new")
        self.state = state
        self.input = input


class LeaseLost(Exception):
    """Another worker took the run over (this one overran its lease): abandon, roll back."""


def _integration_cause(exc: BaseException) -> taxonomy.IntegrationError | None:
    """The integration error a service wrapped (`raise ServiceError(...) from gateway_error`)."""
    seen = set()
    cause = exc.__cause__
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, taxonomy.IntegrationError):
            return cause
        seen.add(id(cause))
        cause = cause.__cause__
    return None


def classify(exc: BaseException) -> taxonomy.IntegrationError | BaseException:
    """The taxonomy error for a step failure: integration errors as they are, lost database
    connections as retryable network errors, socket timeouts as timeouts; a service error raised
    from an integration error (a commerce service translating a gateway failure for its API)
    as that integration error, so a transient gateway failure inside a service is retried;
    anything else (a bug, a business refusal) stays itself and is not retried."""
    if isinstance(exc, taxonomy.IntegrationError):
        return exc
    cause = _integration_cause(exc)
    if cause is not None:
        return cause
    if isinstance(exc, (OperationalError, InterfaceError)):
        return taxonomy.NetworkError(f"database: {exc}", system="cityos")
    if isinstance(exc, (TimeoutError,)):
        return taxonomy.TimeoutError(str(exc) or "timed out", system="cityos")
    return exc


def error_class(exc: BaseException) -> str:
    return type(exc).__name__


def describe(exc: BaseException) -> str:
    return getattr(exc, "message", None) or str(exc) or type(exc).__name__
