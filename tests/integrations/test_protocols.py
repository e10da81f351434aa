"""Both implementations of each system keep the protocol's signatures, so a workflow step can be
written once against the protocol."""
import inspect

import pytest

from integrations.erpnext.client import ERPNextClient
from integrations.erpnext.protocol import ERP
from integrations.erpnext.sandbox import ERPNextSandbox
from integrations.fleetbase.client import FleetbaseClient
from integrations.fleetbase.protocol import Logistics
from integrations.fleetbase.sandbox import FleetbaseSandbox
from integrations.stripe.client import StripeClient
from integrations.stripe.protocol import PaymentGateway
from integrations.stripe.sandbox import StripeSandbox
from integrations.waltid.client import WaltIdClient
from integrations.waltid.protocol import Identity
from integrations.waltid.sandbox import WaltIdSandbox

CASES = [(ERP, ERPNextClient, ERPNextSandbox), (Logistics, FleetbaseClient, FleetbaseSandbox),
         (Identity, WaltIdClient, WaltIdSandbox), (PaymentGateway, StripeClient, StripeSandbox)]


def _operations(protocol):
    return [name for name, member in vars(protocol).items() if inspect.isfunction(member) and not name.startswith("_")]


def _shape(function) -> list[tuple]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


@pytest.mark.parametrize("protocol, real, sandbox", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_real_client_and_sandbox_keep_the_protocol_signatures(protocol, real, sandbox):
    operations = _operations(protocol)
    assert "health_check" in operations and len(operations) > 5
    for name in operations:
        expected = _shape(getattr(protocol, name))
        for implementation in (real, sandbox):
            assert _shape(getattr(implementation, name)) == expected, f"{implementation.__name__}.{name}"
