"""Registration of each external system's adapters (real client and sandbox)."""
from django.conf import settings

from integrations import registry


def _stripe_real():
    from integrations.stripe.client import StripeClient

    return StripeClient()


def _stripe_sandbox():
    from integrations.stripe.sandbox import StripeSandbox

    return StripeSandbox()


def register_all() -> None:
    registry.register(registry.AdapterSpec(
        system="stripe", is_configured=lambda: bool(settings.STRIPE_SECRET_KEY),
        real=_stripe_real, sandbox=_stripe_sandbox,
    ))
