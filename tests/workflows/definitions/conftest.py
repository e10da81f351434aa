"""Fixtures of the workflow-definition tests: alpha's shop with the workflows' notification
templates, short durations and retry intervals, and an inline pump."""
import pytest
from django.db import connection

from tests.commerce.conftest import password_hash  # noqa: F401  (session fixture)
from tests.workflows.definitions.shop import Pump, Shop

# A week of waiting in about a second; deadlines of the courier long enough to play deliveries inline.
DURATIONS = {"pickup": 60, "in_transit": 60, "delivery": 60, "delivery_proof": 1, "capture_wait": 60,
             "transfer_confirmation": 60, "placement_unwind": 60, "identity_verification": 60, "vendor_kyc": 60,
             "return_receipt": 60, "escrow_delivery": 60, "installment_retry": 0.05, "dispute_decision": 60}


@pytest.fixture(autouse=True)
def _fast_workflows(settings):
    settings.WORKFLOW_DAY_SECONDS = 0.02
    settings.WORKFLOW_DURATIONS = DURATIONS
    settings.WORKFLOW_RETRY_SCALE = 0.001


@pytest.fixture
def shop(db, tenant_a):
    from workflows.notification_templates import ensure_templates

    shop = Shop(tenant_a).use()
    ensure_templates()
    yield shop
    connection.set_schema_to_public()


@pytest.fixture
def pump(tenant_a):
    return Pump(tenant_a)
