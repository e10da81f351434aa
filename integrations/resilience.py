"""The one way an adapter calls its external system: circuit breaker, retries, metrics.

`call_external(system, operation, attempt, policy=...)` runs `attempt()` (one HTTP request or SDK
call that raises `integrations.errors` classes) under the system's circuit breaker and retries it
with the operation's policy, waiting as the policy says or as long as the system's `Retry-After`
asks, whichever is longer. Waiting inline is bounded by a budget (`INTEGRATION_RETRY_BUDGET`
seconds, 30 by default): when the next wait would exceed it, the error is raised with
`retry_after` set so the caller (a workflow step) can come back later with a timer instead of
holding a worker. Every raised error carries `attempts`.

Only failures that say the system itself is in trouble (network errors, timeouts, 5xx) count
against the circuit; a 4xx answer proves the system is up and counts as a success.
"""
import contextvars
import logging
import time
from contextlib import contextmanager

from django.conf import settings

from integrations import circuit, errors, metrics
from integrations.policies import RetryPolicy

logger = logging.getLogger(__name__)

SYSTEM_FAILURES = (errors.NetworkError, errors.TimeoutError, errors.ServiceUnavailableError,
                   errors.ExternalAPIError)


_no_waiting = contextvars.ContextVar("integrations_no_waiting", default=False)


def retry_budget() -> float:
    return float(getattr(settings, "INTEGRATION_RETRY_BUDGET", 30.0))


@contextmanager
def without_waiting():
    """Calls made inside try once and never wait to retry (a webhook must answer quickly)."""
    token = _no_waiting.set(True)
    try:
        yield
    finally:
        _no_waiting.reset(token)


def call_external(system: str, operation: str, attempt, *, policy: RetryPolicy, sleep=time.sleep,
                  budget: float | None = None, breaker: circuit.CircuitBreaker | None = None):
    breaker = breaker or circuit.breaker(system)
    budget = retry_budget() if budget is None else budget
    if _no_waiting.get():
        budget = 0.0
    waited = 0.0
    number = 0
    while True:
        number += 1
        try:
            breaker.before_call()
        except errors.CircuitBreakerOpenError as exc:
            metrics.CALLS.labels(system, operation, exc.error_class).inc()
            exc.attempts = number - 1
            raise
        started = time.perf_counter()
        try:
            result = attempt()
        except errors.IntegrationError as exc:
            metrics.CALL_DURATION.labels(system, operation).observe(time.perf_counter() - started)
            metrics.CALLS.labels(system, operation, exc.error_class).inc()
            if isinstance(exc, SYSTEM_FAILURES):
                breaker.record_failure()
            else:
                breaker.record_success()
            exc.system = exc.system or system
            exc.details.setdefault("operation", operation)
            exc.attempts = number
            if not policy.allows_retry(exc, number):
                raise
            delay = max(policy.delay_before(number + 1), exc.retry_after or 0.0)
            if waited + delay > budget:
                exc.retry_after = delay
                raise
            logger.info("%s.%s failed with %s (attempt %d); retrying in %.1f s",
                        system, operation, exc.error_class, number, delay)
            metrics.CALL_RETRIES.labels(system, operation).inc()
            sleep(delay)
            waited += delay
            continue
        metrics.CALL_DURATION.labels(system, operation).observe(time.perf_counter() - started)
        metrics.CALLS.labels(system, operation, "success").inc()
        breaker.record_success()
        return result
