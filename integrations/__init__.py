"""Adapters to the external systems (Stripe, ERPNext, Fleetbase, Walt.id), webhooks and sync tracking."""
SHARED_APPS = ["integrations"]
