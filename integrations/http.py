"""The shared HTTP client of the httpx-based adapters (ERPNext, Fleetbase, Walt.id).

`HttpClient.request()` sends one request through `resilience.call_external` (circuit breaker,
retries with the operation's policy, `Retry-After`), maps transport failures onto the taxonomy
(timeouts → `TimeoutError`, refused or reset connections → `NetworkError`) and hands every
non-2xx answer to the system's own `error_mapper`, which knows that system's error envelope.
"""
import json
import time
from datetime import datetime, timezone
from decimal import Decimal
from email.utils import parsedate_to_datetime

import httpx

from integrations import errors
from integrations.policies import RetryPolicy
from integrations.resilience import call_external

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value)  # already rounded to the currency's minor unit by the caller
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def encode_json(body) -> bytes:
    return json.dumps(body, default=_json_default, separators=(",", ":")).encode()


def retry_after_seconds(response: httpx.Response) -> float | None:
    """`Retry-After` as seconds: either delta-seconds or an HTTP date."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def json_body(response: httpx.Response):
    """The decoded JSON of a response, or None when it is not JSON."""
    try:
        return response.json()
    except ValueError:
        return None


def generic_error(system: str, response: httpx.Response, message: str | None = None,
                  external_code: str | None = None) -> errors.IntegrationError:
    """The taxonomy class of an HTTP status when the system says nothing more specific."""
    status = response.status_code
    message = message or f"{system} answered HTTP {status}"
    common = {"system": system, "external_code": external_code or str(status), "external_message": message,
              "details": {"http_status": status}}
    if status == 401:
        return errors.AuthenticationError(message, **common)
    if status == 403:
        return errors.ConfigurationError(message, **common)
    if status == 404:
        return errors.InvalidArgumentError(message, **common)
    if status == 409:
        return errors.DataConflictError(message, **common)
    if status == 422:
        return errors.SchemaValidationError(message, **common)
    if status == 429:
        return errors.RateLimitError(message, retry_after=retry_after_seconds(response), **common)
    if status in (502, 503, 504):
        return errors.ServiceUnavailableError(message, retry_after=retry_after_seconds(response), **common)
    if status >= 500:
        return errors.ExternalAPIError(message, **common)
    return errors.InvalidArgumentError(message, **common)


class HttpClient:
    def __init__(self, *, system: str, base_url: str, headers: dict, error_mapper,
                 timeout: httpx.Timeout = DEFAULT_TIMEOUT, transport: httpx.BaseTransport | None = None,
                 sleep=time.sleep, budget: float | None = None):
        self.system = system
        self.error_mapper = error_mapper
        self.sleep = sleep
        self.budget = budget
        self._client = httpx.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout,
                                    transport=transport)

    def request(self, method: str, path: str, *, operation: str, policy: RetryPolicy, params=None,
                json=None, headers: dict | None = None, accept_status: tuple[int, ...] = ()) -> httpx.Response:
        """Send one request (retried per `policy`); returns the 2xx (or `accept_status`) response."""
        content = None
        request_headers = dict(headers or {})
        if json is not None:
            content = encode_json(json)
            request_headers.setdefault("Content-Type", "application/json")

        def attempt() -> httpx.Response:
            try:
                response = self._client.request(method, path, params=params, content=content,
                                                headers=request_headers)
            except httpx.TimeoutException as exc:
                raise errors.TimeoutError(f"{self.system} did not answer in time ({type(exc).__name__})",
                                          system=self.system, external_code="timeout") from exc
            except httpx.TransportError as exc:
                raise errors.NetworkError(f"{self.system} could not be reached: {exc or type(exc).__name__}",
                                          system=self.system, external_code=type(exc).__name__) from exc
            if response.is_success or response.status_code in accept_status:
                return response
            raise self.error_mapper(response)

        return call_external(self.system, operation, attempt, policy=policy, sleep=self.sleep, budget=self.budget)

    def probe(self, method: str, path: str, *, timeout: float = 5.0) -> httpx.Response:
        """One direct request for health checks: no breaker, no retries."""
        return self._client.request(method, path, timeout=timeout)

    def close(self) -> None:
        self._client.close()
