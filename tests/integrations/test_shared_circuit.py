"""A circuit opened by one process is open for the Celery workers too (the state lives in Redis)."""
import pytest

from integrations import circuit
from integrations.tasks import circuit_states

pytestmark = [pytest.mark.django_db, pytest.mark.worker]


def test_a_circuit_opened_here_is_open_in_the_worker(worker):
    breaker = circuit.breaker("fleetbase")
    assert circuit_states.delay().get(timeout=30)["fleetbase"]["state"] == "closed"
    for _ in range(breaker.config.failure_threshold):
        breaker.record_failure()
    seen = circuit_states.delay().get(timeout=30)["fleetbase"]
    assert seen["state"] == "open" and seen["store"] == "redis"
    breaker.reset()
    assert circuit_states.delay().get(timeout=30)["fleetbase"]["state"] == "closed"
