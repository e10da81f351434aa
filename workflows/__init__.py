"""Transactional outbox and the durable saga engine (public schema; rows carry their tenant)."""
SHARED_APPS = ["workflows", "workflows.audit"]
