"""Registration of each external system's adapters (real client and sandbox).

A system is "configured" (served by its real client) when the variables of `cityos/settings.py`
that its client needs are set; otherwise its sandbox serves it.
"""
from importlib import import_module

from django.conf import settings

from integrations import registry


def _factory(path: str):
    module_name, class_name = path.rsplit(".", 1)
    return lambda: getattr(import_module(module_name), class_name)()


CONFIGURED = {
    "stripe": lambda: bool(settings.STRIPE_SECRET_KEY),
    "erpnext": lambda: bool(settings.ERPNEXT_URL and settings.ERPNEXT_API_KEY and settings.ERPNEXT_API_SECRET),
    "fleetbase": lambda: bool(settings.FLEETBASE_API_URL and settings.FLEETBASE_API_KEY),
    "waltid": lambda: bool((settings.WALTID_ISSUER_URL or settings.WALTID_API_URL)
                           and (settings.WALTID_VERIFIER_URL or settings.WALTID_API_URL)),
}
IMPLEMENTATIONS = {
    "stripe": ("integrations.stripe.client.StripeClient", "integrations.stripe.sandbox.StripeSandbox"),
    "erpnext": ("integrations.erpnext.client.ERPNextClient", "integrations.erpnext.sandbox.ERPNextSandbox"),
    "fleetbase": ("integrations.fleetbase.client.FleetbaseClient", "integrations.fleetbase.sandbox.FleetbaseSandbox"),
    "waltid": ("integrations.waltid.client.WaltIdClient", "integrations.waltid.sandbox.WaltIdSandbox"),
}


def register_all() -> None:
    for system, (real, sandbox) in IMPLEMENTATIONS.items():
        registry.register(registry.AdapterSpec(system=system, is_configured=CONFIGURED[system],
                                               real=_factory(real), sandbox=_factory(sandbox)))
