"""Incoming webhooks: signature checks, de-duplication, tenant routing, outbox events."""
