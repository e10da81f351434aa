"""The shared call path: retries with the operation's policy, Retry-After, the retry budget,
transport failures on the taxonomy, and the per-system circuit breaker shared through Redis."""
from dataclasses import astuple

import httpx
import pytest
import respx

from integrations import circuit, errors, policies
from integrations.circuit import BreakerConfig, CircuitBreaker
from integrations.erpnext import frappe
from integrations.http import HttpClient
from integrations.resilience import call_external

BASE = "https://erp.example.test"
POLICY = policies.RetryPolicy(4, 1, 30, 2.0)


class Clock:
    def __init__(self, now=1_000_000.0):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def client(sleeps):
    return HttpClient(system="erpnext", base_url=BASE, headers={}, error_mapper=frappe.map_response, sleep=sleeps,
                      budget=60)


def test_transient_failures_are_retried_with_the_policys_backoff(client, sleeps):
    with respx.mock(base_url=BASE) as mock:
        route = mock.get("/api/resource/Item/X").mock(side_effect=[
            httpx.Response(503), httpx.Response(502), httpx.Response(200, json={"data": {"name": "X"}})])
        response = client.request("GET", "/api/resource/Item/X", operation="get", policy=POLICY)
    assert response.json() == {"data": {"name": "X"}}
    assert route.call_count == 3 and sleeps == [1, 2]


def test_retry_after_is_honoured_when_longer_than_the_backoff(client, sleeps):
    with respx.mock(base_url=BASE) as mock:
        mock.get("/api/resource/Item/X").mock(side_effect=[
            httpx.Response(429, headers={"Retry-After": "7"}, json={"exc_type": "TooManyRequests"}),
            httpx.Response(200, json={"data": {}})])
        client.request("GET", "/api/resource/Item/X", operation="get", policy=POLICY)
    assert sleeps == [7]


def test_when_waiting_would_exceed_the_budget_the_error_goes_back_with_retry_after(sleeps):
    tight = HttpClient(system="erpnext", base_url=BASE, headers={}, error_mapper=frappe.map_response,
                       sleep=sleeps, budget=5)
    with respx.mock(base_url=BASE) as mock:
        route = mock.get("/x").mock(return_value=httpx.Response(429, headers={"Retry-After": "120"}))
        with pytest.raises(errors.RateLimitError) as raised:
            tight.request("GET", "/x", operation="get", policy=POLICY)
    assert route.call_count == 1 and sleeps == []
    assert raised.value.retry_after == 120 and raised.value.attempts == 1


def test_non_retryable_errors_are_not_retried(client, sleeps):
    with respx.mock(base_url=BASE) as mock:
        route = mock.post("/api/resource/Item").mock(return_value=httpx.Response(417, json={
            "exc_type": "MandatoryError", "_server_messages": '["{\\"message\\": \\"Value missing\\"}"]'}))
        with pytest.raises(errors.SchemaValidationError):
            client.request("POST", "/api/resource/Item", operation="create", policy=POLICY, json={})
    assert route.call_count == 1 and sleeps == []


def test_timeouts_and_connection_resets_are_timeout_and_network_errors_after_the_policys_attempts(client, sleeps):
    with respx.mock(base_url=BASE) as mock:
        mock.get("/slow").mock(side_effect=httpx.ReadTimeout("read timed out"))
        mock.get("/reset").mock(side_effect=httpx.RemoteProtocolError("Server disconnected without sending a response."))
        mock.get("/refused").mock(side_effect=httpx.ConnectError("[Errno 111] Connection refused"))
        with pytest.raises(errors.TimeoutError) as timeout:
            client.request("GET", "/slow", operation="get", policy=POLICY)
        with pytest.raises(errors.NetworkError) as reset:
            client.request("GET", "/reset", operation="get", policy=policies.RetryPolicy(2, 1, 1, 1.0))
        with pytest.raises(errors.NetworkError):
            client.request("GET", "/refused", operation="get", policy=policies.RetryPolicy(1))
    assert timeout.value.attempts == 4 and timeout.value.system == "erpnext"
    assert reset.value.attempts == 2 and reset.value.external_code == "RemoteProtocolError"


def _breaker(clock, system="testsys", redis_url=None):
    return CircuitBreaker(system, config=BreakerConfig(3, 60, 30, 2, "queue"), clock=clock, redis_url=redis_url)


def _fail(breaker):
    with pytest.raises(errors.ServiceUnavailableError):
        call_external(breaker.system, "op", lambda: (_ for _ in ()).throw(errors.ServiceUnavailableError("down")),
                      policy=policies.RetryPolicy(1), breaker=breaker)


def _succeed(breaker):
    return call_external(breaker.system, "op", lambda: "ok", policy=policies.RetryPolicy(1), breaker=breaker)


def test_the_circuit_opens_after_repeated_failures_half_opens_and_closes(request):
    clock = Clock()
    breaker = _breaker(clock, f"sys-{request.node.name}")
    breaker.reset()
    for _ in range(2):
        _fail(breaker)
    assert breaker.snapshot()["state"] == "closed" and breaker.snapshot()["failures_in_window"] == 2
    _fail(breaker)
    assert breaker.snapshot()["state"] == "open"
    with pytest.raises(errors.CircuitBreakerOpenError) as refused:
        _succeed(breaker)
    assert refused.value.retry_after == pytest.approx(30)

    clock.now += 31  # the recovery window has passed: trial calls go through
    assert breaker.snapshot()["state"] == "half_open"
    assert _succeed(breaker) == "ok"
    assert breaker.snapshot()["state"] == "half_open"
    assert _succeed(breaker) == "ok"  # the second successful trial closes it
    assert breaker.snapshot() | {"opened_at": None} == {"state": "closed", "failures_in_window": 0,
                                                        "failure_threshold": 3, "opened_at": None, "store": "redis"}


def test_a_failed_trial_opens_the_circuit_again(request):
    clock = Clock()
    breaker = _breaker(clock, f"sys-{request.node.name}")
    breaker.reset()
    for _ in range(3):
        _fail(breaker)
    clock.now += 31
    _fail(breaker)
    assert breaker.snapshot()["state"] == "open"
    with pytest.raises(errors.CircuitBreakerOpenError):
        _succeed(breaker)


def test_failures_outside_the_window_do_not_count(request):
    clock = Clock()
    breaker = _breaker(clock, f"sys-{request.node.name}")
    breaker.reset()
    for _ in range(2):
        _fail(breaker)
    clock.now += 61
    _fail(breaker)
    assert breaker.snapshot()["state"] == "closed" and breaker.snapshot()["failures_in_window"] == 1


def test_client_errors_prove_the_system_is_up_and_do_not_count(request):
    clock = Clock()
    breaker = _breaker(clock, f"sys-{request.node.name}")
    breaker.reset()
    for _ in range(5):
        with pytest.raises(errors.InvalidArgumentError):
            call_external(breaker.system, "op", lambda: (_ for _ in ()).throw(errors.InvalidArgumentError("bad")),
                          policy=policies.RetryPolicy(1), breaker=breaker)
    assert breaker.snapshot()["state"] == "closed"


def test_the_circuit_state_is_shared_by_every_process(request):
    clock = Clock()
    web, worker = _breaker(clock, f"sys-{request.node.name}"), _breaker(clock, f"sys-{request.node.name}")
    web.reset()
    for _ in range(3):
        _fail(web)
    with pytest.raises(errors.CircuitBreakerOpenError):
        _succeed(worker)


def test_without_redis_the_breaker_keeps_working_on_a_local_state(request):
    clock = Clock()
    breaker = _breaker(clock, f"sys-{request.node.name}", redis_url="redis://127.0.0.1:1/0")
    for _ in range(3):
        _fail(breaker)
    snapshot = breaker.snapshot()
    assert snapshot["state"] == "open" and snapshot["store"] == "local"
    with pytest.raises(errors.CircuitBreakerOpenError):
        _succeed(breaker)


def test_the_system_circuits_use_the_thresholds_of_the_seeds():
    thresholds = {system: astuple(config)[:4] for system, config in circuit.CONFIGS.items()}
    assert thresholds == {"stripe": (5, 60, 30, 2), "fleetbase": (5, 120, 60, 3), "erpnext": (10, 300, 120, 5),
                          "waltid": (3, 60, 60, 1)}


def test_an_open_erpnext_circuit_stops_calls_before_they_leave(live, sleeps):
    client = live("erpnext")
    client.http.sleep, client.http.budget = sleeps, 1000
    with respx.mock(base_url="https://erp.example.test") as mock:
        route = mock.get("/api/resource/Sales%20Order/SO-1").mock(return_value=httpx.Response(503))
        for _ in range(2):  # ERPNext's default policy: 5 attempts each; 10 failures open its circuit
            with pytest.raises(errors.ServiceUnavailableError):
                client.get_document("Sales Order", "SO-1")
        with pytest.raises(errors.CircuitBreakerOpenError):
            client.get_document("Sales Order", "SO-1")
    assert route.call_count == 10
    assert circuit.breaker("erpnext").snapshot()["state"] == "open"
