"""Demo data of the workflows: the notification templates they send, in every demo tenant."""
from workflows.notification_templates import ensure_templates

ORDER = 60  # after content (50): the tenant's site and languages exist


def seed_tenant(tenant, ctx) -> None:
    created = ensure_templates()
    ctx.say(f"  workflows: {created} notification template(s) created")
