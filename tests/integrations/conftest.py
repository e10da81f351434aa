"""Fixtures of the integrations suite: configured (live) adapters over fakes, recorded sleeps,
fresh circuit breakers, and sandbox webhook delivery."""
import pytest
from django.db import connection

from integrations import circuit, registry
from integrations.sandbox import webhooks as sandbox_webhooks
from tests.support.tenants import in_tenant


class Sleeps(list):
    """Records the waits a client asks for instead of waiting."""

    def __call__(self, seconds):
        self.append(seconds)


@pytest.fixture
def sleeps():
    return Sleeps()


@pytest.fixture(autouse=True)
def fresh_circuits():
    """Every test starts with closed circuits (their state is shared through Redis)."""
    for system in registry.SYSTEMS:
        circuit.breaker(system).reset()
    yield
    for system in registry.SYSTEMS:
        circuit.breaker(system).reset()
    registry.reset()


LIVE = {
    "erpnext": {"ERPNEXT_URL": "https://erp.example.test", "ERPNEXT_API_KEY": "key1",
                "ERPNEXT_API_SECRET": "secret1", "ERPNEXT_COMPANY": "CityOS Trading",
                "ERPNEXT_WEBHOOK_SECRET": "frappe-webhook-secret"},
    "fleetbase": {"FLEETBASE_API_URL": "https://fleet.example.test", "FLEETBASE_API_KEY": "flb_test_abc",
                  "FLEETBASE_WEBHOOK_SECRET": "fleetbase-credential-secret"},
    "waltid": {"WALTID_ISSUER_URL": "https://issuer.example.test", "WALTID_VERIFIER_URL": "https://verifier.example.test"},
    "stripe": {"STRIPE_SECRET_KEY": "sk_test_123", "STRIPE_WEBHOOK_SECRET": "whsec_test_secret"},
}


@pytest.fixture
def live(settings):
    """`live("erpnext")` configures a system (its real client serves it) for this test."""

    def configure(system, **overrides):
        for name, value in {**LIVE[system], **overrides}.items():
            setattr(settings, name, value)
        registry.reset()
        return registry.get(system)

    yield configure
    registry.reset()


@pytest.fixture
def alpha(tenant_a):
    with in_tenant(tenant_a):
        yield tenant_a


def deliver(system: str) -> list[dict]:
    """Deliver the webhooks a sandbox queued (only this system's)."""
    return sandbox_webhooks.deliver_pending(system=system)


def outbox_for(aggregate_id: str):
    from workflows.models import EventOutbox

    return list(EventOutbox.objects.filter(aggregate_id=aggregate_id).order_by("created_at"))


def current_schema():
    return connection.schema_name
