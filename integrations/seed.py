"""Demo notes: which external systems are live and how to drive the sandboxes."""
from integrations import registry

ORDER = 90


def seed_platform(ctx) -> None:
    modes = ", ".join(f"{system} {registry.mode(system)}" for system in registry.SYSTEMS)
    ctx.notes.append(f"External systems: {modes}. Sandbox deliveries advance every "
                     "SANDBOX_DELIVERY_STEP_SECONDS on beat; drive them with `manage.py integrations_sandbox "
                     "delivery advance <order_id>`, approve or reject a KYC with `manage.py integrations_sandbox kyc "
                     "approve|reject <session_id>` (or POST /admin/api/integrations/sandbox/…); check them with "
                     "`manage.py integration_health`.")


def seed_tenant(tenant, ctx) -> None:
    """Nothing per tenant: sandboxes create their state on first use."""
